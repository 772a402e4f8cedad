"""Web watcher for forum topics and article comment threads (CSS selectors, no scripts)."""

from socialhub.connectors.webwatch.connector import WebWatchConnector

__all__ = ["WebWatchConnector"]
