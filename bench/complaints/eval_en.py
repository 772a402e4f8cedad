"""English complaint categories of the complaint detector's keyword fallback (issue 18).

    .venv/bin/python bench/complaints/eval_en.py > out.json

(a) Per tweet, on the hand-checked set ``labels_en.tsv`` (157 negative SemEval English
    tweets naming a company or product, texts read from the shared data; see
    ``candidates_en.py``): a complaint is found when the detector gives the tweet any
    category; category precision / recall over the built-in categories ("other"
    complaints count for detection only).
(b) Complaint bursts: a replayed stream of one routed English query — three days of
    SemEval tweets that are no complaints (neutral and positive, 2016 files) at about
    40 an hour, then on day 3 the set's complaints of one category arrive within 30
    minutes (a surge); one run per category with at least 8 labelled complaints.
    Alerts raised on the category (``rising``), alerts on anything before the surge.
Both with the built-in vocabularies and with the old French/telecom keywords.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from socialhub.analytics.detectors.complaints import ComplaintDetector
from socialhub.models import Mention
from socialhub.shared_data import shared_data_dir

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from candidates_en import ESCAPE  # noqa: E402

OLD = {  # the keyword fallback before the built-in vocabularies (French / telecom)
    "network_outage": [
        "panne", "coupure", "coupe", "pas de reseau", "plus de reseau", "plus d internet",
        "plus internet", "aucun signal", "plus de connexion", "mirabelledown", "outage",
        "no signal", "network down", "internet down", "reseau tombe",
    ],
}  # fmt: skip
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def texts() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for path in sorted((shared_data_dir() / "sentiment" / "semeval_en").glob("twitter-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0] not in out:
                text = ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), parts[2])
                out[parts[0]] = (parts[1], " ".join(text.split()))
    return out


def labels() -> dict[str, set[str]]:
    out = {}
    for line in (HERE / "labels_en.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        tid, lab = line.split("\t")
        out[tid] = set(lab.split(","))
    return out


def categories(det: ComplaintDetector, text: str) -> set[str]:
    m = Mention("x", "1", text, T0, query_ids=[1])
    return {key.split(":")[1] for key, _ in det.keys(m)}


def per_tweet(det: ComplaintDetector, gold: dict[str, set[str]], tx: dict) -> dict[str, Any]:
    tp = fp = fn = 0
    ctp = cfp = cfn = 0
    per: Counter[str] = Counter()
    for tid, lab in gold.items():
        pred = categories(det, tx[tid][1])
        is_c = lab != {"none"}
        tp += bool(pred) and is_c
        fp += bool(pred) and not is_c
        fn += not pred and is_c
        cats = lab - {"none", "other"}
        ctp += len(pred & cats)
        cfp += len(pred - cats)
        cfn += len(cats - pred)
        for c in cats - pred:
            per[f"missed {c}"] += 1
        for c in pred - cats:
            per[f"wrong {c}"] += 1
    return {
        "tweets": len(gold),
        "complaints": sum(1 for v in gold.values() if v != {"none"}),
        "detection_precision": round(tp / max(tp + fp, 1), 3),
        "detection_recall": round(tp / max(tp + fn, 1), 3),
        "category_precision": round(ctp / max(ctp + cfp, 1), 3),
        "category_recall": round(ctp / max(ctp + cfn, 1), 3),
        "errors": dict(per.most_common()),
    }


def surges(make: Any, gold: dict[str, set[str]], tx: dict) -> dict[str, Any]:
    rng = random.Random(18)
    calm = [t for tid, (lab, t) in tx.items() if lab != "negative" and tid not in gold]
    by_cat: dict[str, list[str]] = {}
    for tid, lab in gold.items():
        for c in lab - {"none", "other"}:
            by_cat.setdefault(c, []).append(tx[tid][1])
    out: dict[str, Any] = {}
    for cat, items in sorted(by_cat.items()):
        if len(items) < 8:
            continue
        stream, t = [], 0.0
        while t < 3 * 86_400:
            t += rng.expovariate(40 / 3600)
            stream.append((t, rng.choice(calm)))
        onset = 2 * 86_400 + 14 * 3600
        stream += [(onset + 1800 * i / len(items), text) for i, text in enumerate(items)]
        stream.sort()
        det = make()
        fired = []
        for i, (s, text) in enumerate(stream):
            m = Mention("x", str(i), text, T0 + timedelta(seconds=s), query_ids=[1])
            fired += [sig for sig in det.update(m) if sig.trend == "rising"]
        on = [
            f.t for f in fired
            if f.extra["category"] == cat and f.t >= T0 + timedelta(seconds=onset)
        ]  # fmt: skip
        before = [f for f in fired if f.t < T0 + timedelta(seconds=onset)]
        out[cat] = {
            "complaints": len(items),
            "background_posts": len(stream) - len(items),
            "alerted": bool(on),
            "latency_min": round((on[0] - T0).total_seconds() / 60 - onset / 60, 1) if on else None,
            "alerts_before": len(before),
            "before_examples": [f.title for f in before[:3]],
        }
    return out


def main() -> None:
    tx, gold = texts(), labels()
    result = {}
    for name, make in (
        ("builtin", lambda: ComplaintDetector()),
        ("old_french_telecom", lambda: ComplaintDetector(fallback=OLD)),
    ):
        result[name] = {
            "per_tweet": per_tweet(make(), gold, tx),
            "surges": surges(make, gold, tx),
        }
    sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")


if __name__ == "__main__":
    main()
