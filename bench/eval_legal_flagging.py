"""Precision and recall of the legal flagging classifier (socialhub.legal.flagging).

    .venv/bin/python bench/eval_legal_flagging.py            # JSON on stdout

The labelled set (bench/legal_flagging/) has three sources, each split dev/test:
hand-written posts (handwritten.tsv = dev, heldout.tsv = test), posts of the demo
simulator (labelled "none" by construction: its vocabulary excludes insults; seed 11,
first 300 dev, next 300 test) and real tweets from ../shared/data (labels_real.tsv:
file, line and our label; the text is read from the shared folder, never copied here).
Rules were tuned on the dev parts only. Per label: precision, recall and F1 of "this
label" against everything else; "flagged": any label against none.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from socialhub.legal.flagging import LABELS, classify  # noqa: E402

HERE = ROOT / "bench" / "legal_flagging"
SHARED = ROOT.parent / "shared" / "data"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data")


def examples() -> list[tuple[str, str, str, str, str]]:
    """(split, source, lang, label, text)."""
    out = []
    for name in ("handwritten.tsv", "heldout.tsv"):
        with (HERE / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                out.append((row["split"], "handwritten", row["lang"], row["label"], row["text"]))
    from socialhub.demo import Simulator

    for i, m in enumerate(Simulator(seed=11).take(600)):
        out.append(("dev" if i < 300 else "test", "simulator", m.lang, "none", m.text))
    with (HERE / "labels_real.tsv").open(encoding="utf-8") as f:
        cache: dict[str, list[str]] = {}
        for row in csv.DictReader(f, delimiter="\t"):
            lines = cache.setdefault(
                row["file"], (SHARED / row["file"]).read_text(encoding="utf-8").splitlines()
            )
            lang = "fr" if "french" in row["file"] else "en"
            text = lines[int(row["line"]) - 1]
            out.append((row["split"], "real", lang, row["label"], text))
    return out


def prf(pairs: list[tuple[str, str]], label: str | None) -> dict[str, float | int]:
    def hit(x: str) -> bool:
        return x != "none" if label is None else x == label

    tp = sum(1 for gold, pred in pairs if hit(gold) and hit(pred))
    fp = sum(1 for gold, pred in pairs if not hit(gold) and hit(pred))
    fn = sum(1 for gold, pred in pairs if hit(gold) and not hit(pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "support": tp + fn, "false_positives": fp}  # fmt: skip


def main() -> None:
    data = examples()
    report: dict[str, object] = {}
    errors = []
    for split in ("dev", "test"):
        rows = [r for r in data if r[0] == split]
        pairs = [(gold, classify(text).label or "none") for _, _, _, gold, text in rows]
        block: dict[str, object] = {"n": len(rows), "labels": dict(Counter(g for g, _ in pairs))}
        for label in LABELS:
            block[label] = prf(pairs, label)
        block["flagged"] = prf(pairs, None)
        block["by_source"] = {
            src: prf(
                [(g, classify(t).label or "none") for s, so, _, g, t in rows if so == src], None
            )
            for src in ("handwritten", "simulator", "real")
        }
        report[split] = block
        for (_, src, lang, gold, text), (_, pred) in zip(rows, pairs, strict=True):
            if gold != pred:
                errors.append({"split": split, "source": src, "lang": lang, "gold": gold,
                               "pred": pred, "text": text[:140]})  # fmt: skip
    report["errors"] = errors
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
