"""Throughput of the light enrichers (language, neardup, keyphrases, authors).

Runs each stage alone, in batches of 100, on the same 5,000 mentions of the demo
simulator (``Simulator(seed=1)``); the language stage is run with
``language_override`` so it really detects every mention. With ``--xlmt`` it also
measures the language stage's accuracy on the real tweets of
``<shared data>/sentiment/xlmt/<language>/val_text.txt`` (the numbers in
``docs/models/language.md``): whole tweets, tweets cut to their first 2/3/5 words,
and fastText alone for comparison.

Usage: ``.venv/bin/python bench/bench_enrichers_light.py [--mentions 5000] [--xlmt]``
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from collections import Counter
from typing import Any

from socialhub.demo import Simulator
from socialhub.enrichers.authors import AuthorInfluence
from socialhub.enrichers.keyphrases import Keyphrases
from socialhub.enrichers.language import UND, LanguageDetector, LanguageId, clean
from socialhub.enrichers.neardup import NearDup
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context
from socialhub.shared_data import shared_data_dir

XLMT = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}


def throughput(stage: BaseEnricher, mentions: list[Mention], batch: int = 100) -> float:
    work = copy.deepcopy(mentions)
    start = time.perf_counter()
    for i in range(0, len(work), batch):
        stage.process(work[i : i + batch])
    return round(len(work) / (time.perf_counter() - start), 1)


def bench_stages(n: int) -> dict[str, Any]:
    mentions = Simulator(seed=1).take(n)
    out: dict[str, Any] = {"mentions": len(mentions), "batch": 100}
    t0 = time.perf_counter()
    language = LanguageDetector(Context(None, {"language_override": True}))
    out["language_load_s"] = round(time.perf_counter() - t0, 2)
    language.process(copy.deepcopy(mentions[:50]))  # lingua loads its models lazily
    stages: list[BaseEnricher] = [
        language,
        NearDup(Context(None, {})),
        Keyphrases(Context(None, {})),
        AuthorInfluence(Context(None, {})),
    ]
    out["per_second"] = {s.name: throughput(s, mentions) for s in stages}
    # agreement of detected languages with the simulator's own labels
    work = copy.deepcopy(mentions)
    language.process(work)
    agree = sum(a.lang == b.lang for a, b in zip(work, mentions, strict=True))
    out["language_agrees_with_demo_labels"] = round(agree / len(mentions), 4)
    return out


def _score(lid: LanguageId, texts: list[str], code: str) -> dict[str, float]:
    if not texts:
        return {"accuracy": 0.0, "und": 0.0, "wrong": 0.0}
    got = Counter(lid.detect(t) for t in texts)
    n = len(texts)
    return {
        "accuracy": round(got[code] / n, 4),
        "und": round(got[UND] / n, 4),
        "wrong": round((n - got[code] - got[UND]) / n, 4),
    }


def bench_xlmt() -> dict[str, Any]:
    lid = LanguageId()
    root = shared_data_dir() / "sentiment" / "xlmt"
    out: dict[str, Any] = {}
    for folder, code in XLMT.items():
        texts = (root / folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
        row: dict[str, Any] = {"n": len(texts), "full": _score(lid, texts, code)}
        for words in (2, 3, 5):
            cut = [" ".join(clean(t).split()[:words]) for t in texts]
            row[f"first_{words}_words"] = _score(lid, cut, code)
        natural = [t for t in texts if len(clean(t).split()) < 6]
        row["short_under_6_words"] = {"n": len(natural), **_score(lid, natural, code)}
        fast_only = Counter(
            (lid.fast(clean(t), k=1) or [(UND, 0.0)])[0][0] for t in texts if clean(t)
        )
        row["fasttext_only_top1_accuracy"] = round(fast_only[code] / len(texts), 4)
        row["predicted"] = dict(Counter(lid.detect(t) for t in texts).most_common(4))
        out[code] = row
    start = time.perf_counter()
    every = [t for folder in XLMT for t in (root / folder / "val_text.txt").read_text().split("\n")]
    for t in every:
        lid.detect(t)
    out["detect_per_second_xlmt"] = round(len(every) / (time.perf_counter() - start), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=5_000)
    parser.add_argument("--xlmt", action="store_true", help="also measure language accuracy")
    args = parser.parse_args()
    result: dict[str, Any] = {"cpus": os.cpu_count(), **bench_stages(args.mentions)}
    if args.xlmt:
        result["language_xlmt_val"] = bench_xlmt()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
