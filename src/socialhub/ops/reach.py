"""What reaches people on the demo simulator (issue 14, item 3): alerts and incidents
told in the app or by email, per workspace and day, scored against the scripted episodes.

:func:`simulated_stream` builds the demo stream over some simulated days, routed to the
queries and watchlists of ``examples/telecom.toml`` and lightly enriched (places, fast
sentiment; categories off, so complaints use their keyword fallback), as
``bench/bench_detectors.py`` does. :func:`replay` applies the same configuration to a
store and runs the live :class:`~socialhub.analytics.service.DetectorService` over it
(detectors, watchlist triggers with each list's ``notify``, story engine, alert manager,
router, incident desk), ticking on the stream clock. :func:`reach_report` counts:

* an **alert reaching people**: one with a notifying event (opened, escalated,
  reopened) that its routes sent somewhere (in-app always, email from the router's
  severity), counted once per day it notified (in every workspace when it has none);
  an **incident** once, on the day it opened;
* **true**: an alert about an episode (first signal from the episode's start to an hour
  after its end, and keyed on the episode's query or workspace, or most of its evidence
  posts the episode's own); an incident is true when one of its alerts is;
* **recall**: share of episodes with a true alert reaching people; **precision**: true
  items / items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from socialhub.models import Mention
from socialhub.records.alerts import NOTIFY_EVENTS, Alert
from socialhub.store.base import Store

GRACE = timedelta(hours=1)
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "telecom.toml"  # a checkout
_PASSWORDS = {
    f"SOCIALHUB_PASSWORD_{n}": "demo-password-1234"
    for n in ("ALICE", "BRUNO", "CHLOE", "DAVID", "FARID")
}


def simulated_stream(
    days: float, rate: float = 20.0, seed: int = 42, config: Path = EXAMPLES
) -> tuple[list[Mention], dict[str, Any]]:
    """The demo stream, routed and lightly enriched, and its ground truth."""
    from socialhub.config import load_config
    from socialhub.demo import Simulator
    from socialhub.enrichers.routing import author_lists, watchlist_index
    from socialhub.models import Watchlist
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.chain import Pipeline
    from socialhub.query import parse
    from socialhub.query.matcher import Matcher

    # the configuration's queries (ids from 1 in file order, as `socialhub apply` gives
    # them on an empty store) and watchlists, applied as the hub's routing stage does
    cfg = load_config(config)
    queries: list[tuple[int, int, Any]] = []
    watchlists: list[Watchlist] = []
    names: dict[int, str] = {}
    workspaces: dict[int, int] = {}
    for wi, ws in enumerate(cfg.workspaces, start=1):
        for q in ws.queries:
            qid = len(names) + 1
            queries.append((qid, wi, parse(q.definition)))
            names[qid], workspaces[qid] = q.name, wi
        watchlists += [Watchlist(wi, w.name, w.list_type, members=list(w.members))
                       for w in ws.watchlists]  # fmt: skip
    lists, authors = watchlist_index(watchlists)
    matcher = Matcher(queries, watchlists=lists)
    sim = Simulator(seed=seed, rate_per_minute=rate)
    mentions = list(sim.until(sim.start + timedelta(days=days)))
    pipe = Pipeline.from_settings(
        Context(None, {"sentiment_mode": "fast"}), {"places": 750, "sentiment": 800}
    )
    for i in range(0, len(mentions), 2000):
        pipe.process(mentions[i : i + 2000])
    for m in mentions:
        m.query_ids = m.query_ids or matcher.match(m)
        if m.author is not None and not m.watchlists:
            m.watchlists = author_lists(m, authors, workspaces)
    return mentions, {
        "truth": sim.ground_truth(),
        "start": sim.start,
        "names": names,
        "workspaces": workspaces,
    }


def replay(
    store: Store,
    mentions: Sequence[Mention],
    *,
    config: Path = EXAMPLES,
    detect: Mapping[str, Any] | None = None,
    batch: int = 500,
    after: Callable[[Any, datetime], None] | None = None,
) -> Any:
    """Apply ``config`` to the (empty) store and run the detector service over
    ``mentions`` in batches, ticking on the stream clock; ``after(service, t)`` is
    called after each batch. Returns the service."""
    from socialhub.analytics.service import DetectorService
    from socialhub.config import apply_config, load_config

    apply_config(load_config(config), store, env=_PASSWORDS)
    service = DetectorService(None, store, {"stories": {}, **dict(detect or {})})  # type: ignore[arg-type]
    for i in range(0, len(mentions), batch):
        chunk = mentions[i : i + batch]
        service.handle(chunk)
        service.tick(chunk[-1].created_at)
        if after is not None:
            after(service, chunk[-1].created_at)
    return service


def _about(alert: Alert, ep: Mapping[str, Any], qids: set[int], labels: Mapping[str, str]) -> bool:
    start = datetime.fromisoformat(ep["start"])
    end = datetime.fromisoformat(ep["end"]) + GRACE
    if not start <= alert.first_t <= end:
        return False
    ev = [labels.get(mid) for mid in alert.evidence]
    if alert.detector == "watchlist":
        return bool(ev) and all(e == ep["name"] for e in ev)
    if alert.query_id is not None and alert.query_id in qids:
        return True
    return bool(ev) and sum(1 for e in ev if e == ep["name"]) * 2 > len(ev)


def reach_report(store: Store, meta: Mapping[str, Any], days: float) -> dict[str, Any]:
    """Items reaching people per workspace and day, recall and precision (module doc)."""
    truth, names, workspaces = meta["truth"], meta["names"], meta["workspaces"]
    start: datetime = meta["start"]
    labels = {mid: ep["name"] for ep in truth["episodes"] for mid in ep["mention_ids"]}
    eps = [(ep, {q for q, n in names.items() if n == ep["query"]}) for ep in truth["episodes"]]
    per_day: Counter[tuple[int, int]] = Counter()
    true_items = items = 0
    caught: set[str] = set()
    caught_by: dict[str, list[str]] = {}
    truth_of: dict[int, bool] = {}
    hits_of: dict[int, list[str]] = {}
    by_detector: Counter[str] = Counter()
    false_examples: list[str] = []
    sent = {d.alert_id for d in store.alerts.list_deliveries(limit=1_000_000)}
    all_spaces = sorted(set(workspaces.values()))
    for alert in store.alerts.list_alerts(state=None, limit=1_000_000):
        assert alert.id is not None
        hits = [ep["name"] for ep, q in eps if _about(alert, ep, q, labels)]
        truth_of[alert.id] = bool(hits)
        hits_of[alert.id] = hits
        if alert.id not in sent:
            continue
        caught.update(hits)
        for name in hits:
            caught_by.setdefault(name, []).append(f"{alert.detector}: {alert.title[:70]}")
        days_told = {
            int((e.t - start) / timedelta(days=1))
            for e in store.alerts.list_alert_events(alert.id)
            if e.kind in NOTIFY_EVENTS
        }
        # an alert of no workspace is counted in every workspace (it reaches them all)
        spaces = [alert.workspace_id] if alert.workspace_id is not None else all_spaces
        for day in days_told:
            for ws in spaces:
                per_day[(int(ws), day)] += 1
        items += len(days_told)
        true_items += len(days_told) if hits else 0
        by_detector[alert.detector] += len(days_told)
        if not hits and len(false_examples) < 12:
            false_examples.append(f"{alert.first_t:%d %H:%M} {alert.detector} {alert.title}")
    incidents = store.incidents.list_incidents(limit=10_000)
    for inc in incidents:
        assert inc.id is not None
        day = int((inc.opened_at - start) / timedelta(days=1))
        per_day[(inc.workspace_id, day)] += 1
        items += 1
        grouped = store.incidents.alert_ids(inc.id)
        true_items += any(truth_of.get(a, False) for a in grouped)
        # the alerts an incident groups reach people through it (told once, not each)
        for a in grouped:
            caught.update(hits_of.get(a, []))
    spaces = sorted(set(workspaces.values()))
    n_days = max(1, round(days))
    table = {str(ws): [per_day.get((ws, d), 0) for d in range(n_days)] for ws in spaces}
    episodes = [ep["name"] for ep, _ in eps if ep["mention_ids"]]
    return {
        "days": days,
        "per_workspace_day": table,
        "max_per_workspace_day": max((max(v) for v in table.values()), default=0),
        "items": items,
        "incidents": len(incidents),
        "by_detector": dict(by_detector),
        "precision": round(true_items / items, 3) if items else None,
        "recall": round(sum(1 for e in episodes if e in caught) / len(episodes), 3)
        if episodes
        else None,
        "missed": sorted(set(episodes) - caught),
        "caught_by": {name: found[:4] for name, found in sorted(caught_by.items())},
        "false_examples": false_examples,
    }


__all__ = ["EXAMPLES", "reach_report", "replay", "simulated_stream"]
