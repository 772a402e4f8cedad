"""Evaluate a sentiment model on the shared labelled data (``socialhub eval sentiment``).

Reported per split: accuracy, macro-F1, macro-recall (the TweetEval metric), per-class
F1 and the confusion matrix (rows = truth, columns = prediction, in
``negative, neutral, positive`` order). Macro averages cover the classes that occur in
the split's truth.

- ``xlmt/<language>``: the 324-tweet val split of each of the 8 languages.
- ``tweeteval_val``: 1,754 of its 2,000 tweets are copies of xlmt/english, which the
  shipped models train on, so rows whose text is in any xlmt **train** split are
  dropped; ``tweeteval_val_unique`` also drops the copies of xlmt val, leaving only
  tweets found nowhere else (an independent English check).
- ``semeval_en/2016devtest``: the SemEval 2016 devtest file (English, 2,000 tweets),
  which training never sees (``scripts/train_sentiment.py`` also drops every SemEval
  text that repeats a val tweet), minus its copies of xlmt train.
- ``questions``: the neutral tweets of that split that end with ``?`` (plain questions):
  the share predicted negative, neutral and positive.
- ``questions_en``: every tweet ending with a question (:func:`~socialhub.enrichers.
  sentiment.questions.is_question`) in that split and in xlmt/english val, with the
  datasets' own labels (negative questions included, so a rule that only calls
  questions neutral would lose recall here).
- ``semeval_en/2014sarcasm``: SemEval 2014's 86 sarcastic tweets (never trained on).
- ``allocine_fr``: binary reviews (dev split). A three-class prediction is mapped to
  the sign of its score, P(pos) - P(neg): ``>= 0`` counts as positive. The share of
  reviews the model called neutral is reported as ``neutral_rate``.
- ``challenge``: the hand-written held-out cases of
  :mod:`~socialhub.enrichers.sentiment.challenge` (accuracy per phenomenon).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from socialhub.enrichers.sentiment import datasets
from socialhub.enrichers.sentiment.challenge import CASES
from socialhub.enrichers.sentiment.datasets import LABELS, Split


class Classifier(Protocol):
    """Anything with the :class:`~socialhub.enrichers.sentiment.model.SentimentModel` call."""

    def classify(
        self, texts: list[str], langs: list[str] | None = None
    ) -> list[tuple[str, float]]: ...


def metrics(truth: Sequence[int], pred: Sequence[int], classes: Sequence[int]) -> dict[str, Any]:
    """Accuracy, macro-F1, macro-recall, per-class F1 and confusion over ``classes``.

    Examples
    --------
    >>> m = metrics([0, 1, 2, 2], [0, 1, 2, 0], classes=[0, 1, 2])
    >>> m["accuracy"], m["macro_recall"]
    (75.0, 83.33)
    """
    t = np.asarray(truth, dtype=np.int64)
    p = np.asarray(pred, dtype=np.int64)
    index = {c: i for i, c in enumerate(classes)}
    cm = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for a, b in zip(t, p, strict=True):
        cm[index[int(a)], index[int(b)]] += 1
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1).astype(float)
    predicted = cm.sum(axis=0).astype(float)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    # Macro averages run over the classes present in the truth: a class with no
    # example (tweeteval_val_unique has no negative tweet) has no recall to average.
    present = support > 0 if support.any() else np.ones_like(support, dtype=bool)
    return {
        "n": len(t),
        "accuracy": round(100 * float(tp.sum() / max(len(t), 1)), 2),
        "macro_f1": round(100 * float(f1[present].mean()), 2),
        "macro_recall": round(100 * float(recall[present].mean()), 2),
        "f1": {LABELS[c]: round(100 * float(x), 2) for c, x in zip(classes, f1, strict=True)},
        "labels": [LABELS[c] for c in classes],
        "confusion": cm.tolist(),
    }


def head(split: Split, limit: int | None) -> Split:
    """The first ``limit`` rows of ``split`` (all when ``limit`` is None)."""
    if not limit:
        return split
    return Split(split.name, split.lang, split.texts[:limit], split.labels[:limit], split.binary)


def semeval_val(data_dir: str | Path | None, xlmt_train: Sequence[str]) -> Split:
    """SemEval 2016 devtest minus the tweets that repeat xlmt train (by normalised text)."""
    seen = {datasets.norm_key(t) for t in xlmt_train}
    split = datasets.semeval_en([datasets.SEMEVAL_VAL], data_dir)
    rows = [
        (t, y)
        for t, y in zip(split.texts, split.labels, strict=True)
        if datasets.norm_key(t) not in seen
    ]
    name = f"semeval_en/{datasets.SEMEVAL_VAL}"
    return Split(name, "en", [t for t, _ in rows], [y for _, y in rows])


def questions(model: Classifier, split: Split) -> dict[str, Any]:
    """How plain questions come out: the split's *neutral* tweets that end with ``?``.

    Reports their count and the share predicted negative / neutral / positive.
    """
    texts = [
        t
        for t, y in zip(split.texts, split.labels, strict=True)
        if y == 1 and t.rstrip().endswith("?")
    ]
    out = _run(model, Split("questions", split.lang, texts, [1] * len(texts)))
    n = max(len(out), 1)
    shares = {k: round(100 * sum(label == k for label, _ in out) / n, 2) for k in LABELS}
    return {"n": len(out), "predicted": shares}


def question_split(splits: Sequence[Split]) -> Split:
    """The rows of ``splits`` that end with a question, each text once (by norm_key)."""
    from socialhub.enrichers.sentiment.questions import is_question

    seen: set[str] = set()
    rows: list[tuple[str, int]] = []
    for split in splits:
        for t, y in zip(split.texts, split.labels, strict=True):
            key = datasets.norm_key(t)
            if key not in seen and is_question(t):
                seen.add(key)
                rows.append((t, y))
    lang = splits[0].lang if splits else "en"
    return Split(f"questions_{lang}", lang, [t for t, _ in rows], [y for _, y in rows])


def _run(model: Classifier, split: Split) -> list[tuple[str, float]]:
    return model.classify(split.texts, [split.lang] * len(split.texts))


def score_split(model: Classifier, split: Split) -> dict[str, Any]:
    """Metrics of ``model`` on one split (binary splits use the score's sign)."""
    out = _run(model, split)
    if split.binary:
        pred = [2 if score >= 0 else 0 for _, score in out]
        result = metrics(split.labels, pred, classes=[0, 2])
        neutral = sum(label == "neutral" for label, _ in out)
        result["neutral_rate"] = round(100 * neutral / max(len(out), 1), 2)
        return result
    return metrics(split.labels, [LABELS.index(label) for label, _ in out], classes=[0, 1, 2])


def score_challenge(model: Classifier) -> dict[str, Any]:
    """The hand-written challenge set: the metrics of a split (accuracy, macro-F1,
    macro-recall, confusion), and the accuracy per phenomenon. Its macro scores were
    not computed before, so ``socialhub eval`` printed a macro-F1 of 0.0 beside 71 %
    accuracy."""
    texts = [c[0] for c in CASES]
    out = model.classify(texts, [c[2] for c in CASES])
    pred = [LABELS.index(label) for label, _ in out]
    hits: dict[str, list[bool]] = {}
    for (_, truth, _, kind), p in zip(CASES, pred, strict=True):
        hits.setdefault(kind, []).append(p == truth)
    result = metrics([c[1] for c in CASES], pred, classes=[0, 1, 2])
    result["per_phenomenon"] = {k: round(100 * sum(v) / len(v), 2) for k, v in hits.items()}
    return result


def evaluate(
    model: Classifier,
    data_dir: str | Path | None = None,
    split: str = "val",
    langs: Sequence[str] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Score ``model`` on every labelled split the shared data holds.

    Parameters
    ----------
    model
        Anything with ``classify(texts, langs) -> [(label, score)]``.
    data_dir
        The shared data root (or its ``sentiment`` folder); default
        ``$SOCIALHUB_DATA`` or ``../shared/data`` beside the repository.
    split
        ``"val"`` (xlmt val, tweeteval val, allocine dev) or ``"train"``.
    langs
        Restrict to these ISO codes (e.g. ``["fr", "en"]`` for a lexicon baseline).
    limit
        Score only the first ``limit`` rows of each split (a quick check; the model
        card uses every row).

    Returns
    -------
    dict
        ``{"xlmt/<language>": metrics, ..., "xlmt_mean": {...}, "tweeteval_val": ...,
        "tweeteval_val_unique": ..., "allocine_fr": ..., "challenge": ...}``.
    """
    if split not in ("val", "train"):
        raise ValueError(f"split must be 'val' or 'train', not {split!r}")
    wanted = set(langs) if langs else set(datasets.XLMT_LANGS.values())
    report: dict[str, Any] = {"split": split}
    xlmt_train: list[str] = []
    xlmt_val: list[str] = []
    for folder, code in datasets.XLMT_LANGS.items():
        train = datasets.xlmt(folder, "train", data_dir)
        xlmt_train += train.texts
        current = train if split == "train" else datasets.xlmt(folder, "val", data_dir)
        if split == "val":
            xlmt_val += current.texts
        if code in wanted:
            report[current.name] = score_split(model, head(current, limit))
    per_lang = [v for k, v in report.items() if k.startswith("xlmt/")]
    report["xlmt_mean"] = {
        key: round(float(np.mean([m[key] for m in per_lang])), 2)
        for key in ("accuracy", "macro_f1", "macro_recall")
    }
    if "en" in wanted and split == "val":
        tweets = datasets.tweeteval_val(data_dir)
        report["tweeteval_val"] = score_split(
            model, head(datasets.without(tweets, xlmt_train, "tweeteval_val"), limit)
        )
        report["tweeteval_val_unique"] = score_split(
            model,
            head(datasets.without(tweets, xlmt_train + xlmt_val, "tweeteval_val_unique"), limit),
        )
        semeval = semeval_val(data_dir, xlmt_train)
        report[semeval.name] = score_split(model, head(semeval, limit))
        report["questions"] = questions(model, head(semeval, limit))
        asked = question_split([semeval, datasets.xlmt("en", "val", data_dir)])
        report[asked.name] = score_split(model, head(asked, limit))
        sarcasm = datasets.semeval_en([datasets.SEMEVAL_SARCASM], data_dir)
        report[sarcasm.name] = score_split(model, head(sarcasm, limit))
    if "fr" in wanted:
        reviews = datasets.allocine("dev" if split == "val" else "train", data_dir)
        report["allocine_fr"] = score_split(model, head(reviews, limit))
    if wanted & {"fr", "en"}:
        report["challenge"] = score_challenge(model)
    return report
