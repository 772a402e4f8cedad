"""Dashboard reads answered from mention_workspaces' copies (migration 0013) equal the
answers computed from the mentions themselves, after inserts and re-collections."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from socialhub.models import Author, Engagement
from socialhub.store import rollups
from socialhub.store.base import Store
from socialhub.store.dashboard import DashboardRepo

from .helpers import T0, mention, qid, workspace_with_queries

SINCE, UNTIL = T0, T0 + timedelta(days=1)


def _author(n: int) -> Author:
    return Author("x", f"u{n}", handle=f"@u{n}", followers=n)


def _batch(q: int, r: int, sentiment: list[str | None], likes: int) -> list:  # type: ignore[type-arg]
    return [
        mention(
            n,
            text="acme panne",
            platform="x" if n % 2 else "bluesky",
            lang="fr" if n % 3 else "en",
            author=_author(n % 4),
            sentiment_label=sentiment[n % len(sentiment)],
            engagement=Engagement(likes=likes * n, reposts=1),
            query_ids=[q] if n % 5 else [q, r],
        )
        for n in range(1, 41)
    ]


def _expected(store: Store, ws: int) -> tuple[Counter[str], Counter[str], dict[str, int]]:
    found = store.mentions.search(None, workspace_id=ws, since=SINCE, until=UNTIL, limit=1000)
    sentiments = Counter(m.sentiment_label or "none" for m in found)
    platforms = Counter(m.platform for m in found)
    engagement: Counter[str] = Counter()
    for m in found:
        e = m.engagement
        engagement[m.author.id if m.author else ""] += e.likes + e.reposts + e.replies + e.quotes
    return sentiments, platforms, dict(engagement)


def _check(store: Store, ws: int) -> None:
    sentiments, platforms, engagement = _expected(store, ws)
    got = Counter[str]()
    for label, _, n in store.dashboard.sentiment_slots(ws, SINCE, UNTIL):
        got[label] += n
    assert got == sentiments
    assert dict(
        store.dashboard.facet_counts("sentiment", None, workspace_id=ws, since=SINCE)
    ) == dict(sentiments)
    assert dict(
        store.dashboard.facet_counts("platform", None, workspace_id=ws, until=UNTIL)
    ) == dict(platforms)
    neg = store.dashboard.facet_counts("platform", None, workspace_id=ws, sentiment="negative")
    assert sum(n for _, n in neg) == sentiments["negative"]
    authors = store.dashboard.top_authors(ws, SINCE, UNTIL, limit=10)
    assert {a.author_id: a.engagement for a in authors} == engagement
    assert [a.mentions for a in authors] == [10, 10, 10, 10]
    # ties on count: more engagement first
    assert [a.engagement for a in authors] == sorted(engagement.values(), reverse=True)


def test_copies_follow_inserts_and_recollections(store: Store) -> None:
    ws_obj, (q, r) = workspace_with_queries(store, "acme", "brand", "rival")
    ws = ws_obj.id or 0
    store.mentions.add(_batch(qid(q), qid(r), ["positive", None, "negative"], likes=1))
    _check(store, ws)
    # Re-collected: sentiment and engagement change; the copies follow.
    store.mentions.add(_batch(qid(q), qid(r), ["negative", "neutral"], likes=7))
    sentiments, _, engagement = _expected(store, ws)
    assert sentiments == Counter({"negative": 20, "neutral": 20})
    assert engagement["x:u1"] == sum(7 * n + 1 for n in range(1, 41) if n % 4 == 1)
    _check(store, ws)


def test_recent_page_without_query_pages_with_the_cursor(store: Store) -> None:
    ws_obj, (q,) = workspace_with_queries(store, "acme", "brand")
    ws = ws_obj.id or 0
    store.mentions.add(
        [mention(n, query_ids=[qid(q)], sentiment_label="neutral") for n in range(1, 8)]
    )
    store.mentions.add([mention(n, query_ids=[]) for n in range(8, 10)])  # other workspace: none
    seen: list[str] = []
    cursor = None
    while True:
        page, cursor = store.dashboard.search_page(None, workspace_id=ws, after=cursor, limit=3)
        seen += [m.id for m in page]
        if cursor is None:
            break
    assert seen == [f"x:{n}" for n in range(7, 0, -1)]
    page, _ = store.dashboard.search_page(None, workspace_id=ws, sentiment="none", limit=3)
    assert page == []
    page, _ = store.dashboard.search_page(None, workspace_id=ws, since=T0 + timedelta(minutes=6))
    assert [m.id for m in page] == ["x:7", "x:6"]


def test_rollups_equal_counting_rows(store: Store) -> None:
    assert isinstance(store.dashboard, DashboardRepo) and store.dashboard._ROLLUPS
    ws_obj, (q, r) = workspace_with_queries(store, "acme", "brand", "rival")
    ws = ws_obj.id or 0
    # 40 mentions one minute apart from T0 (12:00:00.123): slots 12:00, 12:15, ...
    store.mentions.add(_batch(qid(q), qid(r), ["positive", None, "negative"], likes=1))
    store.mentions.add(_batch(qid(q), qid(r), ["negative", "neutral", None], likes=2)[::3])
    windows = [
        (T0, T0 + timedelta(hours=2)),  # unaligned start, aligned end
        (T0 - timedelta(minutes=30), T0 + timedelta(minutes=31, seconds=7)),
        (T0 + timedelta(minutes=3), T0 + timedelta(minutes=9)),  # inside one slot
        (T0.replace(microsecond=0), T0.replace(microsecond=0) + timedelta(days=1)),  # aligned
    ]
    assert rollups.split(*windows[2])[1] is None
    assert rollups.split(*windows[3])[0] == []
    for since, until in windows:
        assert sorted(store.dashboard.query_volume_slots(ws, since, until)) == sorted(
            store.dashboard._raw_query_volume_slots(ws, since, until)
        )
        assert sorted(store.dashboard.sentiment_slots(ws, since, until)) == sorted(
            store.dashboard._raw_sentiment_slots(ws, since, until)
        )
        for field in ("platform", "lang", "sentiment"):
            for sentiment in (None, "none", "negative"):
                for bounds in ((since, until), (since, None), (None, until)):
                    assert store.dashboard.facet_counts(
                        field,
                        None,
                        workspace_id=ws,
                        since=bounds[0],
                        until=bounds[1],
                        sentiment=sentiment,
                        limit=2,
                    ) == store.dashboard._raw_facets(field, ws, bounds[0], bounds[1], sentiment, 2)
    # A deleted query takes its rollup rows along (its routes go the same way).
    store.workspaces.delete_query(qid(r))
    assert {row[0] for row in store.dashboard.query_volume_slots(ws, *windows[3])} == {qid(q)}
