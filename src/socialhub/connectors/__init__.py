"""Connectors: one package per platform (client, normaliser, manifest, fixtures)."""
