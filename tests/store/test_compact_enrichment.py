"""The enrichment column stores what no column holds, empty values left out (issue 21,
item 4); a mention reads back whole on both back ends."""

from __future__ import annotations

from datetime import UTC, datetime

from socialhub.models import Author, Mention
from socialhub.store.base import Store
from socialhub.store.common import stored_enrichment

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _mention(native_id: str, **enriched: object) -> Mention:
    m = Mention("x", native_id, "panne mirabelle", T0, author=Author("x", "a", "a"), raw={"i": 1})
    for key, value in enriched.items():
        setattr(m, key, value)
    return m


def test_empty_values_and_column_copies_are_left_out() -> None:
    bare = _mention("1", cluster_id="c:x:1", cluster_size=0)
    assert stored_enrichment(bare) == {}
    full = _mention(
        "2",
        sentiment_label="negative",
        sentiment_score=-0.123456789,
        keyphrases=["panne"],
        cluster_id="c:x:2",
        cluster_size=3,
    )
    assert stored_enrichment(full) == {
        "sentiment": {"score": -0.123456789},
        "keyphrases": ["panne"],
        "cluster_size": 3,
    }


def test_mentions_read_back_whole(store: Store) -> None:
    bare = _mention("1", cluster_id="c:x:1")
    full = _mention(
        "2",
        sentiment_label="negative",
        sentiment_score=-0.123456789,  # more digits than a PostgreSQL REAL keeps
        entities=[{"kind": "brand", "value": "Mirabelle"}],
        keyphrases=["panne"],
        categories=[{"name": "network", "score": 0.8, "workspace_id": None}],
        places=[{"name": "Lyon"}],
        watchlists=["vip"],
        relevance={"1": 0.9},
        cluster_id="c:x:2",
        cluster_size=3,
    )
    labelled = _mention("3", sentiment_label="neutral", sentiment_score=None)
    store.mentions.add([bare, full, labelled])
    got = {m.native_id: m for m in store.mentions.search(None, limit=10)}
    for want in (bare, full, labelled):
        m = got[want.native_id]
        for field in (
            "sentiment_label",
            "sentiment_score",
            "entities",
            "keyphrases",
            "categories",
            "places",
            "watchlists",
            "relevance",
            "cluster_id",
            "cluster_size",
        ):
            assert getattr(m, field) == getattr(want, field), (want.native_id, field)
