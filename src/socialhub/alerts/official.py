"""The organisation's own accounts, which alerts must never treat as outside voices.

The implementation lives in :mod:`socialhub.records.official` so the pipeline (the
``voice`` stage, a lower layer) shares it; this module keeps the alerts' import path.
"""

from socialhub.records.official import (
    DEPRECATION,
    SETTING,
    official_handles,
    organisation_handles,
    validate_official_accounts,
)

__all__ = [
    "DEPRECATION",
    "SETTING",
    "official_handles",
    "organisation_handles",
    "validate_official_accounts",
]
