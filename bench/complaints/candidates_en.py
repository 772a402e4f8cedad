"""Candidates for the hand-checked English complaint set (issue 18, item 2).

    .venv/bin/python bench/complaints/candidates_en.py > /tmp/candidates.tsv

SemEval 2013-2016 English tweets (shared data, ``sentiment/semeval_en``), negative
ones that name a company, a service or a product (a fixed list of brand words), first
occurrence of each id, sorted by id, every third kept: ``id<TAB>text``. The labels in
``labels_en.tsv`` were given by reading these texts (one category, or ``none`` when
the tweet is no complaint about a company's service or product); the texts stay in
the shared data.
"""

from __future__ import annotations

import re
import sys

from socialhub.shared_data import shared_data_dir

BRANDS = re.compile(
    r"\b(verizon|at&t|att|comcast|xfinity|sprint|t-?mobile|tmobile|directv|dish|"
    r"united|delta|southwest|jetblue|american ?airlines|usairways|airline|flight|"
    r"amazon|ups|fedex|usps|apple|iphone|ipad|samsung|galaxy|xbox|playstation|psn|"
    r"netflix|hulu|spotify|uber|facebook|twitter|instagram|google|microsoft|windows|"
    r"walmart|target|starbucks|mcdonald'?s|bank|paypal|ebay|kindle|android|customer)\b",
    re.I,
)
ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")  # the files keep \u2019 and the like


def main() -> None:
    base = shared_data_dir() / "sentiment" / "semeval_en"
    seen: dict[str, str] = {}
    for path in sorted(base.glob("twitter-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[1] != "negative" or parts[0] in seen:
                continue
            text = ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), parts[2])
            if BRANDS.search(text):
                seen[parts[0]] = " ".join(text.split())
    for i, tid in enumerate(sorted(seen)):
        if i % 3 == 0:
            sys.stdout.write(f"{tid}\t{seen[tid]}\n")


if __name__ == "__main__":
    main()
