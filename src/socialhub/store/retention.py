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

Legal hold (issue 17): mentions in a case that is not closed are never dropped. On
PostgreSQL the held rows of a doomed partition are set aside, the partition is dropped
and they return to the default partition; their routes stay, and the rollup slots of
the dropped months are rebuilt from the routes that remain, so counts stay exact. Each
exemption is logged in ``legal_hold_events`` with the case's reason.
Finer policies (per workspace and source kind) are :mod:`socialhub.privacy.retention`.

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
    held: list[str] = field(default_factory=list)  # kept under legal hold: "id (case N: reason)"
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


# Ids of mentions under legal hold (items of cases that are not closed).
_HELD = (
    "SELECT i.item_id FROM legal_case_items i JOIN legal_cases c ON c.id = i.case_id "
    "WHERE i.kind = 'mention' AND c.status <> 'closed'"
)


def _held(store: Any, cutoff: Any, at: datetime, dry_run: bool) -> list[str]:
    """Held mentions older than the cutoff, described; the exemption is logged."""
    from socialhub.store.legal import LegalRepo

    rows = store._rows(
        f"SELECT id FROM mentions WHERE created_at < ? AND id IN ({_HELD})", [cutoff]
    )
    ids = {str(r[0]) for r in rows}
    legal = LegalRepo(store)
    holds = [h for i, h in sorted(legal.holds("mention").items()) if i in ids]
    if not dry_run:
        legal.record_hold_events("retention", holds, at)
    return [f"{h.item_id} ({h.describe()})" for h in holds]


def _postgres(store: Any, cutoff: datetime, dry_run: bool, ahead: int) -> RetentionReport:
    report = RetentionReport("postgres", cutoff, dry_run)
    doomed = [name for name, _, hi in store.partitions() if hi is not None and hi <= cutoff]
    for name in doomed:
        report.mentions += int(store._rows(f'SELECT count(*) FROM "{name}"')[0][0])
    report.mentions += int(
        store._rows("SELECT count(*) FROM mentions_default WHERE created_at < ?", [cutoff])[0][0]
    )
    report.held = _held(store, cutoff, datetime.now(UTC), dry_run)
    report.mentions -= len(report.held)
    report.partitions_dropped = doomed
    if dry_run:
        return report
    with store._tx() as cur:
        # Held rows are set aside before their partition goes, and come back after.
        cur.execute(
            "CREATE TEMP TABLE retention_held ON COMMIT DROP AS SELECT * FROM mentions "
            f"WHERE created_at < %s AND id IN ({_HELD})",
            (cutoff,),
        )
        # Keys first: their delete cascades to relevance_labels. Routes carry the
        # mention's created_at, so one range delete each finds them.
        cur.execute(
            "DELETE FROM mention_keys WHERE created_at < %s "
            "AND id NOT IN (SELECT id FROM retention_held)",
            (cutoff,),
        )
        for table in ("mention_queries", "mention_workspaces"):
            cur.execute(
                f"DELETE FROM {table} WHERE created_at < %s "
                "AND mention_seq NOT IN (SELECT seq FROM retention_held)",
                (cutoff,),
            )
        cur.execute(
            "DELETE FROM mentions_default WHERE created_at < %s "
            "AND id NOT IN (SELECT id FROM retention_held)",
            (cutoff,),
        )
        # The dashboard rollups (migration 0015): the cutoff is a month start, so
        # whole 15-minute slots go, then the held routes are counted back in.
        slot = int(cutoff.timestamp()) // 900
        for table in ("rollup_queries", "rollup_workspaces"):
            cur.execute(f"DELETE FROM {table} WHERE slot < %s", (slot,))
        cur.execute(  # and whole days of the author rollup (migration 0020)
            "DELETE FROM rollup_author_days WHERE day < %s", (int(cutoff.timestamp()) // 86400,)
        )
        for name in doomed:
            cur.execute(f'DROP TABLE "{name}"')
        cur.execute(
            "INSERT INTO mentions SELECT * FROM retention_held h "
            "WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.seq = h.seq)"
        )
        for recount in _RECOUNT_PG:
            cur.execute(recount, (cutoff,))
    store.forget_partitions()
    now = datetime.now(UTC)
    months = [_month_index(now.year * 12 + now.month - 1 + k) for k in range(ahead + 1)]
    report.partitions_created = [
        p for p in store.ensure_partitions(months) if p not in report.partitions_dropped
    ]
    return report


_SLOT_PG = "CAST(floor(extract(epoch FROM created_at) / 900) AS BIGINT)"
_RECOUNT_PG = (
    "INSERT INTO rollup_queries (workspace_id, slot, query_id, n) "
    f"SELECT workspace_id, {_SLOT_PG}, query_id, count(*) FROM mention_queries "
    "WHERE created_at < %s GROUP BY 1, 2, 3",
    "INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n) "
    f"SELECT workspace_id, {_SLOT_PG}, platform, lang, coalesce(sentiment_label, ''), count(*) "
    "FROM mention_workspaces WHERE created_at < %s GROUP BY 1, 2, 3, 4, 5",
    "INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement) "
    "SELECT workspace_id, CAST(floor(extract(epoch FROM created_at) / 86400) AS INTEGER), "
    "author_id, count(*), sum(engagement) FROM mention_workspaces "
    "WHERE created_at < %s AND author_id IS NOT NULL GROUP BY 1, 2, 3",
)
_RECOUNT_SQLITE = (
    "INSERT INTO rollup_queries (workspace_id, slot, query_id, n) "
    "SELECT workspace_id, created_at / 900000, query_id, count(*) FROM mention_queries "
    "WHERE created_at < ? GROUP BY 1, 2, 3",
    "INSERT INTO rollup_workspaces (workspace_id, slot, platform, lang, sentiment, n) "
    "SELECT mw.workspace_id, mw.created_at / 900000, m.platform, m.lang, "
    "coalesce(m.sentiment_label, ''), count(*) FROM mention_workspaces mw "
    "JOIN mentions m ON m.seq = mw.mention_seq WHERE mw.created_at < ? GROUP BY 1, 2, 3, 4, 5",
    "INSERT INTO rollup_author_days (workspace_id, day, author_id, n, engagement) "
    "SELECT workspace_id, created_at / 86400000, author_id, count(*), sum(engagement) "
    "FROM mention_workspaces WHERE created_at < ? AND author_id IS NOT NULL GROUP BY 1, 2, 3",
)


def _month_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _sqlite(store: Any, cutoff: datetime, dry_run: bool) -> RetentionReport:
    report = RetentionReport("sqlite", cutoff, dry_run)
    limit = to_ms(cutoff)
    report.mentions = int(
        store._rows("SELECT count(*) FROM mentions WHERE created_at < ?", [limit])[0][0]
    )
    report.held = _held(store, limit, datetime.now(UTC), dry_run)
    report.mentions -= len(report.held)
    if dry_run:
        return report
    while True:
        with store._tx() as cur:
            cur.execute(
                "SELECT seq, text FROM mentions WHERE created_at < ? "
                f"AND id NOT IN ({_HELD}) ORDER BY seq LIMIT ?",
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
        cur.execute("DELETE FROM rollup_author_days WHERE day < ?", (limit // 86_400_000,))
        for recount in _RECOUNT_SQLITE:  # the held routes, counted back in
            cur.execute(recount, (limit,))
    return report
