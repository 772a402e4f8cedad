"""Reddit: search and subreddit listings with their comments (OAuth, application-only)."""

from socialhub.connectors.reddit.connector import RedditConnector

__all__ = ["RedditConnector"]
