"""The crisis report of an alert: timeline from the first post to the resolution,
volume and sentiment curves, provenance (who started it, who amplified it, possible
coordination) and what the brand answered (its official and executive accounts' posts
in the window, and the alert's recorded actions).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from socialhub.alerts.provenance import Provenance, provenance
from socialhub.models import Mention, Workspace, utcnow
from socialhub.records.alerts import Alert
from socialhub.reports.data import Scope, fetch_mentions, hourly, scope_of
from socialhub.reports.digest import base_data, top_posts
from socialhub.reports.topics import example
from socialhub.store.base import Store

__all__ = ["build_crisis", "crisis_window"]

LEAD = timedelta(hours=2)  # read this much before the first signal: the first posts
TAIL = timedelta(hours=2)
_OFFICIAL_WORDS = ("officiel", "official")


def crisis_window(alert: Alert, now: datetime | None = None) -> tuple[datetime, datetime]:
    end = alert.resolved_at if alert.resolved_at is not None else (now or utcnow())
    return alert.first_t - LEAD, max(end, alert.last_t + TAIL)


def _official(m: Mention, scope: Scope, official_lists: set[str]) -> bool:
    """Posted by an executive or an account of an "official accounts" watchlist."""
    if scope.member("executive", m) is not None:
        return True
    for list_type in scope.members:
        found = scope.member(list_type, m)
        if found is not None and found[1] in official_lists:
            return True
    return False


def build_crisis(
    store: Store,
    ws: Workspace,
    alert: Alert,
    options: dict[str, Any] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    options = dict(options or {})
    assert ws.id is not None
    w_start, w_end = crisis_window(alert)
    start, end = start or w_start, end or w_end
    everything, cut = fetch_mentions(store.mentions, ws.id, start, end)
    evidence = set(alert.evidence)
    if alert.query_id is not None:
        story = [m for m in everything if alert.query_id in m.query_ids or m.id in evidence]
    else:
        story = [m for m in everything if m.id in evidence]
    story.sort(key=lambda m: (m.created_at, m.id))
    watchlists = store.workspaces.list_watchlists(ws.id)
    scope = scope_of(store.workspaces.list_queries(ws.id), watchlists, options)
    official_lists = {
        wl.name for wl in watchlists if any(w in wl.name.lower() for w in _OFFICIAL_WORDS)
    } | set(options.get("official_lists", []))
    data = base_data("crisis", ws, start, end, options)
    data["truncated"] = cut
    data["alert"] = {
        "id": alert.id,
        "title": alert.title,
        "state": alert.state,
        "severity": alert.severity,
        "peak_severity": alert.peak_severity,
        "detector": alert.detector,
        "first_t": alert.first_t.isoformat(),
        "last_t": alert.last_t.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "resolution": alert.resolution,
    }
    step = timedelta(hours=1) if end - start > timedelta(hours=6) else timedelta(minutes=15)
    volume = hourly(story, start, end, step)
    negative = hourly([m for m in story if m.sentiment_label == "negative"], start, end, step)
    data["curves"] = {
        "step_minutes": step / timedelta(minutes=1),
        "volume": volume,
        "negative_share": [
            round(100 * n / v, 1) if v else 0.0 for n, v in zip(negative, volume, strict=True)
        ],
        "labels": [(start + i * step).isoformat() for i in range(len(volume))],
    }
    timeline: list[dict[str, Any]] = []
    if story:
        first = next((m for m in story if m.kind != "repost"), story[0])
        timeline.append({"t": first.created_at.isoformat(), "what": "first_post",
                         "detail": example(first)})  # fmt: skip
        peak = max(range(len(volume)), key=lambda i: volume[i])
        timeline.append({"t": (start + peak * step).isoformat(), "what": "peak",
                         "detail": {"count": volume[peak]}})  # fmt: skip
    if alert.id is not None:
        for event in store.alerts.list_alert_events(alert.id):
            timeline.append({"t": event.t.isoformat(), "what": event.kind,
                             "detail": {"actor": event.actor, **event.details}})  # fmt: skip
    timeline.sort(key=lambda e: e["t"])
    data["timeline"] = timeline
    # the provenance recorded with the alert is what the crisis cell saw at the time
    prov = Provenance.from_dict(alert.provenance) if alert.provenance else provenance(story)
    data["provenance"] = prov.to_dict()
    answered = [m for m in everything if _official(m, scope, official_lists)]
    answered.sort(key=lambda m: (m.created_at, m.id))
    data["answers"] = [example(m) for m in answered[:10]]
    data["top_posts"] = top_posts(story)
    data["volume_total"] = len(story)
    return data
