"""Facebook Pages through the Graph API: page posts and their comments."""

from socialhub.connectors.facebook.connector import FacebookConnector

__all__ = ["FacebookConnector"]
