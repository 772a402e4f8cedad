"""The per-day author rollup (migration 0020) equals counting mention_workspaces' rows,
on both stores: after inserts, re-collections that change engagement, erasure and
retention; and top authors read through it equals top authors counted from the rows,
on random windows (whole days, partial days, inside one day)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from socialhub.models import Author, Engagement, Mention
from socialhub.store import rollups
from socialhub.store.base import Store
from socialhub.store.dashboard import DashboardRepo
from socialhub.store.privacy import PrivacyRepo
from socialhub.store.retention import apply_retention

from .helpers import mention, qid, workspace_with_queries

START = datetime(2024, 2, 26, 7, 13, 5, 250000, tzinfo=UTC)  # spans February into March


def _mentions(rng: random.Random, n: int, routes: list[int], likes: int) -> list[Mention]:
    out = []
    for i in range(n):
        author = (i * 7) % 12  # a mention's author never changes on re-collection
        out.append(
            mention(
                i,
                text="acme panne",
                created_at=START + timedelta(minutes=37 * i),
                author=None if author == 0 else Author("x", f"u{author}", handle=f"@u{author}"),
                engagement=Engagement(likes=likes * (i % 7), reposts=rng.randrange(3)),
                query_ids=rng.sample(routes, rng.choice((1, 1, 2))),
            )
        )
    return out


def _rollup(store: Store) -> dict[tuple[int, int, str], tuple[int, int]]:
    rows = store.db._rows(
        "SELECT workspace_id, day, author_id, n, engagement FROM rollup_author_days WHERE n <> 0"
    )
    return {(int(w), int(d), str(a)): (int(n), int(e)) for w, d, a, n, e in rows}


_WEEKS = "rollup_author_weeks"


def _weeks_equal_days(store: Store) -> bool:
    """rollup_author_weeks (0021, kept by triggers) holds the day rollup's rows by block
    of 7 days, one column per day of the block, and no row left empty."""
    folded: dict[tuple[int, int, str], list[int]] = {}
    for (w, d, a), (n, e) in _rollup(store).items():
        row = folded.setdefault((w, d // 7, a), [0] * 14)
        row[d % 7] += n
        row[7 + d % 7] += e
    columns = ", ".join([f"n{i}" for i in range(7)] + [f"e{i}" for i in range(7)])
    rows = store.db._rows(f"SELECT workspace_id, week, author_id, {columns} FROM {_WEEKS}")
    weeks = {(int(w), int(k), str(a)): [int(x) for x in rest] for w, k, a, *rest in rows}
    return weeks == folded and all(any(v) for v in weeks.values())


def _scan(store: Store) -> dict[tuple[int, int, str], tuple[int, int]]:
    out: dict[tuple[int, int, str], tuple[int, int]] = {}
    for w, t, a, e in store.db._rows(
        "SELECT workspace_id, created_at, author_id, engagement FROM mention_workspaces "
        "WHERE author_id IS NOT NULL"
    ):
        day = store.db._dt(t).timestamp() // 86400
        n0, e0 = out.get((int(w), int(day), str(a)), (0, 0))
        out[(int(w), int(day), str(a))] = (n0 + 1, e0 + int(e))
    return out


def _check_top(store: Store, workspaces: list[int], rng: random.Random) -> None:
    dashboard = store.dashboard
    assert isinstance(dashboard, DashboardRepo) and dashboard._ROLLUPS
    day = START.replace(hour=0, minute=0, second=0, microsecond=0)
    windows = [
        (day, day + timedelta(days=5)),  # whole days only
        (START, START + timedelta(days=3, hours=5)),  # partial days at both edges
        (START + timedelta(hours=1), START + timedelta(hours=9)),  # inside one day
    ]
    for _ in range(12):
        a = START + timedelta(minutes=rng.randrange(0, 6 * 24 * 60))
        windows.append((a, a + timedelta(minutes=rng.randrange(1, 4 * 24 * 60))))
    assert rollups.split_days(*windows[0])[:2] == ([], [])
    assert rollups.split_days(*windows[2])[2] is None
    # From 07:13 (the rest of the day is read as the whole day less its first 7 h) to
    # 12:13 (the day less its last 12 h); from 20:13 (3 h 47 min of rows) to 22:13
    add, subtract, days = rollups.split_days(*windows[1])
    assert add == [] and len(subtract) == 2 and days is not None and days[1] - days[0] == 4
    evening = START.replace(hour=20)
    add, subtract, days = rollups.split_days(evening, evening + timedelta(days=2, hours=2))
    assert len(add) == len(subtract) == 1 and days is not None and days[1] - days[0] == 2
    for ws in workspaces:
        for since, until in windows:
            for limit in (3, 50):
                got = dashboard.top_authors(ws, since, until, limit=limit)
                assert got == dashboard._raw_top_authors(ws, since, until, limit=limit)
    assert dashboard.top_authors(workspaces[0], *windows[0], limit=50)  # not vacuous


def test_author_rollup_equals_the_rows(store: Store) -> None:
    rng = random.Random(21)
    ws1, (q1, q2) = workspace_with_queries(store, "acme", "brand", "rival")
    ws2, (q3,) = workspace_with_queries(store, "zen", "zen")
    routes = [qid(q1), qid(q2), qid(q3)]
    workspaces = [ws1.id or 0, ws2.id or 0]
    store.mentions.add(_mentions(rng, 200, routes, likes=1))
    assert _rollup(store) == _scan(store) and _rollup(store)
    assert _weeks_equal_days(store)
    _check_top(store, workspaces, rng)
    # Re-collected with other engagement (and some new routes): the rollup follows.
    again = _mentions(random.Random(21), 200, routes, likes=5)
    store.mentions.add(again[::3])
    store.mentions.add(_mentions(random.Random(5), 260, routes, likes=2)[150:])
    assert _rollup(store) == _scan(store) and _weeks_equal_days(store)
    _check_top(store, workspaces, rng)
    # Erasure takes the author's mentions out, and leaves no row with their id.
    seqs = [int(r[0]) for r in store.db._rows("SELECT seq FROM mentions WHERE author_id = 'x:u3'")]
    assert seqs
    PrivacyRepo(store).delete_mentions(seqs, datetime.now(UTC))
    assert _rollup(store) == _scan(store)
    left = store.db._rows("SELECT count(*) FROM rollup_author_days WHERE author_id = 'x:u3'")
    assert left[0][0] == 0 and _weeks_equal_days(store)
    left = store.db._rows("SELECT count(*) FROM rollup_author_weeks WHERE author_id = 'x:u3'")
    assert left[0][0] == 0
    _check_top(store, workspaces, rng)
    # Retention drops February; its days go, March's stay exact.
    apply_retention(store, datetime(2024, 3, 1, tzinfo=UTC))
    assert _rollup(store) == _scan(store) and _rollup(store) and _weeks_equal_days(store)
    _check_top(store, workspaces, rng)
