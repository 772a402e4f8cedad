"""socialhub: a self-hosted social listening hub."""

__version__ = "0.1.0"
