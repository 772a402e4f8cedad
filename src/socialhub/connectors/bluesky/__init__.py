"""Bluesky: searchPosts, author feeds, the Jetstream firehose, publish/reply."""

from socialhub.connectors.bluesky.connector import BlueskyConnector

__all__ = ["BlueskyConnector"]
