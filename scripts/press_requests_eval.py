"""Build the press-request labelled set and score the detector on its held-out part.

Sources: the demo simulator (journalists' posts labelled by the template that wrote
them, background posts as negatives), the hand-written texts of
``data/press_requests/handwritten.tsv`` and real posts of ``../shared/data``
(CrisisLexT26 tweets, XLM-T French and English tweets; hand labels by id in
``data/press_requests/real_labels.tsv``, every other post 0). Every item goes to the
development or the held-out part by a hash of its key (30 % held out); the rules were
written looking at the development part only. Prints JSON.

    .venv/bin/python scripts/press_requests_eval.py [--data ../shared/data] [--mentions 20000]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

from socialhub.demo import Simulator
from socialhub.enrichers.press_requests import press_request

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "data" / "press_requests"
# the simulator's press-request templates (src/socialhub/demo/grammar_fr_brand.py)
SIM_POSITIVE = re.compile(
    r"^(Je cherche des abonnés fibre à .+ pour un reportage, DM ouverts"
    r"|Gros dossier sur les zones blanches en préparation, vos témoignages sont bienvenus)"
)


def held_out(key: str) -> bool:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 10 < 3


def items(data: Path, n_mentions: int) -> list[tuple[str, str, str, int]]:
    """(source, key, text, label)."""
    out: list[tuple[str, str, str, int]] = []
    seen: set[str] = set()
    for m in Simulator(seed=7).take(n_mentions):
        if m.kind == "repost" or m.text in seen:
            continue  # one copy of each distinct text
        seen.add(m.text)
        out.append(("simulator", m.id, m.text, int(bool(SIM_POSITIVE.match(m.text)))))
    for i, line in enumerate((HERE / "handwritten.tsv").read_text("utf-8").splitlines()):
        if line.startswith("#") or not line.strip():
            continue
        label, text = line.split("\t", 1)
        out.append(("handwritten", str(i), text, int(label)))
    labels: dict[tuple[str, str], int] = {}
    for line in (HERE / "real_labels.tsv").read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        source, key, label = line.split("\t")
        labels[(source, key)] = int(label)
    for f in sorted((data / "crisis" / "crisislex_t26").glob("*/*labeled.csv")):
        with f.open(encoding="utf-8", errors="replace") as fh:
            rows = csv.reader(fh)
            next(rows)
            for row in rows:
                out.append(("crisislex", row[0], row[1], labels.get(("crisislex", row[0]), 0)))
    for lang in ("french", "english"):
        for f in sorted((data / "sentiment" / "xlmt" / lang).glob("*_text.txt")):
            for i, text in enumerate(f.read_text("utf-8").splitlines()):
                key = f"{lang}/{f.name}:{i}"
                out.append(("xlmt", key, text, labels.get(("xlmt", key), 0)))
    return out


def score(rows: list[tuple[str, str, str, int]]) -> dict[str, float | int]:
    tp = fp = fn = 0
    for _, _, text, label in rows:
        guess = press_request(text) is not None
        tp += guess and label == 1
        fp += guess and label == 0
        fn += (not guess) and label == 1
    return {
        "items": len(rows),
        "positives": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
    }


def _default_data() -> Path:
    """``../shared/data`` from the project root (or from a worktree's parent)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=_default_data())
    ap.add_argument("--mentions", type=int, default=20_000)
    ap.add_argument("--errors", action="store_true", help="print the held-out errors")
    args = ap.parse_args(argv)
    if not (args.data / "crisis").is_dir():
        ap.error(f"no shared data at {args.data} (give --data)")
    rows = items(args.data, args.mentions)
    dev = [r for r in rows if not held_out(f"{r[0]}:{r[1]}")]
    test = [r for r in rows if held_out(f"{r[0]}:{r[1]}")]
    result = {
        "dev": score(dev),
        "held_out": score(test),
        "held_out_by_source": {
            s: score([r for r in test if r[0] == s])
            for s in ("simulator", "handwritten", "crisislex", "xlmt")
        },
    }
    print(json.dumps(result, indent=2))
    if args.errors:
        for source, key, text, label in test:
            if (press_request(text) is not None) != bool(label):
                print(f"{source}\t{key}\t{label}\t{text[:160]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
