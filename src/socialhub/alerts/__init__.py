"""Alerts: signals from the detectors become alert records (``manager``), explained by
their provenance (``provenance``), sent to people (``routing``, ``channels``).
Watchlist triggers (``triggers``) emit signals like a detector. The alert records
themselves live below the store, in :mod:`socialhub.records.alerts`.
"""
