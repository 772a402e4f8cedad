"""Candidates for the hand-checked French entity set (issue 18, item 3).

    .venv/bin/python bench/entities_lower/candidates_fr.py

XLM-T French validation tweets (shared data, ``sentiment/xlmt/french/val_text.txt``,
DEFT 2017) holding a capitalised word that does not start the tweet or a sentence:
``line number<TAB>text``, the first 60. ``gold_fr.tsv`` lists, per line number, the
people, organisations, brands and places read in each (hand-checked); the texts stay
in the shared data.
"""

from __future__ import annotations

import re
import sys

from socialhub.shared_data import shared_data_dir

CAPITAL = re.compile(r"(?<![.!?:]\s)(?<!^)(?<![@#\w])[A-ZÀ-Ý][a-zà-ÿ]+")


def candidates(limit: int = 60) -> list[tuple[int, str]]:
    path = shared_data_dir() / "sentiment" / "xlmt" / "french" / "val_text.txt"
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if CAPITAL.search(line.strip()):
            out.append((n, line.strip()))
        if len(out) >= limit:
            break
    return out


if __name__ == "__main__":
    for n, text in candidates():
        sys.stdout.write(f"{n}\t{text}\n")
