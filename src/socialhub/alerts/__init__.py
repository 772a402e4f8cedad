"""Alerts: signals from the detectors become alert records (``manager``), explained by
their provenance (``provenance``), sent to people (``routing``, ``channels``).
Watchlist triggers (``triggers``) emit signals like a detector.

Kept import-free so the store can read :mod:`socialhub.alerts.records` cheaply.
"""
