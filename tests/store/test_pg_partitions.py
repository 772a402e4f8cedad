"""PostgreSQL mentions in month partitions (migration 0013): placement, uniqueness across
partitions, idempotent writes, the default partition, and migrating a filled database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import psycopg
import pytest

from socialhub.models import Query, Workspace
from socialhub.store import migrations, open_store
from socialhub.store.postgres import PostgresStore

from .helpers import full_mention, mention, qid, workspace_with_queries

JAN = datetime(2024, 1, 15, tzinfo=UTC)
FEB = datetime(2024, 2, 10, tzinfo=UTC)
MAR = datetime(2024, 3, 5, tzinfo=UTC)


def _placement(store: PostgresStore) -> dict[str, str]:
    rows = store.db._rows("SELECT id, tableoid::regclass::text FROM mentions")
    return {str(i): str(t) for i, t in rows}


def test_mentions_land_in_their_month_partition(pg_store: PostgresStore) -> None:
    _, (q,) = workspace_with_queries(pg_store, "acme", "brand")
    batch = [
        mention(1, created_at=JAN, query_ids=[qid(q)]),
        mention(2, created_at=FEB, query_ids=[qid(q)]),
        mention(3, created_at=MAR),
        # outside 2000-01 .. now + 2 months: the default partition, not a new table
        mention(4, created_at=datetime(1999, 12, 31, tzinfo=UTC)),
        mention(5, created_at=datetime(2199, 1, 1, tzinfo=UTC)),
    ]
    assert pg_store.mentions.add(batch).inserted == 5
    assert _placement(pg_store) == {
        "x:1": "mentions_2024_01",
        "x:2": "mentions_2024_02",
        "x:3": "mentions_2024_03",
        "x:4": "mentions_default",
        "x:5": "mentions_default",
    }
    names = [p[0] for p in pg_store.mentions.partitions()]
    assert names[-1] == "mentions_default"
    assert {"mentions_2024_01", "mentions_2024_02", "mentions_2024_03"} <= set(names)
    got = pg_store.mentions.get_mention("x:4")
    assert got is not None and got.created_at == datetime(1999, 12, 31, tzinfo=UTC)
    assert [m.id for m in pg_store.mentions.search(None, since=JAN, until=MAR)] == ["x:2", "x:1"]


def test_keys_stay_unique_across_partitions_and_redelivery(pg_store: PostgresStore) -> None:
    _, (q, r) = workspace_with_queries(pg_store, "acme", "brand", "rival")
    first = full_mention(1, created_at=JAN, query_ids=[qid(q)])
    assert pg_store.mentions.add([first]).inserted == 1
    # Redelivered, and re-collected with fresher engagement and another route.
    again = full_mention(1, created_at=JAN, query_ids=[qid(r)], sentiment_label="positive")
    result = pg_store.mentions.add([first, again])
    assert (result.inserted, result.updated) == (0, 2)
    assert pg_store.db._rows("SELECT count(*) FROM mentions")[0][0] == 1
    assert pg_store.db._rows("SELECT count(*) FROM mention_keys")[0][0] == 1
    got = pg_store.mentions.get_mention("x:1")
    assert got is not None
    assert got.sentiment_label == "positive" and got.query_ids == sorted([qid(q), qid(r)])
    # The key table enforces (platform, native_id) and id whatever the month.
    with pytest.raises(psycopg.errors.UniqueViolation), pg_store.db._tx() as cur:
        cur.execute(
            "INSERT INTO mention_keys (platform, native_id, id, seq, created_at) "
            "VALUES ('x', '1', 'x:1', 999, %s)",
            (MAR,),
        )


def test_partition_function_moves_rows_out_of_default(pg_store: PostgresStore) -> None:
    pg_store.mentions.add([mention(1, created_at=datetime(1999, 12, 3, tzinfo=UTC))])
    assert _placement(pg_store) == {"x:1": "mentions_default"}
    with pg_store.db._tx() as cur:
        cur.execute("SELECT socialhub_mention_partition(%s)", (date(1999, 12, 1),))
        assert cur.fetchone()[0] == "mentions_1999_12"
    assert _placement(pg_store) == {"x:1": "mentions_1999_12"}
    # Idempotent, and the store's helper skips months it knows.
    assert pg_store.mentions.ensure_partitions([date(2024, 1, 1)]) == ["mentions_2024_01"]
    assert pg_store.mentions.ensure_partitions([date(2024, 1, 1)]) == []


def test_migrating_a_filled_0012_database(
    pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_database()
    older = [m for m in migrations.available("postgres") if m.name < "0013"]
    store = open_store(url)
    assert isinstance(store, PostgresStore)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(migrations, "available", lambda dialect: older)
            store.migrate()
        # Rows as the 0012 schema held them (the old write path is gone with it; today's
        # workspace and query writes name later columns).
        with store.db._tx() as cur:
            cur.execute("INSERT INTO workspaces (slug, name) VALUES ('acme', 'Acme') RETURNING id")
            ws_id = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO queries (workspace_id, name, definition) "
                "VALUES (%s, 'brand', 'brand') RETURNING id",
                (ws_id,),
            )
            q = Query(ws_id, "brand", "brand", id=cur.fetchone()[0])
            ws = Workspace(slug="acme", name="Acme", id=ws_id)
            for n, created in ((1, JAN), (2, FEB)):
                cur.execute(
                    "INSERT INTO mentions (id, platform, native_id, text, created_at, "
                    "collected_at, search, sentiment_label, likes, author_id) "
                    "VALUES (%s, 'x', %s, 'acme panne', %s, %s, 'acme panne'::tsvector, "
                    "'negative', 4, 'x:u1') RETURNING seq",
                    (f"x:{n}", str(n), created, created),
                )
                seq = cur.fetchone()[0]
                cur.execute(
                    "INSERT INTO mention_queries VALUES (%s, %s, %s, %s, NULL)",
                    (qid(q), seq, ws.id, created),
                )
                cur.execute(
                    "INSERT INTO mention_workspaces VALUES (%s, %s, %s)", (ws.id, seq, created)
                )
            cur.execute(
                "INSERT INTO relevance_labels (query_id, mention_id, label) "
                "VALUES (%s, 'x:1', TRUE)",
                (qid(q),),
            )
        assert store.migrate() == [m.name for m in migrations.available("postgres")][len(older) :]
        assert _placement(store) == {"x:1": "mentions_2024_01", "x:2": "mentions_2024_02"}
        assert store.mentions.count("acme", workspace_id=ws.id) == 2
        assert store.dashboard.sentiment_slots(ws.id or 0, JAN, MAR)[0][0] == "negative"
        # The sequence carried over: a new mention gets a fresh seq, an old one updates.
        result = store.mentions.add([mention(3, created_at=MAR), mention(1, created_at=JAN)])
        assert (result.inserted, result.updated) == (1, 1)
        seqs = store.db._rows("SELECT seq FROM mentions ORDER BY seq")
        assert len({s for (s,) in seqs}) == 3
        # relevance_labels now follow mention_keys.
        with store.db._tx() as cur:
            cur.execute("DELETE FROM mention_keys WHERE id = 'x:1'")
        assert store.db._rows("SELECT count(*) FROM relevance_labels")[0][0] == 0
    finally:
        store.close()
