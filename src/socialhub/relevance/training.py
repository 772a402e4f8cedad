"""Train a query's model from its labels, and pick what to label next, on a store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from socialhub.relevance.active import propose
from socialhub.relevance.features import Encoder, featurize
from socialhub.relevance.model import RelevanceModel, cross_validate
from socialhub.relevance.rules import RuleScorer

if TYPE_CHECKING:
    from socialhub.models import Query
    from socialhub.store.base import RelevanceStore

#: Fewer labels than this (or fewer than MIN_PER_CLASS of either class): no model.
MIN_LABELS = 10
MIN_PER_CLASS = 3


class NotEnoughLabels(ValueError):
    """The query's labels cannot train a model yet (the message says what is missing)."""


@dataclass(slots=True)
class TrainResult:
    query_id: int
    version: int
    n_labels: int
    n_relevant: int
    metrics: dict[str, Any] = field(default_factory=dict)


def train_query(
    relevance: RelevanceStore, query_id: int, *, encoder: Encoder | None = None, folds: int = 5
) -> TrainResult:
    """Cross-validate, fit on every label, save as the query's next model version."""
    data = relevance.labelled_texts(query_id)
    y = np.array([1 if d.label else 0 for d in data], dtype=np.int64)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if len(y) < MIN_LABELS or min(n_pos, n_neg) < MIN_PER_CLASS:
        raise NotEnoughLabels(
            f"query {query_id}: {n_pos} relevant and {n_neg} not relevant labels; need at "
            f"least {MIN_LABELS} in all and {MIN_PER_CLASS} of each"
        )
    feats = featurize([d.text for d in data], encoder=encoder)
    metrics = cross_validate(feats, y, folds=folds)
    metrics["encoder"] = encoder is not None
    metrics["n_relevant"] = n_pos
    model = RelevanceModel.fit(feats, y)
    version = relevance.save_relevance_model(
        query_id, model.to_bytes(), n_labels=len(y), metrics=metrics
    )
    return TrainResult(query_id, version, len(y), n_pos, metrics)


def load_model(relevance: RelevanceStore, query_id: int) -> RelevanceModel | None:
    record = relevance.load_relevance_model(query_id)
    return None if record is None else RelevanceModel.from_bytes(record.weights)


@dataclass(slots=True)
class Proposal:
    mention_id: str
    text: str
    score: float  # current relevance estimate (model, else rules)


def next_to_label(
    relevance: RelevanceStore,
    query: Query,
    *,
    k: int = 10,
    pool: int = 2000,
    encoder: Encoder | None = None,
) -> list[Proposal]:
    """The query's unlabelled mentions whose labels would teach its model most."""
    assert query.id is not None
    candidates = relevance.relevance_candidates(query.id, limit=pool)
    if not candidates:
        return []
    model = load_model(relevance, query.id)
    if model is not None and model.uses_encoder and encoder is None:
        model = None  # cannot score with it here: fall back to the rules
    rules = RuleScorer.from_definition(query.definition)
    texts = [text for _, text, _ in candidates]
    labelled = [d.text for d in relevance.labelled_texts(query.id)]
    picks = propose(
        texts,
        labelled,
        k=k,
        model=model,
        prior=None if model is not None else rules.score_many(texts),
        encoder=encoder,
    )
    return [Proposal(candidates[i][0], candidates[i][1], p) for i, p in picks]
