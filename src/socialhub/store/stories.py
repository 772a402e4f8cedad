"""Stories and their member mentions (migration 0016), on SQLite and PostgreSQL.

``store.stories``: SQL written once with ``?`` placeholders, times through
``self._ts``/``self._dt``; a story's mentions are read through the mention reads' page
helper. Callers depend on the narrow :class:`StoryStore` protocol. The grouping itself
lives in :mod:`socialhub.analytics.stories`; the record in :mod:`socialhub.records.stories`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from socialhub.models import Mention
from socialhub.records.stories import StoryRecord
from socialhub.store.base import StoryStore
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.reads import MentionReads
from socialhub.store.sqlbase import Repo, SqlDb

ORDERS = ("importance", "recent", "size")


# details: everything that is read with the record but never filtered or sorted on
_DETAILS = (
    "voices",
    "sentiment",
    "places",
    "platforms",
    "languages",
    "categories",
    "query_ids",
    "links",
    "responses",
    "explanation",
)
_COLS = (
    "workspace_id",
    "key",
    "headline",
    "first_mention_id",
    "first_author",
    "first_seen",
    "last_seen",
    "peak_at",
    "peak_count",
    "velocity",
    "size",
    "authors",
    "reach",
    "importance",
    "details",
    "merged_into",
    "updated_at",
)
_SELECT = f"SELECT {', '.join(_COLS)}, id FROM stories"


class StoryRepo(Repo):
    """:class:`StoryStore` on SQLite or PostgreSQL (tables from migration 0016)."""

    def __init__(self, db: SqlDb, reads: MentionReads) -> None:
        super().__init__(db)
        self._reads = reads

    # -- writes ------------------------------------------------------------------------

    def save(self, stories: Sequence[StoryRecord], members: Sequence[tuple[int, str, str]]) -> None:

        now = self._now()
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in _COLS if c not in ("workspace_id", "key")
        )
        sql = self._sql(
            f"INSERT INTO stories ({', '.join(_COLS)}) VALUES ({', '.join('?' * len(_COLS))}) "
            f"ON CONFLICT (workspace_id, key) DO UPDATE SET {updates}"
        )
        rows = [self._values(s, now) for s in stories]
        member_sql = self._sql(
            "INSERT INTO story_mentions (workspace_id, story_key, mention_id) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING"
        )
        with self._tx() as cur:
            if rows:
                cur.executemany(sql, rows)
            if members:
                cur.executemany(member_sql, [(int(w), k, clean(m)) for w, k, m in members])

    def _values(self, s: StoryRecord, now: Any) -> tuple[Any, ...]:
        details = {name: getattr(s, name) for name in _DETAILS}

        return (
            int(s.workspace_id),
            s.key,
            clean(s.headline),
            s.first_mention_id,
            clean(s.first_author),
            self._ts(s.first_seen),
            self._ts(s.last_seen),
            self._ts(s.peak_at),
            int(s.peak_count),
            float(s.velocity),
            int(s.size),
            int(s.authors),
            int(s.reach),
            float(s.importance),
            dump_json(details),
            s.merged_into,
            now,
        )

    def merge(self, workspace_id: int, old_key: str, new_key: str) -> None:
        """Move ``old_key``'s members to ``new_key`` and mark it merged."""

        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO story_mentions (workspace_id, story_key, mention_id) "
                    "SELECT workspace_id, ?, mention_id FROM story_mentions "
                    "WHERE workspace_id = ? AND story_key = ? ON CONFLICT DO NOTHING"
                ),
                (new_key, workspace_id, old_key),
            )
            cur.execute(
                self._sql("DELETE FROM story_mentions WHERE workspace_id = ? AND story_key = ?"),
                (workspace_id, old_key),
            )
            cur.execute(
                self._sql(
                    "UPDATE stories SET merged_into = ?, updated_at = ? "
                    "WHERE workspace_id = ? AND key = ?"
                ),
                (new_key, self._now(), workspace_id, old_key),
            )

    # -- reads -------------------------------------------------------------------------

    def _record(self, row: Sequence[Any]) -> StoryRecord:
        data: dict[str, Any] = dict(zip((*_COLS, "id"), row, strict=True))
        details = load_json(data.pop("details")) or {}
        for col in ("first_seen", "last_seen", "peak_at", "updated_at"):
            data[col] = self._dt(data[col])
        for col in ("workspace_id", "id", "peak_count", "size", "authors", "reach"):
            data[col] = int(data[col])
        data["velocity"] = float(data["velocity"])
        data["importance"] = float(data["importance"])
        for name in _DETAILS:
            if name in details:
                data[name] = details[name]
        return StoryRecord(**data)

    def get(self, workspace_id: int, story_id: int) -> StoryRecord | None:
        rows = self._rows(f"{_SELECT} WHERE workspace_id = ? AND id = ?", [workspace_id, story_id])
        return self._record(rows[0]) if rows else None

    def get_by_key(self, workspace_id: int, key: str) -> StoryRecord | None:
        rows = self._rows(f"{_SELECT} WHERE workspace_id = ? AND key = ?", [workspace_id, key])
        return self._record(rows[0]) if rows else None

    def list_stories(
        self,
        workspace_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        order: str = "importance",
        min_size: int = 1,
        limit: int = 50,
    ) -> list[StoryRecord]:
        """Stories active in the window (last post at or after ``since``, first before
        ``until``), not merged away, most important (or most recent, or largest) first."""
        if order not in ORDERS:
            raise ValueError(f"unknown story order {order!r}; expected one of {ORDERS}")
        clauses = ["workspace_id = ?", "merged_into IS NULL", "size >= ?"]
        params: list[Any] = [workspace_id, int(min_size)]
        if since is not None:
            clauses.append("last_seen >= ?")
            params.append(self._ts(since))
        if until is not None:
            clauses.append("first_seen < ?")
            params.append(self._ts(until))
        by = {
            "importance": "importance DESC, last_seen DESC",
            "recent": "last_seen DESC",
            "size": "size DESC, last_seen DESC",
        }[order]
        rows = self._rows(
            f"{_SELECT} WHERE {' AND '.join(clauses)} ORDER BY {by}, id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [self._record(r) for r in rows]

    def stories_of(self, workspace_id: int, mention_ids: Sequence[str]) -> dict[str, int]:
        """``{mention id: story id}`` for the given mentions (those in a story)."""
        out: dict[str, int] = {}
        ids = list(dict.fromkeys(mention_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                "SELECT sm.mention_id, s.id FROM story_mentions sm JOIN stories s "
                "ON s.workspace_id = sm.workspace_id AND s.key = sm.story_key "
                f"WHERE sm.workspace_id = ? AND sm.mention_id IN ({', '.join('?' * len(chunk))})",
                [workspace_id, *chunk],
            )
            out.update({str(mid): int(sid) for mid, sid in rows})
        return out

    def member_ids(self, workspace_id: int, story_id: int) -> list[str]:
        rows = self._rows(
            "SELECT sm.mention_id FROM story_mentions sm JOIN stories s "
            "ON s.workspace_id = sm.workspace_id AND s.key = sm.story_key "
            "WHERE s.workspace_id = ? AND s.id = ? ORDER BY sm.mention_id",
            [workspace_id, story_id],
        )
        return [str(r[0]) for r in rows]

    def mentions(
        self, workspace_id: int, story_id: int, *, limit: int = 50, offset: int = 0
    ) -> list[Mention]:
        """The story's stored mentions, newest first."""

        inner = self._sql(
            "SELECT m.seq FROM story_mentions sm JOIN stories s "
            "ON s.workspace_id = sm.workspace_id AND s.key = sm.story_key "
            "JOIN mentions m ON m.id = sm.mention_id "
            "WHERE s.workspace_id = ? AND s.id = ? "
            "ORDER BY m.created_at DESC, m.seq DESC LIMIT ? OFFSET ?"
        )
        page: list[Mention] = self._reads._page(
            inner, [workspace_id, story_id, int(limit), int(offset)]
        )
        return page


__all__ = ["ORDERS", "StoryRecord", "StoryRepo", "StoryStore"]
