"""Features, rules, the numpy logistic regression and active selection (no store)."""

from __future__ import annotations

import numpy as np
import pytest

from socialhub.relevance.active import propose, select
from socialhub.relevance.features import feature_strings, featurize, sketch
from socialhub.relevance.model import RelevanceModel, cross_validate, prf
from socialhub.relevance.rules import RuleScorer

from .helpers import DEFINITION, corpus


def test_features_fold_accents_and_share_stems() -> None:
    assert feature_strings("Élysée") == feature_strings("elysee")
    sparse = featurize(["mirabelle", "mirabelles", ""]).sparse
    assert sparse.n_rows == 3 and set(sparse.rows.tolist()) == {0, 1}  # "" has no feature
    dense = sketch(featurize(["mirabelle", "mirabelles", "opérateur"]))
    assert dense[0] @ dense[1] > 0.5 > dense[0] @ dense[2]


def test_rules_prefer_brand_over_fruit_near_not_words() -> None:
    rules = RuleScorer.from_definition("(mirabelle OR @MirabelleTel) NOT (confiture OR tarte)")
    brand = rules.score("Panne chez Mirabelle, @MirabelleTel répondez")
    plain = rules.score("Mirabelle, bof, on verra bien ce que ça donne demain matin")
    fruit = rules.score("Mirabelle en confitures et en tartelettes")
    assert brand > plain > 0.5 > fruit
    assert RuleScorer.from_definition("author:someone").score("anything") == 0.9


def test_logistic_regression_learns_and_round_trips() -> None:
    data = corpus(60)
    feats = featurize([t for t, _ in data])
    y = np.array([int(lab) for _, lab in data])
    model = RelevanceModel.fit(feats, y)
    new = featurize(["Ma box Mirabelle est en panne", "Confiture de mirabelles du verger"])
    p = model.predict_proba(new)
    assert p[0] > 0.5 > p[1]
    again = RelevanceModel.from_bytes(model.to_bytes())
    assert np.allclose(again.predict_proba(new), p, atol=1e-4)
    scores = cross_validate(feats, y, folds=3)
    assert scores["folds"] == 3 and scores["f1"] > 0.9


def test_training_the_loss_goes_to_a_minimum() -> None:
    # Separable toy data: an unregularised-enough fit classifies all training rows.
    feats = featurize(["a b", "c d", "a e", "c f"])
    model = RelevanceModel.fit(feats, [1, 0, 1, 0], l2=1e-4)
    assert list(model.predict_proba(feats) > 0.5) == [True, False, True, False]


def test_prf() -> None:
    assert prf([1, 1, 0, 0], [1, 0, 1, 0]) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert prf([0, 0], [0, 0])["f1"] == 0.0


def test_select_prefers_uncertain_and_new() -> None:
    pool = np.eye(5)
    # 0 and 4 are equally uncertain but 4 duplicates a labelled item
    picks = select([0.5, 0.98, 0.6, 0.02, 0.5], pool, labelled=pool[[4]], k=3)
    assert picks[0] == 0 and picks[1] == 2 and 4 not in picks[:2]


def test_select_spreads_a_batch_over_near_duplicates() -> None:
    # three copies of one text and one other: all uncertain; a batch of two must not
    # take two copies
    v = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    picks = select([0.5, 0.5, 0.5, 0.5], v, k=2)
    assert 3 in picks


def test_propose_without_model_uses_prior() -> None:
    texts = ["Box Mirabelle en panne", "Mirabelle bof", "Mirabelle au verger, fruits"]
    rules = RuleScorer.from_definition(DEFINITION)
    picks = propose(texts, k=1, prior=[0.97, 0.52, 0.95])
    assert picks == [(1, 0.52)]
    assert len(propose(texts, k=5, prior=rules.score_many(texts))) == 3


class BagEncoder:
    """A tiny deterministic encoder: counts of two word families (stands in for e5)."""

    def embed(self, texts: list[str]) -> np.ndarray:
        brand = ("box", "fibre", "forfait", "panne", "réseau", "facture")
        fruit = ("fruit", "verger", "compote", "sirop", "sorbet", "marché")
        return np.array(
            [
                [sum(w in t.lower() for w in brand), sum(w in t.lower() for w in fruit)]
                for t in texts
            ],
            dtype=np.float64,
        )


def test_embedding_block_is_used_and_stored() -> None:
    data = corpus(40)
    feats = featurize([t for t, _ in data], encoder=BagEncoder())
    assert feats.dense is not None and feats.dense.shape == (40, 2)
    model = RelevanceModel.fit(feats, [int(lab) for _, lab in data])
    assert model.uses_encoder and model.dense is not None
    again = RelevanceModel.from_bytes(model.to_bytes())
    assert again.uses_encoder
    new = featurize(["panne fibre", "sorbet du verger"], encoder=BagEncoder())
    assert np.allclose(again.predict_proba(new), model.predict_proba(new), atol=1e-4)
    with pytest.raises(ValueError, match="encoder"):
        model.predict_proba(featurize(["panne fibre"]))
