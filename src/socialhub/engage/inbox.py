"""What needs a human: mentions that become inbox items, ranked with the reasons why.

An item is a mention of the workspace that is

* in the evidence of an open alert at incident severity ("incident"), or
* by an author on one of the workspace's journalist watchlists ("journalist"), or
* addressed to an official account (``@handle`` in the text, or a reply to one of our
  published posts) AND a complaint (a complaint category or a negative tone) or a
  question ("complaint", "question").

Priority is one explained score: a base per reason, plus reach (followers, log scale),
engagement, a verified author and a negative tone. ``why`` keeps each part as
``[code, value]`` so the page renders it in the reader's language (:mod:`.texts`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialhub.models import Mention, Workspace
from socialhub.records.engage import InboxItem, OfficialAccount

BASE = {"incident": 60.0, "journalist": 50.0, "complaint": 40.0, "question": 30.0}
_QUESTION = re.compile(
    r"\?|^\s*(pourquoi|comment|quand|est-ce que|qui|où|combien|why|how|when|what|where|can)\b",
    re.IGNORECASE,
)
_COMPLAINT_CATEGORIES = ("complaint", "plainte", "reclamation", "réclamation", "outage", "panne")
SCAN_WINDOW = timedelta(hours=48)


@dataclass(slots=True)
class TriageContext:
    """What triage needs to know about the workspace, gathered once per refresh."""

    workspace: Workspace
    accounts: list[OfficialAccount]
    journalist_lists: set[str] = field(default_factory=set)
    incident_mentions: dict[str, str] = field(default_factory=dict)  # mention id -> alert
    our_posts: set[str] = field(default_factory=set)  # mention ids of our published posts


def _addressed(m: Mention, ctx: TriageContext) -> OfficialAccount | None:
    text = m.text.lower()
    for acc in ctx.accounts:
        if acc.platform != m.platform:
            continue
        if re.search(rf"@{re.escape(acc.handle)}\b", text):
            return acc
        if m.reply_to and m.reply_to in ctx.our_posts:
            return acc
    return None


def _complaint(m: Mention) -> bool:
    for cat in m.categories:
        name = str(cat.get("name") or cat.get("category") or "").lower()
        if any(word in name for word in _COMPLAINT_CATEGORIES):
            return True
    return m.sentiment_label == "negative"


def triage(m: Mention, ctx: TriageContext, now: datetime) -> InboxItem | None:
    """The inbox item for ``m``, or None when no human needs to see it."""
    assert ctx.workspace.id is not None
    if m.author is not None and any(
        a.platform == m.platform and a.handle == m.author.handle.lstrip("@").lower()
        for a in ctx.accounts
    ):
        return None  # our own posts never land in our inbox
    account = _addressed(m, ctx)
    journalist = sorted(set(m.watchlists) & ctx.journalist_lists)
    alert = ctx.incident_mentions.get(m.id)
    why: list[list[Any]] = []
    if alert:
        reason = "incident"
        why.append(["incident", alert])
    elif journalist:
        reason = "journalist"
        why.append(["journalist", journalist[0]])
    elif account is not None and _complaint(m):
        reason = "complaint"
        why.append(["complaint", ""])
    elif account is not None and _QUESTION.search(m.text):
        reason = "question"
        why.append(["question", ""])
    else:
        return None
    if account is not None:
        why.append(["addressed", account.label])
    score = BASE[reason]
    followers = m.author.followers if m.author and m.author.followers else 0
    if followers:
        score += 8 * math.log10(followers + 1)
        why.append(["followers", followers])
    if m.author is not None and m.author.verified:
        score += 5
        why.append(["verified", ""])
    total = m.engagement.likes + m.engagement.reposts + m.engagement.replies + m.engagement.quotes
    if total:
        score += 4 * math.log10(total + 1)
        why.append(["engagement", total])
    if m.sentiment_label == "negative" and reason != "complaint":
        score += 10
        why.append(["negative", ""])
    return InboxItem(
        workspace_id=ctx.workspace.id,
        mention_id=m.id,
        platform=m.platform,
        reason=reason,
        posted_at=m.created_at,
        entered_at=now,
        author=(m.author.handle if m.author else "") or "",
        text=m.text[:2000],
        url=m.url,
        account_id=None if account is None else account.id,
        priority=round(score, 2),
        why=why,
    )


def triage_all(mentions: Iterable[Mention], ctx: TriageContext, now: datetime) -> list[InboxItem]:
    return [item for m in mentions if (item := triage(m, ctx, now)) is not None]


def sla_state(item: InboxItem, minutes: int, now: datetime) -> tuple[str, float]:
    """("ok" | "late" | "met" | "missed", minutes left or taken) for the first response."""
    due = item.posted_at + timedelta(minutes=minutes)
    if item.first_response_at is not None:
        taken = (item.first_response_at - item.posted_at).total_seconds() / 60
        return ("met" if item.first_response_at <= due else "missed"), round(taken, 1)
    left = (due - now).total_seconds() / 60
    return ("ok" if left >= 0 else "late"), round(left, 1)
