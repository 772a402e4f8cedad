"""The press digest: key figures against the previous period, what journalists, MPs
and partners talked about, top posts about the brand and its executives, the
period's alerts and the competitors' notable moments.

:func:`build_digest` returns plain JSON-able data; :mod:`socialhub.reports.render`
turns it into the email and the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialhub.alerts.official import organisation_handles
from socialhub.i18n import normalise_locale
from socialhub.models import Mention, Workspace
from socialhub.reports.briefing import essentials, journalists_by_story, press_opportunities
from socialhub.reports.data import (
    Scope,
    delta,
    fetch_mentions,
    figures,
    hourly,
    is_own_voice,
    scope_of,
)
from socialhub.reports.moments import peaks
from socialhub.reports.topics import example, group_topics
from socialhub.store.base import AlertStore, Store

__all__ = [
    "GROUPS",
    "alerts_of",
    "base_data",
    "build_digest",
    "incidents_of",
    "report_lang",
    "top_posts",
]

# Watchlist types with a "what they talk about" section, in order.
GROUPS = ("journalist", "mp", "partner")
TOP_POSTS = 3


def base_data(
    kind: str, ws: Workspace, start: datetime, end: datetime, options: dict[str, Any]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "lang": report_lang(ws, options),
        "workspace": {"id": ws.id, "slug": ws.slug, "name": ws.name, "timezone": ws.timezone},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
    }


def report_lang(ws: Workspace, options: dict[str, Any]) -> str:
    """The report's language: the schedule's ``lang`` option, else the workspace's."""
    return normalise_locale(str(options.get("lang") or ws.locale or "fr"))


def _step(span: timedelta) -> timedelta:
    if span <= timedelta(hours=36):
        return timedelta(hours=1)
    if span <= timedelta(days=10):
        return timedelta(hours=6)
    return timedelta(days=1)


def volume_chart(
    current: Sequence[Mention],
    previous: Sequence[Mention],
    start: datetime,
    end: datetime,
    tz: str,
) -> dict[str, Any]:
    """Volume per bucket now and over the previous period (aligned bucket by bucket)."""
    span = end - start
    step = _step(span)
    zone = ZoneInfo(tz)
    now = hourly(current, start, end, step)
    before = hourly(previous, start - span, start, step)
    fmt = "%Hh" if step < timedelta(days=1) else "%d/%m"
    labels = [(start + i * step).astimezone(zone).strftime(fmt) for i in range(len(now))]
    return {
        "current": now,
        "previous": before,
        "labels": labels,
        "step_hours": step / timedelta(hours=1),
    }


def top_posts(mentions: Sequence[Mention], n: int = TOP_POSTS) -> list[dict[str, Any]]:
    """The most engaging posts (then the widest-reaching authors); reposts left out."""
    originals = [m for m in mentions if m.kind != "repost" and not m.repost_of]
    ranked = sorted(
        originals,
        key=lambda m: (m.engagement.total(), m.author.followers if m.author else 0, m.id),
        reverse=True,
    )
    return [example(m) for m in ranked[:n]]


def _about_executives(m: Mention, scope: Scope) -> bool:
    if scope.member("executive", m) is not None:
        return True
    names = {name for name, _, _ in scope.members.get("executive", {}).values()}
    return any(e.get("type") in ("person", "PER") and e.get("id") in names for e in m.entities)


ALERT_FLOOR = 7  # the digest lists alerts of at least this (peak) severity


def alerts_of(
    alerts: AlertStore, ws_id: int, start: datetime, end: datetime, min_severity: int = ALERT_FLOOR
) -> list[dict[str, Any]]:
    """Alerts whose activity overlaps the period (queried by period: a digest rebuilt
    later lists the same ones), severity ``min_severity`` or more, most important first."""
    out = []
    found = alerts.list_alerts(
        workspace_id=ws_id, since=start, until=end, min_severity=min_severity,
        order="importance", limit=10_000,
    )  # fmt: skip
    for a in found:
        out.append(
            {
                "id": a.id,
                "title": a.title,
                "state": a.state,
                "severity": a.severity,
                "peak_severity": a.peak_severity,
                "detector": a.detector,
                "first_t": a.first_t.isoformat(),
                "last_t": a.last_t.isoformat(),
                "observed": a.observed,
                "baseline": a.baseline,
                "acknowledged_by": a.acknowledged_by,
                "resolved_by": a.resolved_by,
                "importance": a.importance,
                # stored as English sentences: localised when rendered (reports.reasons)
                "explanation": list((a.extra or {}).get("explanation") or []),
            }
        )
    return out


