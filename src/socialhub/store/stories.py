"""Stories and their member mentions (migration 0016), on SQLite and PostgreSQL.

A repository of its own rather than methods on the big store classes: it wraps any
store built on :class:`socialhub.store.sqlbase.SqlPrimitives` and uses only those
primitives (``_tx``, ``_rows``, ``_sql``, ``_ts``, ``_dt``, ``_now``, ``_page``), so the
same SQL serves both dialects. Callers depend on the narrow :class:`StoryStore`
protocol. The grouping itself lives in :mod:`socialhub.analytics.stories`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from socialhub.models import Mention
from socialhub.store.convert import clean, dump_json, load_json

ORDERS = ("importance", "recent", "size")


@dataclass(slots=True)
class StoryRecord:
    """One story of one workspace, as the story page and the API show it.

    ``key`` is the engine's stable key (``"<workspace>:<first mention id>"``);
    ``explanation`` lists the importance score's components
    (``{"component", "value", "points", "why"}``); ``responses`` says whether the
    brand's official accounts answered (``answered``, ``first_at``, ``accounts``,
    ``posts``). ``merged_into`` is the key of the story that absorbed this one.
    """

    workspace_id: int
    key: str
    headline: str
    first_mention_id: str
    first_seen: datetime
    last_seen: datetime
    peak_at: datetime
    first_author: str = ""
    peak_count: int = 0
    velocity: float = 0.0
    size: int = 0
    authors: int = 0
    reach: int = 0
    voices: list[dict[str, Any]] = field(default_factory=list)
    sentiment: dict[str, int] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    platforms: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    query_ids: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)
    importance: float = 0.0
    explanation: list[dict[str, Any]] = field(default_factory=list)
    merged_into: str | None = None
    updated_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("first_seen", "last_seen", "peak_at", "updated_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


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


class StoryStore(Protocol):
    """What the story engine's service, the web pages and the API need."""

    def save(self, stories: Sequence[StoryRecord], members: Sequence[tuple[int, str, str]]) -> None:
        """Upsert records by (workspace, key) and add ``(workspace, key, mention id)``."""
        ...

    def merge(self, workspace_id: int, old_key: str, new_key: str) -> None: ...

    def get(self, workspace_id: int, story_id: int) -> StoryRecord | None: ...

    def get_by_key(self, workspace_id: int, key: str) -> StoryRecord | None: ...

    def list_stories(
        self,
        workspace_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        order: str = "importance",
        min_size: int = 1,
        limit: int = 50,
    ) -> list[StoryRecord]: ...

    def stories_of(self, workspace_id: int, mention_ids: Sequence[str]) -> dict[str, int]: ...

    def mentions(
        self, workspace_id: int, story_id: int, *, limit: int = 50, offset: int = 0
    ) -> list[Mention]: ...

    def member_ids(self, workspace_id: int, story_id: int) -> list[str]: ...


