"""Did we answer, and how fast: first-response time and answered share.

Per workspace, per official account (the one that answered, else the one addressed)
and per person (who drafted the first answer, else to whom the item is assigned).
Items count in the period they were posted in; "answered" means a reply went out
(closing without answering does not).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socialhub.records.engage import InboxItem
from socialhub.store.base import EngageStore


@dataclass(frozen=True, slots=True)
class Measure:
    items: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None
    within_sla: int

    @property
    def answered_share(self) -> float:
        return self.answered / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "answered": self.answered,
            "answered_share": round(self.answered_share, 3),
            "median_first_response_minutes": self.median_minutes,
            "p90_first_response_minutes": self.p90_minutes,
            "within_sla": self.within_sla,
        }


def _measure(items: list[InboxItem], sla_minutes: int) -> Measure:
    times = sorted(
        (i.first_response_at - i.posted_at).total_seconds() / 60
        for i in items
        if i.first_response_at is not None
    )
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))] if times else None
    return Measure(
        len(items),
        len(times),
        round(statistics.median(times), 1) if times else None,
        None if p90 is None else round(p90, 1),
        sum(1 for t in times if t <= sla_minutes),
    )


def engagement_measures(
    repo: EngageStore, workspace_id: int, since: datetime, until: datetime, sla_minutes: int
) -> dict[str, Any]:
    """``{"workspace": {...}, "accounts": {label: {...}}, "people": {name: {...}}}``."""
    items = [
        i for i in repo.list_items(workspace_id, limit=100_000) if since <= i.posted_at < until
    ]
    published = repo.list_drafts(workspace_id, ("published",), limit=100_000)
    answered_from: dict[int, int] = {}
    for d in sorted(published, key=lambda d: d.published_at or d.created_at):
        if d.item_id is not None:
            answered_from.setdefault(d.item_id, d.account_id)
    labels = {a.id: a.label for a in repo.list_accounts(active_only=False)}
    by_account: dict[str, list[InboxItem]] = defaultdict(list)
    by_person: dict[str, list[InboxItem]] = defaultdict(list)
    for item in items:
        acc = answered_from.get(item.id or 0, item.account_id)
        by_account[labels.get(acc, "—") if acc is not None else "—"].append(item)
        person = item.answered_by or item.assignee  # who answered, else whose it is
        if person:
            by_person[person].append(item)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "sla_minutes": sla_minutes,
        "workspace": _measure(items, sla_minutes).to_dict(),
        "accounts": {k: _measure(v, sla_minutes).to_dict() for k, v in sorted(by_account.items())},
        "people": {k: _measure(v, sla_minutes).to_dict() for k, v in sorted(by_person.items())},
    }
