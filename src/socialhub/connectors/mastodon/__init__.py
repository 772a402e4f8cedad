"""Mastodon: timelines, search, streaming and publish/reply, on several instances."""

from socialhub.connectors.mastodon.connector import MastodonConnector

__all__ = ["MastodonConnector"]
