"""Per-language lexical model and calibration (issue 18): the French weights load, serve
French texts only, give the expected labels on clear cases, and meta.json describes the
committed artefacts as scripts/train_sentiment.py built them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from socialhub.enrichers.sentiment import SentimentModel, load_accurate, load_fast
from socialhub.enrichers.sentiment.model import (
    ACCURATE_FILE,
    FAST_FILE,
    _artefact,
    _load_linear,
    calibrations,
    lang_heads,
    metadata,
)

CLEAR = [
    ("Toujours pas de réseau depuis trois jours, c'est une honte", "fr", "negative"),
    ("Service client nul, je résilie mon abonnement", "fr", "negative"),
    ("Merci beaucoup, la fibre est top, super rapide !", "fr", "positive"),
    ("J'adore ce film, magnifique", "fr", "positive"),
    ("My internet has been down all day, worst provider ever", "en", "negative"),
    ("Thank you so much, the support team was amazing!", "en", "positive"),
]


def _script() -> object:
    path = Path(__file__).resolve().parents[2] / "scripts" / "train_sentiment.py"
    spec = importlib.util.spec_from_file_location("train_sentiment", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_sentiment", module)
    spec.loader.exec_module(module)
    return module


def test_fast_artefact_has_french_weights() -> None:
    linear = _load_linear()
    assert set(linear.by_lang) == {"fr"}
    w, b = linear.by_lang["fr"]
    assert w.shape == linear.weights.shape and b.shape == (3,)
    assert not np.allclose(w, linear.weights)
    assert set(_artefact(FAST_FILE)) >= {"fr_weights_q", "fr_scale", "fr_bias"}


def test_french_weights_serve_french_texts_only() -> None:
    linear = _load_linear()
    texts = ["le service est correct", "the service is fine", "le réseau marche"]
    shared = linear.predict_proba(texts)
    for langs in (["en", "en", "en"], ["und", "", "de"]):
        np.testing.assert_allclose(linear.predict_proba(texts, langs), shared, atol=1e-6)
    mixed = linear.predict_proba(texts, ["fr", "en", "fr"])
    np.testing.assert_allclose(mixed[1], shared[1], atol=1e-6)
    assert np.abs(mixed[[0, 2]] - shared[[0, 2]]).max() > 1e-3
    # a French text alone or in a batch gets the same probabilities
    alone = linear.predict_proba([texts[2]], ["fr"])
    np.testing.assert_allclose(alone[0], mixed[2], atol=1e-6)


@pytest.mark.parametrize("path", ["fast", "accurate"])
def test_clear_cases(path: str) -> None:
    model: SentimentModel = load_fast() if path == "fast" else load_accurate(threads=2)
    texts = [t for t, _, _ in CLEAR]
    got = model.classify(texts, [lang for _, lang, _ in CLEAR])
    assert [label for label, _ in got] == [want for _, _, want in CLEAR]


def test_metadata_matches_the_artefacts_and_the_script() -> None:
    meta = metadata()
    script = _script()
    arrays = _artefact(ACCURATE_FILE)
    entry = meta["lang_heads"]["fr"]
    assert entry["lexical"] == script.LANG_LEXICAL["fr"]  # type: ignore[attr-defined]
    assert {k: entry[k] for k in ("allocine_weight", "c")} == script.LANG_HEADS["fr"]  # type: ignore[attr-defined]
    _, alpha = lang_heads(arrays)["fr"]
    assert entry["alpha"] == pytest.approx(alpha)
    np.testing.assert_allclose(calibrations(arrays)["fr"], entry["calibration"], atol=1e-6)
    assert entry["cv_by_alpha"][str(entry["alpha"])] == max(entry["cv_by_alpha"].values())
    assert entry["cv_calibrated"] >= entry["cv_by_alpha"][str(entry["alpha"])]
    assert meta["calibration_grid"] == script.CAL_GRID.tolist()  # type: ignore[attr-defined]
