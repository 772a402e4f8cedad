"""On-call pages (migration 0019_i14a_incidents, table ``oncall_pages``), both dialects.

``store.oncall``: the escalation log the pager (:mod:`socialhub.alerts.paging`) reads to
know which level of an alert's or incident's escalation was reached.
"""

from __future__ import annotations

from typing import Any

from socialhub.records.oncall import Page
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Repo

_COLS = ("workspace_id", "subject", "level", "target", "channel", "status", "error", "at")


class OncallRepo(Repo):
    """:class:`~socialhub.store.base.OncallStore`."""

    def add_page(self, page: Page) -> Page:
        with self._tx() as cur:
            new_id = self._one(
                cur,
                f"INSERT INTO oncall_pages ({', '.join(_COLS)}) "
                f"VALUES ({', '.join('?' * len(_COLS))}) RETURNING id",
                (
                    int(page.workspace_id),
                    page.subject,
                    int(page.level),
                    clean(page.target),
                    page.channel,
                    page.status,
                    clean(page.error),
                    self._ts(page.at),
                ),
            )
        return Page(**{**{c: getattr(page, c) for c in _COLS}, "id": int(new_id)})

    def list_pages(
        self, subject: str | None = None, *, workspace_id: int | None = None, limit: int = 200
    ) -> list[Page]:
        """Pages, oldest first, of one subject (``"alert:12"``) or of a workspace."""
        clauses: list[str] = []
        params: list[Any] = []
        if subject is not None:
            clauses.append("subject = ?")
            params.append(subject)
        if workspace_id is not None:
            clauses.append("workspace_id = ?")
            params.append(int(workspace_id))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT {', '.join(_COLS)}, id FROM oncall_pages{where} ORDER BY at, id LIMIT ?",
            [*params, int(limit)],
        )
        return [
            Page(
                workspace_id=int(r[0]),
                subject=str(r[1]),
                level=int(r[2]),
                target=str(r[3]),
                channel=str(r[4]),
                status=str(r[5]),
                error=str(r[6]),
                at=self._dt(r[7]),
                id=int(r[8]),
            )
            for r in rows
        ]


__all__ = ["OncallRepo"]
