"""Measure language identification on the shared labelled tweets (``socialhub eval language``).

The language of a tweet is its corpus's: XLM-T val folders (324 tweets per language)
and the first 3,000 tweets of SemEval 2016 test (English). Reported per set: the share
labelled right, ``und`` and wrong, on whole tweets and on tweets cut to their first
``short_words`` words (a stand-in for replies and short posts, where detectors fail
most). The numbers in docs/models/language.md come from here.

>>> sorted(score(["en", "und", "fr"], "en"))
['n', 'right', 'und', 'wrong']
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from socialhub.enrichers.language import UND, clean
from socialhub.enrichers.sentiment import datasets

#: xlmt languages the detectors know (romanised Hindi has no label: model card).
LANGS = ("fr", "en", "es", "de", "it", "pt", "ar")
SHORT_WORDS = 5
SEMEVAL_SHORT = "2016test"
#: Tweets of that file used (its first ones: 3,000 of 20,632 keep a run to seconds).
SEMEVAL_N = 3000


def score(predicted: Sequence[str], code: str) -> dict[str, Any]:
    """Share right / ``und`` / wrong (percent) of ``predicted`` for true language ``code``."""
    got = Counter(predicted)
    n = max(len(predicted), 1)
    right, und = got[code], got[UND]
    return {
        "n": len(predicted),
        "right": round(100 * right / n, 2),
        "und": round(100 * und / n, 2),
        "wrong": round(100 * (len(predicted) - right - und) / n, 2),
    }


def _short(texts: list[str], words: int) -> list[str]:
    return [" ".join(clean(t).split()[:words]) for t in texts]


def evaluate(
    detect: Callable[[str], str],
    data_dir: str | Path | None = None,
    *,
    limit: int | None = None,
    short_words: int = SHORT_WORDS,
) -> dict[str, Any]:
    """Scores of ``detect`` (text -> ISO code or ``und``) on the shared tweets.

    ``limit`` caps the tweets per set (a quick check); the model card uses all.
    """
    sets: dict[str, tuple[str, list[str]]] = {}
    for code in LANGS:
        sets[f"xlmt/{code}"] = (code, datasets.xlmt(code, "val", data_dir).texts)
    sets[f"semeval_en/{SEMEVAL_SHORT}"] = (
        "en",
        datasets.semeval_en([SEMEVAL_SHORT], data_dir).texts[:SEMEVAL_N],
    )
    report: dict[str, Any] = {"short_words": short_words}
    total = 0
    start = time.perf_counter()
    for name, (code, texts) in sets.items():
        texts = texts[:limit] if limit else texts
        whole = [detect(t) for t in texts]
        short = [detect(t) for t in _short(texts, short_words)]
        total += 2 * len(texts)
        report[name] = {"lang": code, "whole": score(whole, code), "short": score(short, code)}
    elapsed = time.perf_counter() - start
    xlmt = [v for k, v in report.items() if k.startswith("xlmt/")]
    report["xlmt_mean"] = {
        part: {
            key: round(sum(v[part][key] for v in xlmt) / len(xlmt), 2)
            for key in ("right", "und", "wrong")
        }
        for part in ("whole", "short")
    }
    report["texts_per_s"] = round(total / elapsed, 1) if elapsed > 0 else None
    return report
