"""Retention on both back ends: whole months go with everything that hangs off them;
PostgreSQL drops partitions, SQLite deletes rows; ``socialhub db retention`` on both."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.records.relevance import RelevanceLabel
from socialhub.store import open_store
from socialhub.store.base import Store
from socialhub.store.postgres import PostgresStore
from socialhub.store.retention import apply_retention, cutoff_for

from .helpers import mention, qid, workspace_with_queries

JAN = datetime(2024, 1, 15, tzinfo=UTC)
FEB = datetime(2024, 2, 10, tzinfo=UTC)
MAR = datetime(2024, 3, 5, tzinfo=UTC)


def test_cutoff_is_a_month_start() -> None:
    now = datetime(2026, 12, 15, 9, tzinfo=UTC)
    assert cutoff_for(now, 0) == datetime(2026, 12, 1, tzinfo=UTC)
    assert cutoff_for(now, 3) == datetime(2026, 9, 1, tzinfo=UTC)
    assert cutoff_for(now, 12) == datetime(2025, 12, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        apply_retention(None, datetime(2024, 3, 2, tzinfo=UTC))  # type: ignore[arg-type]


def _fill(store: Store) -> tuple[int, int]:
    ws, (q,) = workspace_with_queries(store, "acme", "brand")
    batch = [
        mention(n, text="acme panne", created_at=t, query_ids=[qid(q)])
        for n, t in ((1, JAN), (2, JAN + timedelta(days=3)), (3, FEB), (4, MAR))
    ]
    store.mentions.add(batch)
    store.relevance.add_labels([RelevanceLabel(qid(q), f"x:{n}", True, "ana") for n in (1, 4)])
    assert ws.id is not None
    return ws.id, qid(q)


def test_retention_drops_old_months_and_their_dependents(store: Store) -> None:
    ws, q = _fill(store)
    cutoff = datetime(2024, 3, 1, tzinfo=UTC)
    dry = apply_retention(store, cutoff, dry_run=True)
    assert dry.mentions == 3 and store.mentions.count() == 4  # nothing changed
    report = apply_retention(store, cutoff)
    assert report.mentions == 3
    if isinstance(store, PostgresStore):
        # (the session's database may hold older, empty partitions of other tests)
        assert {"mentions_2024_01", "mentions_2024_02"} <= set(report.partitions_dropped)
        assert all(p < "mentions_2024_03" for p in report.partitions_dropped)
        names = {p[0] for p in store.mentions.partitions()}
        assert "mentions_2024_01" not in names and "mentions_2024_03" in names
        assert store.db._rows("SELECT count(*) FROM mention_keys")[0][0] == 1
    assert [m.id for m in store.mentions.search("acme", workspace_id=ws)] == ["x:4"]
    assert store.mentions.get_mention("x:1") is None
    assert store.mentions.count("acme") == 1
    assert store.mentions.count(workspace_id=ws) == 1
    assert (
        sum(n for *_, n in store.dashboard.query_volume_slots(ws, JAN, MAR + timedelta(days=1)))
        == 1
    )
    assert [(label.mention_id) for label in store.relevance.list_labels(q)] == ["x:4"]
    # Nothing left to drop; writing an old month again recreates its partition.
    assert apply_retention(store, cutoff).mentions == 0
    assert store.mentions.add([mention(9, created_at=JAN)]).inserted == 1
    assert store.mentions.get_mention("x:9") is not None


def _cli(db: str, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["db", "retention", *args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_cli_retention(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'r.db'}"
    else:
        make: Callable[[], str] = request.getfixturevalue("pg_database")
        url = make()
    now = datetime.now(UTC)
    store = open_store(url)
    try:
        store.migrate()
        store.mentions.add(
            [
                mention(1, created_at=now - timedelta(days=100)),
                mention(2, created_at=now - timedelta(minutes=5)),
            ]
        )
    finally:
        store.close()
    dry = _cli(url, "--keep-months", "1", "--dry-run")
    assert dry["mentions"] == 1 and dry["dry_run"] is True
    done = _cli(url, "--keep-months", "1")
    assert done["mentions"] == 1 and done["backend"] == backend
    if backend == "postgres":
        assert len(done["partitions_dropped"]) == 1  # type: ignore[arg-type]
    store = open_store(url)
    try:
        assert [m.id for m in store.mentions.search(None)] == ["x:2"]
    finally:
        store.close()
