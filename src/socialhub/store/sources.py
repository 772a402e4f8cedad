"""Connector state shared by both stores: saved cursors, source health, dead letters.

SQL is written once with ``?`` placeholders (PostgreSQL translates them); times go
through ``self._ts``/``self._dt``; JSON through ``dump_json``/``load_json``. The mixin
relies on the primitives of :class:`socialhub.store.admin.AdminMixin`. The logic lives
in :mod:`socialhub.connectors.coordinator`; this module only stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialhub.models import QuarantineItem
from socialhub.records.sources import MAX_DEAD_RAW, DeadLetter
from socialhub.store.convert import clean, clean_raw, dump_json, load_json
from socialhub.store.sqlbase import Repo
from socialhub.store.sqlbase import filters as _filters


class SourceRepo(Repo):
    """Tables ``source_state``, ``source_health`` and ``dead_letters`` (migration 0010)."""

    # -- cursors --------------------------------------------------------------------

    def get_source_cursor(self, source: str, target_key: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT cursor FROM source_state WHERE source = ? AND target_key = ?",
            [source, target_key],
        )
        return dict(load_json(rows[0][0])) if rows else None

    def source_cursors(self, source: str) -> dict[str, dict[str, Any]]:
        """Every saved cursor of a source, by target key."""
        rows = self._rows(
            "SELECT target_key, cursor FROM source_state WHERE source = ? ORDER BY target_key",
            [source],
        )
        return {key: dict(load_json(cur)) for key, cur in rows}

    def save_source_cursor(self, source: str, target_key: str, cursor: dict[str, Any]) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO source_state (source, target_key, cursor, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (source, target_key) DO UPDATE SET "
                    "cursor = excluded.cursor, updated_at = excluded.updated_at"
                ),
                (clean(source), clean(target_key), dump_json(cursor), self._now()),
            )

    def delete_source_state(self, source: str) -> None:
        """Forget a source's cursors and health (it restarts from the platform's now)."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM source_state WHERE source = ?"), (source,))
            cur.execute(self._sql("DELETE FROM source_health WHERE source = ?"), (source,))

    # -- health ---------------------------------------------------------------------

    def save_source_health(self, source: str, health: dict[str, Any]) -> None:
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO source_health (source, health, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (source) DO UPDATE SET health = excluded.health, "
                    "updated_at = excluded.updated_at"
                ),
                (clean(source), dump_json(health), self._now()),
            )

    def get_source_health(self, source: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT health FROM source_health WHERE source = ?", [source])
        return dict(load_json(rows[0][0])) if rows else None

    def list_source_health(self) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT source, health FROM source_health ORDER BY source")
        return {name: dict(load_json(doc)) for name, doc in rows}

    # -- dead letters ---------------------------------------------------------------

    def add_dead_letter(self, letter: DeadLetter) -> int:
        """Keep a connector's reject with its reason (English text, code and parameters,
        see socialhub.records.quarantine) and at most MAX_DEAD_RAW of its payload."""
        params = {
            k: clean(v)[:2000] if isinstance(v, str) else v
            for k, v in (letter.reason_params or {}).items()
        }
        with self._tx() as cur:
            letter_id = self._one(
                cur,
                "INSERT INTO dead_letters (source, reason, raw, location, created_at, "
                "reason_code, reason_params) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    clean(letter.source),
                    clean(letter.reason)[:2000],
                    clean_raw(letter.raw[:MAX_DEAD_RAW]),
                    clean(letter.location)[:2000],
                    self._now() if letter.created_at is None else self._ts(letter.created_at),
                    clean(letter.reason_code),
                    dump_json(params),
                ),
            )
        return int(letter_id)

    def list_dead_letters(self, source: str | None = None, *, limit: int = 100) -> list[DeadLetter]:
        """Newest first."""
        where, params = ("WHERE source = ? ", [source]) if source is not None else ("", [])
        rows = self._rows(
            "SELECT source, reason, raw, location, created_at, id, reason_code, reason_params"
            f" FROM dead_letters {where}ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [
            DeadLetter(s, reason, raw, loc, self._dt(at), int(i), code or "", _params(p))
            for s, reason, raw, loc, at, i, code, p in rows
        ]

    def count_dead_letters(self, source: str | None = None) -> int:
        """A source's dead letters (every source's when None)."""
        if source is None:
            return int(self._rows("SELECT COUNT(*) FROM dead_letters")[0][0])
        rows = self._rows("SELECT COUNT(*) FROM dead_letters WHERE source = ?", [source])
        return int(rows[0][0])

    def quarantine(self, items: Sequence[QuarantineItem]) -> int:
        """Keep unparseable input with its reason (English text, code and parameters, see
        socialhub.records.quarantine); the raw text is kept (NUL -> U+FFFD)."""
        if not items:
            return 0
        with self._tx() as cur:
            cur.executemany(
                self._sql(
                    "INSERT INTO quarantine (source, location, reason, raw, created_at, "
                    "reason_code, reason_params) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                [
                    (
                        clean(i.source),
                        clean(i.location),
                        clean(i.reason),
                        clean_raw(i.raw),
                        self._ts(i.created_at),
                        clean(i.reason_code),
                        dump_json(i.reason_params or {}),
                    )
                    for i in items
                ],
            )
        return len(items)

    def list_quarantine(self, limit: int = 100, source: str | None = None) -> list[QuarantineItem]:
        """Newest first."""
        where, params = _filters(source=source)
        rows = self._rows(
            "SELECT source, reason, raw, location, created_at, id, reason_code, reason_params"
            f" FROM quarantine{where} ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [
            QuarantineItem(s, r, raw, loc, self._dt(c), int(i), code or "", _params(p))
            for s, r, raw, loc, c, i, code, p in rows
        ]

    def count_quarantine(self, source: str | None = None) -> int:
        where, params = _filters(source=source)
        return int(self._rows(f"SELECT count(*) FROM quarantine{where}", params)[0][0])


def _params(value: Any) -> dict[str, Any]:
    """A quarantine row's or dead letter's reason parameters ({} when unreadable:
    shown as stored)."""
    try:
        found = load_json(value) if value else {}
    except ValueError:
        return {}
    return dict(found) if isinstance(found, dict) else {}
