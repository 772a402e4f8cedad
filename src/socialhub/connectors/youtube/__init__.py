"""YouTube Data API v3: video search and comment threads."""

from socialhub.connectors.youtube.connector import YouTubeConnector

__all__ = ["YouTubeConnector"]
