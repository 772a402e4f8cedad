"""The weekly competitor report: share of voice, engagement compared, notable peaks
(a rival's launch that buzzed or fizzled) and each rival's most engaging posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialhub.models import Mention, Workspace
from socialhub.reports.data import delta, fetch_mentions, figures, hourly, scope_of
from socialhub.reports.digest import base_data, top_posts
from socialhub.reports.moments import peaks
from socialhub.store.base import Store

__all__ = ["build_competitors"]


def _row(label: str, mine: list[Mention], before: list[Mention], scope: Any) -> dict[str, Any]:
    now, prev = figures(mine, scope), figures(before, scope)
    return {
        "label": label,
        "volume": now.volume,
        "volume_delta": delta(now.volume, prev.volume),
        "engagement": now.engagement,
        "engagement_per_post": round(now.engagement / now.volume, 1) if now.volume else 0.0,
        "reach": now.reach,
        "net_sentiment": now.net_sentiment,
        "authors": now.authors,
    }


def build_competitors(
    store: Store,
    ws: Workspace,
    start: datetime,
    end: datetime,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Brand vs competitors for ``start <= created_at < end`` (a week when scheduled)."""
    options = dict(options or {})
    assert ws.id is not None
    span = end - start
    current, cut_now = fetch_mentions(store.mentions, ws.id, start, end)
    previous, cut_before = fetch_mentions(store.mentions, ws.id, start - span, start)
    scope = scope_of(
        store.workspaces.list_queries(ws.id), store.workspaces.list_watchlists(ws.id), options
    )
    brand_label = scope.brand_name or ws.name.split("—")[0].strip()
    sides = {brand_label: scope.brand, **scope.competitors}
    data = base_data("competitors", ws, start, end, options)
    data["period"]["previous_start"] = (start - span).isoformat()
    data["truncated"] = cut_now or cut_before
    data["brand"] = brand_label
    step = timedelta(days=1) if span > timedelta(days=3) else timedelta(hours=1)
    zone = ZoneInfo(ws.timezone)
    fmt = "%d/%m" if step >= timedelta(days=1) else "%Hh"
    n = len(hourly([], start, end, step))
    data["labels"] = [(start + i * step).astimezone(zone).strftime(fmt) for i in range(n)]
    rows, series, moments = [], {}, []
    for label, ids in sides.items():
        mine = [m for m in current if set(m.query_ids) & ids]
        before = [m for m in previous if set(m.query_ids) & ids]
        rows.append(_row(label, mine, before, scope))
        series[label] = hourly(mine, start, end, step)
        for moment in peaks(
            mine, before, start, end, timedelta(hours=6), ref_span=span, min_count=8, limit=2
        ):
            moments.append({"competitor": label, **moment})
        rows[-1]["top_posts"] = top_posts(mine, 2)
    total = sum(r["volume"] for r in rows)
    total_before = sum(
        figures([m for m in previous if set(m.query_ids) & ids], scope).volume
        for ids in sides.values()
    )
    for r, ids in zip(rows, sides.values(), strict=True):
        before_n = figures([m for m in previous if set(m.query_ids) & ids], scope).volume
        r["share"] = round(100 * r["volume"] / total, 1) if total else None
        prev_share = 100 * before_n / total_before if total_before else None
        r["share_delta"] = (
            None if r["share"] is None or prev_share is None else round(r["share"] - prev_share, 1)
        )
    data["rows"] = rows
    data["series"] = series
    moments.sort(key=lambda x: -x["count"])
    data["moments"] = moments
    return data
