"""News and blogs: RSS 2.0, RSS 1.0 (RDF) and Atom feeds as ``article`` mentions."""

from socialhub.connectors.rss.connector import RssConnector

__all__ = ["RssConnector"]
