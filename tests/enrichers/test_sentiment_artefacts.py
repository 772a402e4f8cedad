"""The committed sentiment artefacts: both paths load and give the expected label on
clear French and English texts, and meta.json describes the artefacts as
scripts/train_sentiment.py built them (issue 18)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from socialhub.enrichers.sentiment import SentimentModel, load_accurate, load_fast
from socialhub.enrichers.sentiment.model import (
    ACCURATE_FILE,
    FAST_FILE,
    _artefact,
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


def _script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "train_sentiment.py"
    spec = importlib.util.spec_from_file_location("train_sentiment", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_sentiment", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", ["fast", "accurate"])
def test_clear_cases(path: str) -> None:
    model: SentimentModel = load_fast() if path == "fast" else load_accurate(threads=2)
    texts = [t for t, _, _ in CLEAR]
    got = model.classify(texts, [lang for _, lang, _ in CLEAR])
    assert [label for label, _ in got] == [want for _, _, want in CLEAR]
    scores = [score for _, score in got]
    assert all(s < 0 for s in scores[:2] + scores[4:5])
    assert all(s > 0 for s in scores[2:4] + scores[5:])


def test_metadata_matches_the_artefacts_and_the_script() -> None:
    meta = metadata()
    script = _script()
    accurate = _artefact(ACCURATE_FILE)
    fast = _artefact(FAST_FILE)
    assert meta["alpha"] == pytest.approx(float(accurate["alpha"]))
    assert meta["n_bits"] == script.N_BITS == fast["weights_q"].shape[0].bit_length() - 1
    assert fast["weights_q"].dtype == np.int8 and fast["weights_q"].shape[1] == 3
    assert meta["c_fast"] == script.C_FAST and meta["c_head"] == script.C_HEAD
    assert meta["class_weight"] == script.CLASS_WEIGHT
    assert meta["semeval_weight"] == script.SEMEVAL_WEIGHT
    heads = lang_heads(accurate)
    assert set(heads) == set(meta["lang_heads"]) == set(script.LANG_HEADS)
    for lang, (_, alpha) in heads.items():
        entry = meta["lang_heads"][lang]
        assert entry["alpha"] == pytest.approx(alpha)
        assert {k: entry[k] for k in script.LANG_HEADS[lang]} == script.LANG_HEADS[lang]
        by_alpha = {float(a): s for a, s in entry["cv_macro_f1_by_alpha"].items()}
        assert by_alpha[entry["alpha"]] == max(by_alpha.values())  # the script's rule