class StoryRepository:
    """:class:`StoryStore` over a SQLite or PostgreSQL store (see the module doc)."""

    def __init__(self, store: Any) -> None:
        self.db = store

    # -- writes ------------------------------------------------------------------------

    def save(self, stories: Sequence[StoryRecord], members: Sequence[tuple[int, str, str]]) -> None:
        db = self.db
        now = db._now()
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in _COLS if c not in ("workspace_id", "key")
        )
        sql = db._sql(
            f"INSERT INTO stories ({', '.join(_COLS)}) VALUES ({', '.join('?' * len(_COLS))}) "
            f"ON CONFLICT (workspace_id, key) DO UPDATE SET {updates}"
        )
        rows = [self._values(s, now) for s in stories]
        member_sql = db._sql(
            "INSERT INTO story_mentions (workspace_id, story_key, mention_id) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING"
        )
        with db._tx() as cur:
            if rows:
                cur.executemany(sql, rows)
            if members:
                cur.executemany(member_sql, [(int(w), k, clean(m)) for w, k, m in members])

    def _values(self, s: StoryRecord, now: Any) -> tuple[Any, ...]:
        details = {name: getattr(s, name) for name in _DETAILS}
        db = self.db
        return (
            int(s.workspace_id),
            s.key,
            clean(s.headline),
            s.first_mention_id,
            clean(s.first_author),
            db._ts(s.first_seen),
            db._ts(s.last_seen),
            db._ts(s.peak_at),
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
        db = self.db
        with db._tx() as cur:
            cur.execute(
                db._sql(
                    "INSERT INTO story_mentions (workspace_id, story_key, mention_id) "
                    "SELECT workspace_id, ?, mention_id FROM story_mentions "
                    "WHERE workspace_id = ? AND story_key = ? ON CONFLICT DO NOTHING"
                ),
                (new_key, workspace_id, old_key),
            )
            cur.execute(
                db._sql("DELETE FROM story_mentions WHERE workspace_id = ? AND story_key = ?"),
                (workspace_id, old_key),
            )
            cur.execute(
                db._sql(
                    "UPDATE stories SET merged_into = ?, updated_at = ? "
                    "WHERE workspace_id = ? AND key = ?"
                ),
                (new_key, db._now(), workspace_id, old_key),
            )

    # -- reads -------------------------------------------------------------------------

    def _record(self, row: Sequence[Any]) -> StoryRecord:
        data: dict[str, Any] = dict(zip((*_COLS, "id"), row, strict=True))
        details = load_json(data.pop("details")) or {}
        for col in ("first_seen", "last_seen", "peak_at", "updated_at"):
            data[col] = self.db._dt(data[col])
        for col in ("workspace_id", "id", "peak_count", "size", "authors", "reach"):
            data[col] = int(data[col])
        data["velocity"] = float(data["velocity"])
        data["importance"] = float(data["importance"])
        for name in _DETAILS:
            if name in details:
                data[name] = details[name]
        return StoryRecord(**data)

    def get(self, workspace_id: int, story_id: int) -> StoryRecord | None:
        rows = self.db._rows(
            f"{_SELECT} WHERE workspace_id = ? AND id = ?", [workspace_id, story_id]
        )
        return self._record(rows[0]) if rows else None

    def get_by_key(self, workspace_id: int, key: str) -> StoryRecord | None:
        rows = self.db._rows(f"{_SELECT} WHERE workspace_id = ? AND key = ?", [workspace_id, key])
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
            params.append(self.db._ts(since))
        if until is not None:
            clauses.append("first_seen < ?")
            params.append(self.db._ts(until))
        by = {
            "importance": "importance DESC, last_seen DESC",
            "recent": "last_seen DESC",
            "size": "size DESC, last_seen DESC",
        }[order]
        rows = self.db._rows(
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
            rows = self.db._rows(
                "SELECT sm.mention_id, s.id FROM story_mentions sm JOIN stories s "
                "ON s.workspace_id = sm.workspace_id AND s.key = sm.story_key "
                f"WHERE sm.workspace_id = ? AND sm.mention_id IN ({', '.join('?' * len(chunk))})",
                [workspace_id, *chunk],
            )
            out.update({str(mid): int(sid) for mid, sid in rows})
        return out

    def member_ids(self, workspace_id: int, story_id: int) -> list[str]:
        rows = self.db._rows(
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
        db = self.db
        inner = db._sql(
            "SELECT m.seq FROM story_mentions sm JOIN stories s "
            "ON s.workspace_id = sm.workspace_id AND s.key = sm.story_key "
            "JOIN mentions m ON m.id = sm.mention_id "
            "WHERE s.workspace_id = ? AND s.id = ? "
            "ORDER BY m.created_at DESC, m.seq DESC LIMIT ? OFFSET ?"
        )
        page: list[Mention] = db._page(inner, [workspace_id, story_id, int(limit), int(offset)])
        return page


def story_repository(store: Any) -> StoryRepository:
    """The repository for a store (one place to change when stores are split)."""
    return StoryRepository(store)


__all__ = ["ORDERS", "StoryRecord", "StoryRepository", "StoryStore", "story_repository"]
