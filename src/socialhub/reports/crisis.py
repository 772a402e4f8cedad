"""The crisis report of an alert: timeline from the first post to the resolution,
volume and sentiment curves, provenance (who started it, who amplified it, possible
coordination) and what the brand answered (its official and executive accounts' posts
in the window, and the alert's recorded actions).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from socialhub.alerts.official import organisation_handles
from socialhub.alerts.provenance import Provenance, provenance
from socialhub.models import Mention, Workspace, utcnow
from socialhub.records.alerts import Alert
from socialhub.reports.data import Scope, fetch_mentions, hourly, scope_of
from socialhub.reports.digest import base_data, top_posts
from socialhub.reports.topics import example
from socialhub.store.base import Store
from socialhub.text import norm_handle

__all__ = ["build_crisis", "crisis_window"]

LEAD = timedelta(hours=2)  # read this much before the first signal: the first posts
TAIL = timedelta(hours=2)


def crisis_window(alert: Alert, now: datetime | None = None) -> tuple[datetime, datetime]:
    end = alert.resolved_at if alert.resolved_at is not None else (now or utcnow())
    return alert.first_t - LEAD, max(end, alert.last_t + TAIL)


def _official(m: Mention, scope: Scope, own: frozenset[str]) -> bool:
    """Posted by an executive or one of the organisation's official accounts."""
    if scope.member("executive", m) is not None:
        return True
    return m.author is not None and norm_handle(m.author.handle) in own


def places_of(story: list[Mention]) -> list[dict[str, Any]]:
    """Posts by place (the places named in the posts, then the authors'), most first."""
    counts: Counter[tuple[str, str]] = Counter()
    for m in story:
        for p in m.places[:1]:
            if isinstance(p, dict) and p.get("name"):
                counts[(str(p["name"]), str(p.get("admin1", "")))] += 1
    return [{"name": n, "region": r, "posts": c} for (n, r), c in counts.most_common(12)]


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
    # the alert's stories: the stories its evidence belongs to (the story engine's
    # grouping), so the first post is the story's first relevant post, not the first
    # query match of the window
    in_story = store.stories.stories_of(ws.id, list(evidence)) if evidence else {}
    story_ids = {sid for sid, _ in Counter(in_story.values()).most_common(3)}
    members: set[str] = set()
    for sid in story_ids:
        members.update(store.stories.member_ids(ws.id, sid))
    if members:
        story = [m for m in everything if m.id in members or m.id in evidence]
    elif alert.query_id is not None:
        story = [m for m in everything if alert.query_id in m.query_ids or m.id in evidence]
    else:
        story = [m for m in everything if m.id in evidence]
    story.sort(key=lambda m: (m.created_at, m.id))
    watchlists = store.workspaces.list_watchlists(ws.id)
    scope = scope_of(store.workspaces.list_queries(ws.id), watchlists, options)
    # the brand's accounts, declared once for the organisation ([[official_account]])
    own = organisation_handles(
        store.engage.list_accounts(), store.workspaces.get_workspace_settings(ws.id)
    )
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
    answered = [m for m in everything if _official(m, scope, own)]
    answered.sort(key=lambda m: (m.created_at, m.id))
    data["answers"] = [example(m) for m in answered[:10]]
    data["top_posts"] = top_posts(story)
    data["places"] = places_of(story)
    data["volume_total"] = len(story)
    return data
