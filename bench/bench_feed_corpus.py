"""RSS connector over feedparser's own test corpus (issue #22): counts and time.

Serves ``../shared/data/payloads/feedparser_tests`` (~2,100 real and ill-formed feeds)
from one local HTTP server with each file's ``Header:`` lines, reads every feed through
``RssConnector.fetch`` (address guard, conditional GET, size cap, feedparser) and
compares with feedparser reading the same bytes directly (the peer). Prints JSON: feeds,
eligible feeds (feedparser finds an entry with a title, summary or content), those with
words or a URL (usable), feeds with mentions, rejected feeds by reason, crashes, dated
items and dates equal to feedparser's, the wall time, and feedparser alone on the same
files for the ratio::

    .venv/bin/python bench/bench_feed_corpus.py
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus server and evaluator live with the tests

from tests.connectors.rss.corpus import corpus_dir, corpus_files, headers_of, run_corpus  # noqa: E402


def feedparser_alone(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        body = path.read_bytes()
        headers = {k.lower(): v for k, v in headers_of(body).items()}
        headers.setdefault("content-location", "http://127.0.0.1/" + path.name)
        feedparser.parse(body, response_headers=headers)
    return time.perf_counter() - started


def main() -> None:
    files = corpus_files(corpus_dir())
    result = run_corpus(files)
    alone = feedparser_alone(files)
    out = {
        "bench": "feed_corpus",
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "load": os.getloadavg()[0],
        **result.summary(),
        "feedparser_alone_seconds": round(alone, 2),
        "ratio_connector_vs_feedparser": round(result.seconds / max(alone, 1e-9), 1),
        "missed_examples": result.missed[:3],
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
