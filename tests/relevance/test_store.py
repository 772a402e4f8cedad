"""Labels and models round trip on both stores."""

from __future__ import annotations

from socialhub.records.relevance import RelevanceLabel
from socialhub.store.base import Store

from .helpers import add_mentions, corpus, setup_query


def test_label_round_trip(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    add_mentions(store, query, [t for t, _ in corpus(4)])
    saved = store.relevance.add_labels(
        [
            RelevanceLabel(query.id, "x:0", True, "ana"),
            RelevanceLabel(query.id, "x:1", False, "ana"),
        ]
    )
    assert saved == 2
    # the last verdict wins
    store.relevance.add_labels([RelevanceLabel(query.id, "x:1", True, "bob")])
    labels = {lab.mention_id: lab for lab in store.relevance.list_labels(query.id)}
    assert set(labels) == {"x:0", "x:1"}
    assert labels["x:0"].label is True and labels["x:0"].username == "ana"
    assert labels["x:1"].label is True and labels["x:1"].username == "bob"
    assert labels["x:0"].labelled_at is not None and labels["x:0"].labelled_at.tzinfo
    texts = store.relevance.labelled_texts(query.id)
    assert [t.mention_id for t in texts] == ["x:0", "x:1"]
    assert texts[0].text.startswith("Panne de la box")
    assert store.relevance.relevance_label_counts() == {query.id: (2, 0)}
    # candidates exclude labelled mentions, newest first
    assert [c[0] for c in store.relevance.relevance_candidates(query.id)] == ["x:3", "x:2"]
    store.relevance.delete_label(query.id, "x:0")
    assert [lab.mention_id for lab in store.relevance.list_labels(query.id)] == ["x:1"]


def test_model_versions_increase(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    assert store.relevance.load_relevance_model(query.id) is None
    v1 = store.relevance.save_relevance_model(
        query.id, b"\x00\x01weights", n_labels=12, metrics={"f1": 0.8}
    )
    v2 = store.relevance.save_relevance_model(query.id, b"second", n_labels=20, metrics={"f1": 0.9})
    assert (v1, v2) == (1, 2)
    record = store.relevance.load_relevance_model(query.id)
    assert record is not None
    assert record.version == 2 and record.n_labels == 20
    assert record.weights == b"second" and record.metrics == {"f1": 0.9}
    assert store.relevance.relevance_model_versions() == {query.id: 2}
    store.relevance.delete_relevance_model(query.id)
    assert store.relevance.relevance_model_versions() == {}


def test_labels_follow_deleted_query(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    add_mentions(store, query, ["Mirabelle box"])
    store.relevance.add_labels([RelevanceLabel(query.id, "x:0", True)])
    store.workspaces.delete_query(query.id)
    assert store.relevance.list_labels(query.id) == []
