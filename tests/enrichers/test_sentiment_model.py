"""SentimentModel: offline loading, hostile input, clear cases in French and English."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from socialhub.enrichers.sentiment import SentimentModel, load_accurate, load_fast
from socialhub.enrichers.sentiment.challenge import CASES
from socialhub.enrichers.sentiment.normalize import MAX_CHARS, clean

LABELS = {"negative", "neutral", "positive"}


@pytest.fixture(scope="module")
def fast() -> SentimentModel:
    return load_fast()


@pytest.fixture(scope="module")
def accurate() -> SentimentModel:
    return load_accurate(threads=2)


def test_artefacts_load_and_classify_with_sockets_blocked() -> None:
    # A fresh interpreter, so nothing was imported before the network is cut.
    code = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network access attempted")

        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        from socialhub.enrichers.sentiment import load_accurate, load_fast

        for model in (load_fast(), load_accurate(threads=1)):
            out = model.classify(["3 jours sans internet", "I love it"])
            assert [label for label, _ in out] == ["negative", "positive"], out
        print("offline ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "offline ok" in proc.stdout


HOSTILE = [
    "",
    "   \n\t ",
    "bonjour " * 12_500,  # 100 KB
    "\x00\x01\x02\x7f\ufffe binary",
    bytes(range(256)).decode("latin-1"),
    "\ud800\udfff lone surrogates",
    "😡😡😡🤬",
    "🙂",
    "Merci 🙏 спасибо ありがとう شكرا धन्यवाद",
    "http://x.y/" + "a" * 5000,
    "@" * 300,
]


@pytest.mark.parametrize("path", ["fast", "accurate"])
def test_hostile_inputs_give_valid_labels_and_scores(
    path: str, request: pytest.FixtureRequest
) -> None:
    model: SentimentModel = request.getfixturevalue(path)
    out = model.classify(HOSTILE)
    assert len(out) == len(HOSTILE)
    for label, score in out:
        assert label in LABELS
        assert isinstance(score, float)
        assert -1.0 <= score <= 1.0
        assert not np.isnan(score)


def test_clean_bounds_and_sanitises() -> None:
    assert len(clean("x" * 100_000)) == MAX_CHARS
    assert clean("a\x00b\ud800c") == "a b?c"
    assert clean(None) == ""
    assert clean(b"caf\xc3\xa9") == "café"
    clean("😡").encode("utf-8")  # must not raise


def test_empty_batch_and_lang_mismatch(fast: SentimentModel) -> None:
    assert fast.classify([]) == []
    with pytest.raises(ValueError):
        fast.classify(["a", "b"], langs=["fr"])


def test_score_is_p_positive_minus_p_negative(fast: SentimentModel) -> None:
    texts = ["génial, j'adore", "c'est nul, horrible", "la réunion est à 14h"]
    probs = fast.predict_proba(texts)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    for (label, score), p in zip(fast.classify(texts), probs, strict=True):
        assert score == pytest.approx(float(p[2] - p[0]), abs=1e-4)
        assert label == ["negative", "neutral", "positive"][int(p.argmax())]


def test_deterministic(fast: SentimentModel) -> None:
    texts = [c[0] for c in CASES]
    assert fast.classify(texts) == fast.classify(texts)


# Clear cases every path must get right. Not in the training data (augment.py),
# including the telecom complaints.
SANITY = [
    ("3 jours sans internet", "negative"),
    ("toujours pas de réseau", "negative"),
    ("C'est nul, je suis très déçu", "negative"),
    ("J'adore ce film, les acteurs sont excellents", "positive"),
    ("Service client au top, merci beaucoup !", "positive"),
    ("This is the worst service I have ever had", "negative"),
    ("I love this phone, the camera is amazing", "positive"),
    ("Thank you so much for the help, you are the best!", "positive"),
    ("4 days without internet", "negative"),
    ("😡", "negative"),
]


@pytest.mark.parametrize("path", ["fast", "accurate"])
def test_sanity_cases(path: str, request: pytest.FixtureRequest) -> None:
    model: SentimentModel = request.getfixturevalue(path)
    texts = [t for t, _ in SANITY]
    got = [label for label, _ in model.classify(texts)]
    wrong = [(t, g) for (t, want), g in zip(SANITY, got, strict=True) if g != want]
    assert wrong == []


def test_sanity_cases_are_not_training_examples() -> None:
    from socialhub.enrichers.sentiment.augment import examples

    trained = {t.casefold() for t, _, _ in examples()}
    assert not [t for t, _ in SANITY if t.casefold() in trained]
