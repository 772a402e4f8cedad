"""The organisation's own accounts, which alerts must never treat as outside voices.

Shared by the alerts and the pipeline's ``voice`` stage (a lower layer), hence here;
:mod:`socialhub.alerts.official` re-exports it.

Our official account posting is not a "high-reach author" event, and is what the
reports call "the brand's answers". The accounts are declared ONCE for the organisation
(``[[official_account]]``, the engagement store: ``store.engage.list_accounts()``), plus
the ``@`` aliases of the workspace's ``brand`` entities (``[[workspace.settings.entities]]``).
The older workspace setting ``official_accounts`` (handles, ``@`` optional) is still read,
with a deprecation warning: declare those accounts as ``[[official_account]]`` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from socialhub.i18n import M_
from socialhub.text import norm_handle

SETTING = "official_accounts"
DEPRECATION = (
    "the workspace setting official_accounts is deprecated: declare the accounts once "
    "for the organisation with [[official_account]] (docs/engagement.md)"
)
log = logging.getLogger(__name__)
_WARNED: set[tuple[str, ...]] = set()


def validate_official_accounts(value: Any) -> list[str]:
    """Errors in the ``official_accounts`` setting.

    >>> validate_official_accounts(["@MirabelleTel", "MirabelleSAV"])
    []
    """
    if not isinstance(value, list) or not all(isinstance(h, str) and h.strip() for h in value):
        return [M_('expected a list of handles, e.g. official_accounts = ["@MirabelleTel"]')]
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
        key = tuple(sorted(value))
        if key not in _WARNED:  # once per process and value, not on every refresh
            _WARNED.add(key)
            log.warning("%s (still read: %s)", DEPRECATION, ", ".join(key))
        handles.update(norm_handle(h) for h in value)
    for entity in settings.get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "brand":
            for alias in entity.get("aliases") or []:
                if isinstance(alias, str) and alias.startswith("@"):
                    handles.add(norm_handle(alias))
    return frozenset(h for h in handles if h)


def organisation_handles(
    accounts: Iterable[Any], settings: Mapping[str, Any] | None = None
) -> frozenset[str]:
    """The brand's own accounts for a report or a story: the organisation's declared
    ``[[official_account]]`` records (anything with ``.handle``), and the workspace's
    deprecated setting and brand aliases when ``settings`` is given."""
    return official_handles(settings or {}, [a.handle for a in accounts])
