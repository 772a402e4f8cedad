"""Connector tests: one folder per platform, each with a local server of its documented payloads."""
