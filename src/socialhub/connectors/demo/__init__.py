"""The built-in demo stream as a source (see socialhub.demo for the simulator itself)."""

from socialhub.connectors.demo.connector import DemoSource

__all__ = ["DemoSource"]
