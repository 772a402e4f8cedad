"""Launches and their measured curves (the competitor launch monitor's library), shared
by both stores.

SQL is written once with ``?`` placeholders (PostgreSQL translates them); times go
through ``self._ts``/``self._dt``; JSON through ``dump_json``/``load_json``;
``in_library`` is 0/1 in SQLite and BOOLEAN in PostgreSQL, read back with ``bool()``.
The mixin relies on the primitives of :class:`socialhub.store.admin.AdminMixin`.
The computation lives in :mod:`socialhub.analytics.launches`; this module only stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialhub.records.launches import OUTCOMES, SOURCES, LaunchRecord
from socialhub.store.convert import clean, dump_json, load_json
from socialhub.store.sqlbase import Repo

_COLS = (
    "workspace_id",
    "name",
    "query",
    "brand_query",
    "launch_at",
    "window_s",
    "bucket_s",
    "source",
    "outcome",
    "in_library",
    "curve",
    "metrics",
    "score",
    "notes",
    "created_at",
    "updated_at",
)
_SELECT = f"SELECT {', '.join(_COLS)}, id FROM launches"


class LaunchRepo(Repo):
    """Table ``launches`` (migration 0009)."""

    def _launch(self, row: Sequence[Any]) -> LaunchRecord:
        data: dict[str, Any] = dict(zip((*_COLS, "id"), row, strict=True))
        for col in ("curve", "metrics"):
            data[col] = None if data[col] is None else load_json(data[col])
        for col in ("launch_at", "created_at", "updated_at"):
            data[col] = self._dt(data[col])
        for col in ("workspace_id", "id"):
            if data[col] is not None:
                data[col] = int(data[col])
        data["window_s"] = int(data["window_s"])
        data["bucket_s"] = int(data["bucket_s"])
        data["in_library"] = bool(data["in_library"])
        if data["score"] is not None:
            data["score"] = float(data["score"])
        return LaunchRecord(**data)

    def save_launch(self, launch: LaunchRecord) -> LaunchRecord:
        """Insert or update by name; returns a copy with id and times."""
        if launch.source not in SOURCES:
            raise ValueError(f"unknown launch source {launch.source!r}; expected {SOURCES}")
        if launch.outcome is not None and launch.outcome not in OUTCOMES:
            raise ValueError(f"unknown launch outcome {launch.outcome!r}; expected {OUTCOMES}")
        now = self._now()
        values = [
            launch.workspace_id,
            clean(launch.name),
            clean(launch.query),
            clean(launch.brand_query),
            self._ts(launch.launch_at),
            int(launch.window_s),
            int(launch.bucket_s),
            launch.source,
            launch.outcome,
            bool(launch.in_library),
            None if launch.curve is None else dump_json(launch.curve),
            None if launch.metrics is None else dump_json(launch.metrics),
            None if launch.score is None else float(launch.score),
            clean(launch.notes),
            now,
            now,
        ]
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLS if c not in ("name", "created_at"))
        with self._tx() as cur:
            launch_id = self._one(
                cur,
                f"INSERT INTO launches ({', '.join(_COLS)}) VALUES ({', '.join('?' * len(_COLS))}) "
                f"ON CONFLICT (name) DO UPDATE SET {updates} RETURNING id",
                values,
            )
        saved = self.get_launch(launch.name)
        assert saved is not None and saved.id == int(launch_id)
        return saved

    def get_launch(self, name: str) -> LaunchRecord | None:
        rows = self._rows(f"{_SELECT} WHERE name = ?", [name])
        return self._launch(rows[0]) if rows else None

    def list_launches(
        self, *, workspace_id: int | None = None, library_only: bool = False
    ) -> list[LaunchRecord]:
        """Oldest launch first; ``library_only``: measured launches kept for ranking."""
        clauses: list[str] = []
        params: list[Any] = []
        if workspace_id is not None:
            clauses.append("workspace_id = ?")
            params.append(workspace_id)
        if library_only:
            clauses.append("in_library = ? AND score IS NOT NULL")
            params.append(True)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._rows(f"{_SELECT}{where} ORDER BY launch_at, id", params)
        return [self._launch(r) for r in rows]

    def delete_launch(self, name: str) -> None:
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM launches WHERE name = ?"), (name,))
