"""CPU cost of the fast sentiment path per text, with and without per-language weights.

Scores the xlmt val tweets of fr, en, es and de (1,296 texts, each given its language,
as the pipeline stage does) with the committed ``fast.npz`` and, with ``--before FILE``,
with an earlier ``fast.npz`` (e.g. ``git show main:src/socialhub/enrichers/sentiment/
models/fast.npz > /tmp/fast-main.npz``). The runs alternate in one process and report
the best CPU time of each, in microseconds per text (process time: the machine is
shared, wall time is not a measure here).

Usage: ``.venv/bin/python bench/bench_sentiment_fast.py [--before FILE] [--rounds 7]``
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from socialhub.enrichers.sentiment import datasets, valences
from socialhub.enrichers.sentiment.hashing import _LAST_CHARS, _folded, _word_hashes
from socialhub.enrichers.sentiment.model import HashedLinear, _load_linear
from socialhub.shared_data import shared_data_dir


def _cpu_us(model: HashedLinear, texts: list[str], langs: list[str] | None) -> float:
    # empty the featurizer's memos, so every round pays the full price
    _folded.cache_clear()
    _word_hashes.cache_clear()
    _LAST_CHARS.clear()
    start = time.process_time()
    model.predict_proba(texts, langs)
    return 1e6 * (time.process_time() - start) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="an earlier fast.npz to compare")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts: list[str] = []
    langs: list[str] = []
    for lang in ("fr", "en", "es", "de"):
        split = datasets.xlmt(lang, "val", shared_data_dir())
        texts += split.texts
        langs += [lang] * len(split.texts)
    models: dict[str, tuple[HashedLinear, list[str] | None]] = {}
    after = _load_linear()
    models["after, langs given"] = (after, langs)
    models["after, no langs"] = (after, None)
    if args.before:
        with np.load(args.before) as z:
            before = HashedLinear.from_arrays({k: z[k] for k in z.files}, valences.load())
        models["before, langs given"] = (before, langs)
    best: dict[str, float] = {name: float("inf") for name in models}
    for _ in range(args.rounds):
        for name, (model, given) in models.items():
            best[name] = min(best[name], _cpu_us(model, texts, given))
    result: dict[str, Any] = {
        "texts": len(texts),
        "rounds": args.rounds,
        "best_cpu_us_per_text": {k: round(v, 2) for k, v in best.items()},
        "per_language_weights": sorted(after.by_lang),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
