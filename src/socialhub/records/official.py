"""The organisation's own accounts, which alerts must never treat as outside voices.

Our official account posting is not a "high-reach author" event. The accounts are those
declared once for the organisation (``[[official_account]]``, the engagement store), the
workspace setting ``official_accounts`` (handles, ``@`` optional) and the ``@`` aliases of
the workspace's ``brand`` entities (``[[workspace.settings.entities]]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from socialhub.text import norm_handle

SETTING = "official_accounts"


def validate_official_accounts(value: Any) -> list[str]:
    """Errors in the ``official_accounts`` setting.

    >>> validate_official_accounts(["@MirabelleTel", "MirabelleSAV"])
    []
    """
    if not isinstance(value, list) or not all(isinstance(h, str) and h.strip() for h in value):
        return ['expected a list of handles, e.g. official_accounts = ["@MirabelleTel"]']
    return []


def official_handles(settings: Mapping[str, Any], declared: Iterable[str] = ()) -> frozenset[str]:
    """Normalised handles of the workspace's own accounts (``declared``: the
    organisation's official accounts' handles).

    >>> sorted(official_handles({"official_accounts": ["@Acme"],
    ...     "entities": [{"name": "Acme", "type": "brand", "aliases": ["@AcmeHelp", "Acme Inc"]}]}))
    ['acme', 'acmehelp']
    """
    handles: set[str] = {norm_handle(h) for h in declared}
    value = settings.get(SETTING)
    if isinstance(value, list) and not validate_official_accounts(value):
        handles.update(norm_handle(h) for h in value)
    for entity in settings.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "brand":
            for alias in entity.get("aliases") or []:
                if isinstance(alias, str) and alias.startswith("@"):
                    handles.add(norm_handle(alias))
    return frozenset(h for h in handles if h)
