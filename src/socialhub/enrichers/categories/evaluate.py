"""Multi-label evaluation of a :class:`CategoryModel` (``socialhub eval categories``).

Input: JSON lines ``{"text", "lang", "categories": [names]}`` (an empty list means "no
category"). Reported: micro and macro precision / recall / F1 over the model's
categories (macro averages the categories that occur in the truth), per-category
scores, the exact-set match rate, how often a text with no category got none, and the
same micro/macro F1 per language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from socialhub.enrichers.categories.model import CategoryModel


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file (blank lines skipped)."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = orjson.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{n}: expected an object with a 'text' string")
            rows.append(row)
    return rows


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def multilabel_metrics(
    truth: Sequence[set[str]], pred: Sequence[set[str]], names: Sequence[str]
) -> dict[str, Any]:
    """Micro / macro P, R, F1 (percent) and per-name F1 for sets of labels.

    Examples
    --------
    >>> m = multilabel_metrics([{"a"}, {"b"}, set()], [{"a"}, {"a"}, set()], ["a", "b"])
    >>> m["micro_f1"], m["macro_f1"], m["exact_match"]
    (66.67, 33.33, 66.67)
    """
    per: dict[str, dict[str, float]] = {}
    totals = [0, 0, 0]
    f1s = []
    for name in names:
        tp = sum(name in t and name in p for t, p in zip(truth, pred, strict=True))
        fp = sum(name not in t and name in p for t, p in zip(truth, pred, strict=True))
        fn = sum(name in t and name not in p for t, p in zip(truth, pred, strict=True))
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        p, r, f = _prf(tp, fp, fn)
        per[name] = {
            "precision": round(100 * p, 2),
            "recall": round(100 * r, 2),
            "f1": round(100 * f, 2),
            "support": tp + fn,
        }
        if tp + fn:
            f1s.append(f)
    mp, mr, mf = _prf(*totals)
    empty = [p for t, p in zip(truth, pred, strict=True) if not t]
    return {
        "n": len(truth),
        "micro_precision": round(100 * mp, 2),
        "micro_recall": round(100 * mr, 2),
        "micro_f1": round(100 * mf, 2),
        "macro_f1": round(100 * sum(f1s) / len(f1s), 2) if f1s else 0.0,
        "exact_match": round(
            100 * sum(t == p for t, p in zip(truth, pred, strict=True)) / max(len(truth), 1), 2
        ),
        "none_correct": round(100 * sum(not p for p in empty) / len(empty), 2) if empty else None,
        "per_category": per,
    }


def evaluate(model: CategoryModel, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Score ``model`` on labelled rows; adds ``by_lang`` micro/macro F1."""
    names = [c.name for c in model.categories]
    pred = [{n for n, _ in p} for p in model.predict_texts([r["text"] for r in rows])]
    truth = [set(r.get("categories") or []) for r in rows]
    unknown = sorted(set().union(*truth) - set(names)) if truth else []
    report = multilabel_metrics(truth, pred, names)
    if unknown:
        report["unknown_labels"] = unknown  # truth names the model does not have
    by_lang: dict[str, Any] = {}
    for lang in sorted({str(r.get("lang", "und")) for r in rows}):
        idx = [i for i, r in enumerate(rows) if str(r.get("lang", "und")) == lang]
        m = multilabel_metrics([truth[i] for i in idx], [pred[i] for i in idx], names)
        by_lang[lang] = {k: m[k] for k in ("n", "micro_f1", "macro_f1", "exact_match")}
    report["by_lang"] = by_lang
    report["errors"] = [
        {"text": rows[i]["text"], "truth": sorted(truth[i]), "pred": sorted(pred[i])}
        for i in range(len(rows))
        if truth[i] != pred[i]
    ]
    return report
