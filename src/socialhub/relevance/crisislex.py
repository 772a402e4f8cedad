"""The learning curve an analyst would see, measured on CrisisLexT26.

CrisisLexT26 (Olteanu, Vieweg & Castillo, CSCW 2015) holds ~1,000 labelled tweets for
each of 26 crises, collected by keyword, so it has exactly our problem: a keyword
query and the noise it catches. ``Not related`` is irrelevant; ``Related and
informative`` and ``Related - but not informative`` are relevant; ``Not applicable``
is dropped.

For each event (and for all events pooled) and each label budget N, 30% of the tweets
are first set aside (never offered for labelling); a model is trained on N labels
chosen from the rest either at random or by active learning (20 random, then batches
of 10 chosen by :func:`socialhub.relevance.active.select` with the current model).
Scores, for the "relevant" class: precision, recall and F1, plus the F1 of "not
relevant" (the noise filter) and the F1 of labelling everything relevant (the
baseline), on two test sets: ``holdout_*`` (the set-aside tweets: the same for both
strategies, so the fair comparison) and ``rest_*`` (every unlabelled tweet: what the
analyst then sees; active learning removes the hard tweets from it, which flatters
it there).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from socialhub.relevance.active import select
from socialhub.relevance.features import Encoder, Features, featurize, sketch
from socialhub.relevance.model import DEFAULT_L2, RelevanceModel, prf

LABELS = {
    "not related": 0,
    "related and informative": 1,
    "related - but not informative": 1,
}
SEED_LABELS = 20
BATCH = 10
#: Share of each event set aside as a fixed test set (never offered for labelling).
HOLDOUT = 0.3

CurveProgress = Callable[[int, int, str], None]
"""``progress(done, total, event)`` after every draw; a draw of a set of T tweets counts T
(the pooled set's draws weigh what they cost); ``event`` is the set's name or ``""`` for
the pooled events."""


@dataclass(slots=True)
class Event:
    name: str
    texts: list[str]
    labels: npt.NDArray[np.int64]


def _column(header: Sequence[str], name: str) -> int:
    for i, col in enumerate(header):
        if col.strip().lower() == name:
            return i
    raise ValueError(f"no {name!r} column in {list(header)}")


def load_event(path: Path) -> Event:
    """One ``<event>-tweets_labeled.csv`` (columns Tweet Text, Informativeness)."""
    texts: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        text_col, label_col = _column(header, "tweet text"), _column(header, "informativeness")
        for row in reader:
            if len(row) <= max(text_col, label_col):
                continue
            label = LABELS.get(row[label_col].strip().lower())
            if label is None:  # "Not applicable"
                continue
            texts.append(row[text_col])
            labels.append(label)
    name = path.name.removesuffix("-tweets_labeled.csv")
    return Event(name, texts, np.asarray(labels, dtype=np.int64))


def load_events(data: Path) -> list[Event]:
    files = sorted(data.glob("*/*-tweets_labeled.csv"))
    if not files:
        raise FileNotFoundError(f"no <event>/*-tweets_labeled.csv under {data}")
    return [load_event(f) for f in files]


def _fit(
    feats: Features, y: npt.NDArray[np.int64], idx: npt.NDArray[np.int64], l2: float = DEFAULT_L2
) -> RelevanceModel | None:
    if y[idx].min() == y[idx].max():
        return None  # one class only: the model would be a constant
    return RelevanceModel.fit(feats.take(idx), y[idx], l2=l2)


def choose(
    strategy: str,
    feats: Features,
    y: npt.NDArray[np.int64],
    pool: npt.NDArray[np.int64],
    n: int,
    rng: np.random.Generator,
    sketches: npt.NDArray[np.float64],
    l2: float = DEFAULT_L2,
) -> npt.NDArray[np.int64]:
    """The ``n`` tweets of ``pool`` labelled under ``strategy`` (random or active)."""
    order = rng.permutation(pool)
    if strategy == "random" or n <= SEED_LABELS:
        return order[:n]
    if strategy != "active":
        raise ValueError(f"unknown strategy {strategy!r}")
    picked = list(order[:SEED_LABELS])
    while len(picked) < n:
        left = np.setdiff1d(pool, picked)
        model = _fit(feats, y, np.asarray(picked), l2)
        p = model.predict_proba(feats.take(left)) if model is not None else np.full(len(left), 0.5)
        k = min(BATCH, n - len(picked))
        picks = select(p, sketches[left], sketches[picked], k)
        picked.extend(int(left[i]) for i in picks)
    return np.asarray(picked, dtype=np.int64)


def _scores(y: npt.NDArray[np.int64], pred: npt.NDArray[np.int64]) -> dict[str, float]:
    scores = prf(y, pred)
    scores["f1_not_relevant"] = prf(y, pred, positive=0)["f1"]
    scores["f1_all_relevant"] = prf(y, np.ones(len(y), np.int64))["f1"]
    return scores


def evaluate(
    texts: list[str],
    y: npt.NDArray[np.int64],
    sizes: Sequence[int],
    *,
    repeats: int = 3,
    seed: int = 0,
    l2: float = DEFAULT_L2,
    encoder: Encoder | None = None,
    drawn: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Mean scores over ``repeats`` draws, per (strategy, N); ``drawn()`` after each one
    (``len(sizes) * 2 * repeats`` calls, a draw skipped for a too-small set included).

    Each draw first sets aside a random HOLDOUT share of the tweets, never offered
    for labelling; labels are chosen from the rest. ``rest`` scores are on every
    unlabelled tweet (what the analyst then sees); ``holdout`` scores are on the set
    aside tweets only, the same for both strategies: active learning takes the hard
    tweets out of "the rest", which flatters it there.
    """
    feats = featurize(texts, encoder=encoder)
    sketches = sketch(feats)
    everything = np.arange(len(y))
    rows: list[dict[str, Any]] = []
    for n in sizes:
        for strategy in ("random", "active"):
            runs: list[dict[str, float]] = []
            for r in range(repeats):
                if drawn is not None and r:
                    drawn()  # the previous draw is done
                rng = np.random.default_rng(seed + 1000 * r + n)
                shuffled = rng.permutation(everything)
                cut = int(len(y) * HOLDOUT)
                holdout, pool = shuffled[:cut], shuffled[cut:]
                if n >= len(pool):
                    continue
                idx = choose(strategy, feats, y, pool, n, rng, sketches, l2)
                model = _fit(feats, y, idx, l2)
                rest = np.setdiff1d(everything, idx)
                if model is None:
                    proba = np.full(len(y), float(y[idx][0]))
                else:
                    proba = model.predict_proba(feats)
                pred = (proba >= 0.5).astype(np.int64)
                run = {f"rest_{k}": v for k, v in _scores(y[rest], pred[rest]).items()}
                run.update(
                    {f"holdout_{k}": v for k, v in _scores(y[holdout], pred[holdout]).items()}
                )
                runs.append(run)
            if drawn is not None:
                drawn()  # the last draw is done
            if not runs:
                continue
            row: dict[str, Any] = {"strategy": strategy, "n_labels": n, "repeats": len(runs)}
            for key in runs[0]:
                row[key] = round(float(np.mean([run[key] for run in runs])), 4)
            rows.append(row)
    return rows


def learning_curve(
    data: Path,
    sizes: Sequence[int],
    *,
    pooled: bool = True,
    per_event: bool = True,
    min_irrelevant: int = 0,
    repeats: int = 3,
    encoder: Encoder | None = None,
    progress: CurveProgress | None = None,
) -> dict[str, Any]:
    """Per-event rows (and their macro mean) and the pooled rows, as one report;
    ``progress`` follows the draws (see :data:`CurveProgress`)."""
    events = load_events(data)
    report: dict[str, Any] = {"events": {}, "sizes": list(sizes)}
    floor = max(min_irrelevant, 1)  # an event with no irrelevant tweet teaches nothing
    scored = [e for e in events if int((e.labels == 0).sum()) >= floor] if per_event else []
    tweets = sum(len(e.labels) for e in scored) + (
        sum(len(e.labels) for e in events) if pooled else 0
    )
    total = len(sizes) * 2 * repeats * tweets
    done = 0

    def ticker(name: str, weight: int) -> Callable[[], None] | None:
        if progress is None:
            return None

        def drawn() -> None:
            nonlocal done
            done += weight
            progress(done, total, name)

        progress(done, total, name)
        return drawn

    if per_event:
        for event in scored:
            n_irrelevant = int((event.labels == 0).sum())
            rows = evaluate(
                event.texts,
                event.labels,
                sizes,
                repeats=repeats,
                encoder=encoder,
                drawn=ticker(event.name, len(event.labels)),
            )
            report["events"][event.name] = {
                "tweets": len(event.labels),
                "not_relevant": n_irrelevant,
                "rows": rows,
            }
        report["macro"] = _macro([e["rows"] for e in report["events"].values()])
    if pooled:
        texts = [t for e in events for t in e.texts]
        labels = np.concatenate([e.labels for e in events])
        report["pooled"] = {
            "tweets": len(labels),
            "not_relevant": int((labels == 0).sum()),
            "rows": evaluate(
                texts,
                labels,
                sizes,
                repeats=repeats,
                encoder=encoder,
                drawn=ticker("", len(labels)),
            ),
        }
    return report


def _macro(per_event: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Mean over events of each (strategy, N) row."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for rows in per_event:
        for row in rows:
            groups.setdefault((row["strategy"], row["n_labels"]), []).append(row)
    out: list[dict[str, Any]] = []
    for (strategy, n), rows in groups.items():
        merged: dict[str, Any] = {"strategy": strategy, "n_labels": n, "events": len(rows)}
        for key in rows[0]:
            if key.startswith(("rest_", "holdout_")):
                merged[key] = round(float(np.mean([r[key] for r in rows])), 4)
        out.append(merged)
    return out
