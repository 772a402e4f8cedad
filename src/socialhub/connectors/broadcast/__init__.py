"""Broadcast transcripts: WebVTT, SRT and TTML files from a watched folder."""

from socialhub.connectors.broadcast.connector import BroadcastConnector

__all__ = ["BroadcastConnector"]
