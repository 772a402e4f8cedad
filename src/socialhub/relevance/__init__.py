"""Relevance per query: is this mention really about what the query is after?

Keyword queries catch noise (the operator "Mirabelle" and the plum). Each routed
mention gets a score in [0, 1] per query: by rules until the analysts have labelled
enough of the query's mentions, then by a per-query classifier trained on those labels,
with active learning choosing what to label next.

Modules: :mod:`.features` (hashed n-grams, optional embeddings), :mod:`.rules`,
:mod:`.model` (numpy logistic regression), :mod:`.active` (what to label next),
:mod:`.training` (train / propose on a store), :mod:`.crisislex` (offline evaluation).
The stage is :mod:`socialhub.enrichers.relevance`; storage is
:mod:`socialhub.store.relevance`.
"""

from socialhub.relevance.active import propose, select
from socialhub.relevance.features import Features, featurize
from socialhub.relevance.model import RelevanceModel, cross_validate
from socialhub.relevance.rules import RuleScorer
from socialhub.relevance.training import NotEnoughLabels, next_to_label, train_query

__all__ = [
    "Features",
    "NotEnoughLabels",
    "RelevanceModel",
    "RuleScorer",
    "cross_validate",
    "featurize",
    "next_to_label",
    "propose",
    "select",
    "train_query",
]
