"""Train on the analysts' labels, then the ``relevance`` stage scores new mentions."""

from __future__ import annotations

import pytest

from socialhub.enrichers.relevance import RelevanceScorer
from socialhub.models import Mention
from socialhub.pipeline.base import Context, NotConfigured
from socialhub.records.relevance import RelevanceLabel
from socialhub.relevance.training import NotEnoughLabels, next_to_label, train_query
from socialhub.store.base import Store

from .helpers import T0, add_mentions, corpus, setup_query


def _label(store: Store, query_id: int, data: list[tuple[str, bool]]) -> None:
    store.relevance.add_labels(
        [RelevanceLabel(query_id, f"x:{i}", lab, "ana") for i, (_, lab) in enumerate(data)]
    )


def test_rules_then_model_score_routed_mentions(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    stage = RelevanceScorer(Context(store, {"relevance_refresh_seconds": 0}))
    fruit = Mention(
        "x", "new1", "Les mirabelles du verger, fruits sucrés", T0, query_ids=[query.id]
    )
    brand = Mention(
        "x", "new2", "Ma box Mirabelle en panne, forfait fibre", T0, query_ids=[query.id]
    )
    other = Mention("x", "new3", "Rien à voir", T0)
    stage.process([fruit, brand, other])
    # rules only: both routed mentions look relevant (one hit each), nothing else touched
    assert fruit.relevance[str(query.id)] > 0.5 and brand.relevance[str(query.id)] > 0.5
    assert other.relevance == {}

    data = corpus(40)
    add_mentions(store, query, [t for t, _ in data])
    _label(store, query.id, data)
    result = train_query(store.relevance, query.id, folds=3)
    assert result.version == 1 and result.n_labels == 40 and result.n_relevant == 20
    assert result.metrics["f1"] > 0.8

    out = stage.process([fruit, brand])
    assert out == [fruit, brand]
    assert fruit.relevance[str(query.id)] < 0.5 < brand.relevance[str(query.id)]
    assert 0.0 <= fruit.relevance[str(query.id)] <= 1.0
    assert stage.models[query.id][0] == 1

    # a new version is picked up on the next check
    train_query(store.relevance, query.id, folds=3)
    stage.process([brand])
    assert stage.models[query.id][0] == 2


def test_training_refuses_one_sided_labels(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    data = [(t, True) for t, _ in corpus(12)]
    add_mentions(store, query, [t for t, _ in data])
    _label(store, query.id, data)
    with pytest.raises(NotEnoughLabels, match="0 not relevant"):
        train_query(store.relevance, query.id)
    assert store.relevance.load_relevance_model(query.id) is None


def test_active_learning_proposes_uncertain_unlabelled(store: Store) -> None:
    query = setup_query(store)
    assert query.id is not None
    data = corpus(30)
    add_mentions(store, query, [t for t, _ in data])
    _label(store, query.id, data[:20])
    train_query(store.relevance, query.id, folds=3)
    # an ambiguous text (brand words and fruit words) and a clear one, unlabelled
    add_mentions(
        store,
        query,
        ["Mirabelle fibre au verger des fruits, box sucrée", "Panne box Mirabelle forfait fibre"],
        start=100,
    )
    proposals = next_to_label(store.relevance, query, k=3)
    labelled = {f"x:{i}" for i in range(20)}
    assert len(proposals) == 3
    assert not labelled & {p.mention_id for p in proposals}
    assert proposals[0].mention_id == "x:100"
    assert abs(proposals[0].score - 0.5) < 0.35
    # the clear brand text, if proposed at all (it is new), is proposed as surer
    clear = [p for p in proposals if p.mention_id == "x:101"]
    assert all(abs(p.score - 0.5) > abs(proposals[0].score - 0.5) for p in clear)


def test_stage_switches_off_without_store() -> None:
    with pytest.raises(NotConfigured):
        RelevanceScorer(Context(None, {}))
