"""Which queries a workspace's share of voice compares: a declared brand and competitors.

Summing every query of a workspace is meaningless (queries overlap: the brand query, its
complaints, its CEO...), so the share of voice is computed only over the queries named in
the workspace setting ``share_of_voice``::

    [workspace.settings.share_of_voice]
    brand = ["Marque Mirabelle"]
    competitors = ["Concurrent Azurel", "Concurrent Telvia", "Concurrent Nexo Mobile"]

A workspace without the setting has no share of voice (the dashboard says how to declare
one) rather than a chart that adds up overlapping counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from socialhub.i18n import M_
from socialhub.models import Query

SETTING = "share_of_voice"
ROLES = ("brand", "competitors")


@dataclass(frozen=True, slots=True)
class Compared:
    query: Query
    role: str  # "brand" or "competitor"


def validate_share_of_voice(value: Any) -> list[str]:
    """Errors in the ``share_of_voice`` setting (for ``socialhub apply`` and the admin).

    >>> validate_share_of_voice({"brand": ["Marque"], "competitors": ["Rival"]})
    []
    >>> validate_share_of_voice({"brand": "Marque"})
    ['brand: expected a list of query names', 'competitors: name at least one query']
    """
    if not isinstance(value, dict):
        return [M_("expected a table: [workspace.settings.share_of_voice]")]
    problems: list[str] = [
        M_("unknown key %(key)r (brand, competitors)", key=k) for k in value if k not in ROLES
    ]
    seen: set[str] = set()
    for role in ROLES:
        names = value.get(role, [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            problems.append(M_("%(role)s: expected a list of query names", role=role))
            continue
        if not names:
            problems.append(M_("%(role)s: name at least one query", role=role))
        for n in names:
            if n in seen:
                problems.append(M_("%(role)s: %(name)r is listed twice", role=role, name=n))
            seen.add(n)
    return problems


def compared_queries(value: Any, queries: Iterable[Query]) -> list[Compared]:
    """The declared queries that exist, brand first (unknown names are skipped)."""
    if not isinstance(value, dict) or validate_share_of_voice(value):
        return []
    by_name = {q.name: q for q in queries}
    out = [Compared(by_name[n], "brand") for n in value["brand"] if n in by_name]
    out += [Compared(by_name[n], "competitor") for n in value["competitors"] if n in by_name]
    return out
