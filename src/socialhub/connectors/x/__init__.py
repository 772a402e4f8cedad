"""X (Twitter) API v2: recent search, user timelines, filtered stream, publish and reply."""

from socialhub.connectors.x.connector import XConnector

__all__ = ["XConnector"]