def incidents_of(store: Store, ws_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Incidents open at some point of the period (opened before its end, not closed
    before its start), most severe first: by period, so a rebuilt digest lists the same."""
    found = store.incidents.list_incidents(ws_id, order="severity", limit=10_000)
    out = []
    for inc in found:
        if inc.opened_at >= end or (inc.closed_at is not None and inc.closed_at < start):
            continue
        out.append(
            {
                "id": inc.id,
                "title": inc.title,
                "status": inc.status,
                "severity": inc.severity,
                "owner": inc.owner,
                "opened_at": inc.opened_at.isoformat(),
                "closed_at": inc.closed_at.isoformat() if inc.closed_at else None,
            }
        )
    return out


def key_figures(
    current: Sequence[Mention],
    previous: Sequence[Mention],
    scope: Scope,
    own: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Figures now and over the previous period; the sentiment is that of the relevant
    posts about the brand, the brand's own voice (``own`` handles) left out."""
    about = scope.brand or None
    now = figures(current, scope, about=about, own=own)
    before = figures(previous, scope, about=about, own=own)
    return {
        "current": now.as_dict(),
        "previous": before.as_dict(),
        "deltas": {
            "volume": delta(now.volume, before.volume),
            "reach": delta(now.reach, before.reach),
            "engagement": delta(now.engagement, before.engagement),
            # points, not percent: a net sentiment or a share moves in points
            "net_sentiment": None
            if now.net_sentiment is None or before.net_sentiment is None
            else round(now.net_sentiment - before.net_sentiment, 1),
            "share_of_voice": None
            if now.share_of_voice is None or before.share_of_voice is None
            else round(now.share_of_voice - before.share_of_voice, 1),
        },
    }


def _story_importance(
    store: Store, ws_id: int, current: Sequence[Mention], scope: Scope
) -> dict[str, float]:
    """Mention id → importance of its story, for the listed journalists' posts."""
    ids = [m.id for m in current if scope.member("journalist", m) is not None]
    story_of = store.stories.stories_of(ws_id, ids) if ids else {}
    scores: dict[int, float] = {}
    for sid in set(story_of.values()):
        rec = store.stories.get(ws_id, sid)
        scores[sid] = rec.importance if rec is not None else 0.0
    return {mid: scores[sid] for mid, sid in story_of.items()}


def build_digest(
    store: Store,
    ws: Workspace,
    start: datetime,
    end: datetime,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The digest of ``ws`` for ``start <= created_at < end``."""
    options = dict(options or {})
    assert ws.id is not None
    span = end - start
    current, cut_now = fetch_mentions(store.mentions, ws.id, start, end)
    previous, cut_before = fetch_mentions(store.mentions, ws.id, start - span, start)
    # a list whose notify is "never" stays out of the digest too (issue 14)
    lists = [w for w in store.workspaces.list_watchlists(ws.id) if w.notify != "never"]
    scope = scope_of(store.workspaces.list_queries(ws.id), lists, options)
    data = base_data("digest", ws, start, end, options)
    data["period"]["previous_start"] = (start - span).isoformat()
    data["truncated"] = cut_now or cut_before
    own = organisation_handles(
        store.engage.list_accounts(), store.workspaces.get_workspace_settings(ws.id)
    )
    data["figures"] = key_figures(current, previous, scope, own)
    data["charts"] = {"volume": volume_chart(current, previous, start, end, ws.timezone)}
    settings = store.workspaces.get_workspace_settings(ws.id)
    now = data["figures"]["current"]["sentiment"]
    usual = {k: int(now[k]) for k in ("positive", "neutral", "negative")}
    data["essentials"] = essentials(store, ws, start, end, scope, usual=usual)
    data["press_opportunities"] = press_opportunities(
        current, scope, settings, _story_importance(store, ws.id, current, scope)
    )
    data["journalists"] = journalists_by_story(store, ws, current, scope)
    groups = []
    for list_type in GROUPS:
        if list_type == "journalist" or not scope.members.get(list_type):
            continue

        def who(m: Mention, lt: str = list_type) -> tuple[str, str, str] | None:
            return scope.member(lt, m)

        people, across = group_topics(current, who, workspace_id=ws.id)
        groups.append(
            {
                "list_type": list_type,
                "people": [p.as_dict() for p in people],
                "topics": [t.as_dict() for t in across],
            }
        )
    data["groups"] = groups
    # posts *about* the brand: our own accounts' statements are not what people say
    brand = [m for m in current if set(m.query_ids) & scope.brand and not is_own_voice(m, own)]
    data["top_posts"] = {
        "brand": top_posts(brand),
        "executives": top_posts([m for m in current if _about_executives(m, scope)]),
    }
    data["alerts"] = alerts_of(store.alerts, ws.id, start, end)
    data["incidents"] = incidents_of(store, ws.id, start, end)
    step = _step(span)
    moments = []
    for label, ids in scope.competitors.items():
        theirs = [m for m in current if set(m.query_ids) & ids]
        before = [m for m in previous if set(m.query_ids) & ids]
        for moment in peaks(theirs, before, start, end, step, ref_span=span, limit=2):
            moments.append({"competitor": label, **moment})
    moments.sort(key=lambda x: -x["count"])
    data["competitor_moments"] = moments
    return data
