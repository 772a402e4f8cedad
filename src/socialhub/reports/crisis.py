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
from socialhub.alerts.titles import localise_title
from socialhub.models import Mention, Workspace, utcnow
from socialhub.records.alerts import Alert
from socialhub.records.incidents import SYSTEM, Incident
from socialhub.reports.data import Scope, fetch_mentions, hourly, scope_of
from socialhub.reports.digest import base_data, top_posts
from socialhub.reports.topics import example
from socialhub.store.base import Store
from socialhub.text import norm_handle

__all__ = ["build_crisis", "build_crisis_incident", "crisis_window"]

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
    """The crisis report of one alert (its stories, its window, its audit events)."""
    assert ws.id is not None
    w_start, w_end = crisis_window(alert)
    evidence = set(alert.evidence)
    in_story = store.stories.stories_of(ws.id, list(evidence)) if evidence else {}
    story_ids = [sid for sid, _ in Counter(in_story.values()).most_common(3)]
    events = store.alerts.list_alert_events(alert.id) if alert.id is not None else []
    head = {
        "id": alert.id,
        "title": localise_title(alert.detector, alert.title),
        "state": alert.state,
        "severity": alert.severity,
        "peak_severity": alert.peak_severity,
        "detector": alert.detector,
        "first_t": alert.first_t.isoformat(),
        "last_t": alert.last_t.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "resolution": alert.resolution,
    }
    return _crisis(
        store, ws, head, options, start or w_start, end or w_end,
        evidence=evidence, story_ids=story_ids, query_ids={alert.query_id} - {None},
        # people's actions, and the opening and closing: not the system's merges
        events=[(e.t, e.kind, e.actor, dict(e.details)) for e in events
                if e.actor != SYSTEM or e.kind in ("opened", "resolved", "escalated")],
        recorded=Provenance.from_dict(alert.provenance) if alert.provenance else None,
    )  # fmt: skip


def build_crisis_incident(
    store: Store,
    ws: Workspace,
    incident: Incident,
    options: dict[str, Any] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The crisis report of an incident (``store.incidents``): its stories and alerts,
    from 2 h before the first of them to its closing, with its timeline (people's
    actions named)."""
    assert ws.id is not None and incident.id is not None
    alerts = [a for a in map(store.alerts.get_alert, store.incidents.alert_ids(incident.id)) if a]
    story_ids = store.incidents.story_ids(incident.id)
    firsts = [a.first_t for a in alerts] + [incident.opened_at]
    for sid in story_ids:
        rec = store.stories.get(ws.id, sid)
        if rec is not None:
            firsts.append(rec.first_seen)
    w_start = min(firsts) - LEAD
    w_end = incident.closed_at or now or utcnow()
    w_end = max([w_end, *(a.last_t + TAIL for a in alerts)])
    evidence: set[str] = set()
    for a in alerts:
        evidence.update(a.evidence)
    if not story_ids and evidence:
        in_story = store.stories.stories_of(ws.id, list(evidence))
        story_ids = [sid for sid, _ in Counter(in_story.values()).most_common(3)]
    events = [
        (e.t, e.kind, e.actor, dict(e.details)) for e in store.incidents.timeline(incident.id)
    ]
    for a in alerts:
        if a.id is not None:
            events += [
                (e.t, e.kind, e.actor, dict(e.details))
                for e in store.alerts.list_alert_events(a.id)
                if e.actor and e.actor != SYSTEM  # people's actions on its alerts
            ]
    head = {
        "id": incident.id,
        "incident_id": incident.id,
        "title": incident.title,
        "state": incident.status,
        "severity": incident.severity,
        "peak_severity": incident.severity,
        "detector": incident.category,
        "owner": incident.owner,
        "first_t": incident.opened_at.isoformat(),
        "last_t": (incident.closed_at or w_end).isoformat(),
        "resolved_at": incident.closed_at.isoformat() if incident.closed_at else None,
        "resolution": None,
        # step texts as stored (built-in ones are message ids, translated when shown)
        "playbook": incident.playbook,
        "steps": [st.to_dict() for st in incident.steps],
    }
    return _crisis(
        store, ws, head, options, start or w_start, end or w_end,
        evidence=evidence, story_ids=story_ids,
        query_ids={a.query_id for a in alerts if a.query_id is not None},
        events=events, recorded=None,
    )  # fmt: skip


def _crisis(
    store: Store,
    ws: Workspace,
    head: dict[str, Any],
    options: dict[str, Any] | None,
    start: datetime,
    end: datetime,
    *,
    evidence: set[str],
    story_ids: list[int],
    query_ids: set[int | None],
    events: list[tuple[datetime, str, str, dict[str, Any]]],
    recorded: Provenance | None,
) -> dict[str, Any]:
    options = dict(options or {})
    assert ws.id is not None
    everything, cut = fetch_mentions(store.mentions, ws.id, start, end)
    # the stories give the crisis's posts and its first post (patient zero: the story's
    # first relevant post, not the first query match of the window)
    members: set[str] = set()
    first_ids: list[str] = []
    for sid in story_ids:
        members.update(store.stories.member_ids(ws.id, sid))
        rec = store.stories.get(ws.id, sid)
        if rec is not None:
            first_ids.append(rec.first_mention_id)
    if members:
        story = [m for m in everything if m.id in members or m.id in evidence]
    elif query_ids:
        story = [m for m in everything if set(m.query_ids) & query_ids or m.id in evidence]
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
    data["alert"] = head
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
    zero = [m for m in map(store.mentions.get_mention, first_ids) if m is not None]
    if zero or story:
        first = (
            min(zero, key=lambda m: (m.created_at, m.id))
            if zero
            else (next((m for m in story if m.kind != "repost"), story[0]))
        )
        timeline.append({"t": first.created_at.isoformat(), "what": "first_post",
                         "detail": example(first)})  # fmt: skip
        peak = max(range(len(volume)), key=lambda i: volume[i])
        timeline.append({"t": (start + peak * step).isoformat(), "what": "peak",
                         "detail": {"count": volume[peak]}})  # fmt: skip
    for t, kind, actor, details in events:
        timeline.append({"t": t.isoformat(), "what": kind, "human": actor != SYSTEM,
                         "detail": {**details, "actor": actor}})  # fmt: skip
    timeline.sort(key=lambda e: e["t"])
    data["timeline"] = timeline
    # the provenance recorded with the alert is what the crisis cell saw at the time
    prov = recorded or provenance(story)
    data["provenance"] = prov.to_dict()
    answered = [m for m in everything if _official(m, scope, own)]
    answered.sort(key=lambda m: (m.created_at, m.id))
    data["answers"] = [example(m) for m in answered[:10]]
    data["top_posts"] = top_posts(story)
    data["places"] = places_of(story)
    data["volume_total"] = len(story)
    return data
