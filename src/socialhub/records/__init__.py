"""Persisted records: plain dataclasses the store writes and reads back.

The bottom layer with :mod:`socialhub.models` and :mod:`socialhub.text`: a record
imports nothing above it, so the store, the features and the web can all share it.
One module per feature (``alerts``, ``reports``, ``launches``, ``sessions``...);
:mod:`.chain` is the append-only hash chain behind the engagement audit log and the
legal chains of custody, :mod:`.engage` the engagement records.
"""
