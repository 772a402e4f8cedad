"""Retention: forget mentions older than a cutoff, with everything that hangs off them.

PostgreSQL (migration 0013) keeps mentions in month partitions, so whole months go by
``DROP TABLE`` of their partition: no row-by-row delete, no dead tuples, no vacuum.
Rows of the default partition older than the cutoff are deleted. The rows that depend
on the mentions go with them, by code where a foreign key to a partitioned table is
impossible: ``mention_keys`` (whose delete cascades to ``relevance_labels``),
``mention_queries`` and ``mention_workspaces`` (all three carry the mention's
created_at, so a range delete finds them), and the dashboard rollups' older slots.

SQLite has one mentions table: the same command DELETEs the rows (in chunks, with their
full-text rows; the route tables and relevance labels follow by ON DELETE CASCADE).

The cutoff is the first instant of a UTC month: ``keep_months=3`` on 2026-12-15 keeps
September, October, November and the current December and drops what is older.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from socialhub.store.base import Store
from socialhub.store.convert import to_ms
from socialhub.text import fts_document, index_tokens

_CHUNK = 5000  # SQLite mentions deleted per transaction


@dataclass(slots=True)
class RetentionReport:
    backend: str
    cutoff: datetime
    dry_run: bool
    mentions: int = 0  # mentions dropped (or that would be)
    partitions_dropped: list[str] = field(default_factory=list)
    partitions_created: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cutoff"] = self.cutoff.isoformat()
        return data


def cutoff_for(now: datetime, keep_months: int) -> datetime:
    """First instant (UTC) of the month ``keep_months`` before the month of ``now``."""
    if keep_months < 0:
        raise ValueError("keep_months must be >= 0")
    now = now.astimezone(UTC)
    index = now.year * 12 + now.month - 1 - keep_months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def apply_retention(
    store: Store, cutoff: datetime, *, dry_run: bool = False, ahead: int = 1
) -> RetentionReport:
    """Drop the mentions created before ``cutoff`` (a month start, UTC) and their
    dependent rows. On PostgreSQL, also create the partitions of the current month and
    of the ``ahead`` next ones, so writes never wait for one."""
    from socialhub.store.postgres import PostgresStore
    from socialhub.store.sqlite import SqliteStore

    if cutoff.astimezone(UTC) != datetime(cutoff.year, cutoff.month, 1, tzinfo=UTC):
        raise ValueError("the cutoff must be the first instant of a UTC month")
    if isinstance(store, PostgresStore):
        return _postgres(store.mentions, cutoff, dry_run, ahead)
    if isinstance(store, SqliteStore):
        return _sqlite(store.mentions, cutoff, dry_run)
    raise TypeError(f"retention is not implemented for {type(store).__name__}")


def _postgres(store: Any, cutoff: datetime, dry_run: bool, ahead: int) -> RetentionReport:
    report = RetentionReport("postgres", cutoff, dry_run)
    doomed = [name for name, _, hi in store.partitions() if hi is not None and hi <= cutoff]
    for name in doomed:
        report.mentions += int(store._rows(f'SELECT count(*) FROM "{name}"')[0][0])
    report.mentions += int(
        store._rows("SELECT count(*) FROM mentions_default WHERE created_at < ?", [cutoff])[0][0]
    )
    report.partitions_dropped = doomed
    if dry_run:
        return report
    with store._tx() as cur:
        # Keys first: their delete cascades to relevance_labels. Routes carry the
        # mention's created_at, so one range delete each finds them.
        for table in ("mention_keys", "mention_queries", "mention_workspaces"):
            cur.execute(f"DELETE FROM {table} WHERE created_at < %s", (cutoff,))
        cur.execute("DELETE FROM mentions_default WHERE created_at < %s", (cutoff,))
        # The dashboard rollups (migration 0015): the cutoff is a month start, so
        # whole 15-minute slots go.
        slot = int(cutoff.timestamp()) // 900
        for table in ("rollup_queries", "rollup_workspaces"):
            cur.execute(f"DELETE FROM {table} WHERE slot < %s", (slot,))
        for name in doomed:
            cur.execute(f'DROP TABLE "{name}"')
    store.forget_partitions()
    now = datetime.now(UTC)
    months = [_month_index(now.year * 12 + now.month - 1 + k) for k in range(ahead + 1)]
    report.partitions_created = [
        p for p in store.ensure_partitions(months) if p not in report.partitions_dropped
    ]
    return report


def _month_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _sqlite(store: Any, cutoff: datetime, dry_run: bool) -> RetentionReport:
    report = RetentionReport("sqlite", cutoff, dry_run)
    limit = to_ms(cutoff)
    report.mentions = int(
        store._rows("SELECT count(*) FROM mentions WHERE created_at < ?", [limit])[0][0]
    )
    if dry_run:
        return report
    while True:
        with store._tx() as cur:
            cur.execute(
                "SELECT seq, text FROM mentions WHERE created_at < ? ORDER BY seq LIMIT ?",
                (limit, _CHUNK),
            )
            rows = cur.fetchall()
            if not rows:
                break
            # Contentless FTS5 forgets a row only when given the tokens it indexed:
            # the stored text's, exactly as add() wrote them.
            cur.executemany(
                "INSERT INTO mentions_fts (mentions_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                [(seq, fts_document(index_tokens(text))) for seq, text in rows],
            )
            cur.executemany("DELETE FROM mentions WHERE seq = ?", [(seq,) for seq, _ in rows])
    with store._tx() as cur:  # the route tables went by cascade; their rollup slots now
        for table in ("rollup_queries", "rollup_workspaces"):
            cur.execute(f"DELETE FROM {table} WHERE slot < ?", (limit // 900_000,))
    return report
