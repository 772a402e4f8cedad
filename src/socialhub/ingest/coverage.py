"""Import coverage: what share of an imported file reached each query, and why so little.

3,764 real tweets once matched 41.7 % to a query, silently: their export had stripped the
@handles the queries look for. The import now says the share routed per query and, when
it is low, the likely cause.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from socialhub.i18n import M_, Message, format_percent
from socialhub.models import Mention, Query


class Share(Message):
    """A share in a :class:`Message`: "14.3 %" in English, "14,3 %" when localised."""

    share: float

    def __new__(cls, share: float) -> Share:
        self = cast(Share, super().__new__(cls, "%(pct)s", pct=f"{100 * share:.1f} %"))
        self.share = share
        return self

    def localised(self) -> str:
        return format_percent(self.share, 1)


LOW_SHARE = 0.6  # below this share of mentions routed to a query, the import warns
_HANDLE = re.compile(r"(?<![\w@])@\w")


@dataclass
class Coverage:
    """Counts of the imported mentions per query, fed batch by batch."""

    total: int = 0
    routed: int = 0
    with_handle: int = 0
    per_query: Counter[int] = field(default_factory=Counter)

    def add(self, batch: Iterable[Mention]) -> None:
        for m in batch:
            self.total += 1
            if m.query_ids:
                self.routed += 1
            self.per_query.update(set(m.query_ids))
            if _HANDLE.search(m.text or ""):
                self.with_handle += 1

    def share(self) -> float:
        return self.routed / self.total if self.total else 0.0

    def report(self, queries: Iterable[Query]) -> dict[str, Any]:
        """Per query counts and shares, the routed share, and warnings with likely causes."""
        qs = list(queries)
        rows: list[dict[str, Any]] = [
            {
                "query_id": q.id,
                "query": q.name,
                "mentions": self.per_query.get(q.id or 0, 0),
                "share": round(self.per_query.get(q.id or 0, 0) / self.total, 4)
                if self.total
                else 0.0,
            }
            for q in qs
        ]
        rows.sort(key=lambda r: -r["mentions"])
        return {
            "mentions": self.total,
            "routed": self.routed,
            "routed_share": round(self.share(), 4),
            "per_query": rows,
            "warnings": self.warnings(qs),
        }

    def warnings(self, queries: list[Query]) -> list[str]:
        if not self.total or self.share() >= LOW_SHARE:
            return []
        # Message: English (logs, --json), shown translated by the command line
        pct = Share(self.share())
        if not queries:
            return [M_("only %(pct)s of the mentions matched a query: no query is defined yet",
                       pct=pct)]  # fmt: skip
        handle_queries = [q.name for q in queries if "@" in q.definition]
        handle_share = self.with_handle / self.total
        if handle_queries and handle_share < 0.02:
            return [
                M_(
                    "only %(pct)s of the mentions matched a query, and %(handles)s of their"
                    " texts contain an @handle: the export may have stripped the handles that"
                    " queries such as %(query)r look for (re-export with the full text, or add"
                    " the brand's words to the queries)",
                    pct=pct,
                    handles=Share(handle_share),
                    query=handle_queries[0],
                )
            ]
        return [
            M_(
                "only %(pct)s of the mentions matched a query: the file may hold posts about"
                " other subjects, or the queries may be too narrow (try them on the file with"
                " `socialhub search ... --since` once imported)",
                pct=pct,
            )
        ]
