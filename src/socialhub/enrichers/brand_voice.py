"""The ``voice`` pipeline stage: the brand's own posts and repeated templates are not opinions.

An operator's support account answering "your private message is no longer
available, please write to us again" 600 times is neither 600 complaints nor 600
negative posts. Two cases, both marked with one category per mention so every view
and detector can tell them apart (``name`` :data:`~socialhub.models.BRAND_VOICE`):

1. **Official accounts** — the author's handle is one of the organisation's declared
   accounts (``[[official_account]]``) or of the workspace's own ones (the
   ``official_accounts`` setting and ``@`` aliases of its brand entities; see
   :func:`socialhub.records.official.official_handles`). ``reason`` is ``"official"``.
2. **Templates** — an author who has posted at least ``voice_template_min`` (default
   3) near-duplicates of one text (the same near-duplicate cluster, set by the
   ``neardup`` stage) is repeating a template: a support script, a bot, an
   auto-reply. From that post on, ``reason`` is ``"template"``. Many *different*
   authors posting one text (a campaign, a petition, a shared complaint) is not a
   template: the count is per author.

A brand-voice mention gets ``sentiment_label = None`` (it is counted neither negative,
neutral nor positive: the dashboards' "none" bucket) and its categories are replaced by
the brand-voice marker, so complaint statistics and complaint bursts skip it
(:class:`~socialhub.analytics.detectors.complaints.ComplaintDetector` excludes it) and the
sentiment-shift detector ignores it. The post itself is kept: it is an answer, counted
as such in the inbox and stories.

Settings: ``voice_template_min`` (0 switches template detection off),
``voice_refresh_seconds`` (default 30: how often accounts and settings are re-read),
``voice_max_authors`` (bounded memory of per-author cluster counts, default 50,000).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, ClassVar

from socialhub.models import BRAND_VOICE, Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped
from socialhub.records.official import official_handles
from socialhub.text import norm_handle


def mark(m: Mention, reason: str, workspaces: list[int | None]) -> None:
    """Label ``m`` as brand voice: no sentiment, the marker as its only category."""
    m.sentiment_label = None
    m.sentiment_score = None
    m.categories = [
        {"name": BRAND_VOICE, "score": 1.0, "workspace_id": ws, "reason": reason}
        for ws in workspaces
    ]


class BrandVoice(BaseEnricher):
    """Marks posts of official accounts and repeated per-author templates (module doc)."""

    name: ClassVar[str] = "voice"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        options = ctx.options
        self.template_min = max(0, options.voice_template_min)
        self.refresh_every = options.voice_refresh_seconds
        self.max_authors = max(1, options.voice_max_authors)
        # workspace id -> its official handles; None -> the organisation's declared ones
        self.handles: dict[int | None, frozenset[str]] = {None: frozenset()}
        self.workspace_of: dict[int, int] = {}
        # (author id, cluster id) -> posts seen, least recently used first
        self.seen: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.counts = {"official": 0, "template": 0}
        self._checked = float("-inf")
        self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> None:
        """Re-read official accounts, queries and workspace settings (rate-limited)."""
        store = self.ctx.store
        now = time.monotonic()
        if store is None or (not force and now - self._checked < self.refresh_every):
            return
        self._checked = now
        declared = [a.handle for a in store.engage.list_accounts()]
        self.handles = {None: official_handles({}, declared)}
        for ws in store.workspaces.list_workspaces():
            if ws.id is not None:
                settings = store.workspaces.get_workspace_settings(ws.id)
                self.handles[ws.id] = official_handles(settings, declared)
        self.workspace_of = {
            q.id: q.workspace_id
            for q in store.workspaces.list_queries(enabled_only=False)
            if q.id is not None and q.workspace_id is not None
        }

    def _workspaces(self, m: Mention) -> list[int | None]:
        found = sorted({self.workspace_of[q] for q in m.query_ids if q in self.workspace_of})
        return list(found) or [None]

    def official(self, m: Mention, workspaces: list[int | None]) -> bool:
        """True when the author is one of the brand's accounts for a routed workspace."""
        if m.author is None or not m.author.handle:
            return False
        handle = norm_handle(m.author.handle)
        if handle in self.handles.get(None, frozenset()):
            return True
        return any(handle in self.handles.get(ws, frozenset()) for ws in workspaces)

    def template(self, m: Mention) -> bool:
        """Count this post in its author's cluster; True from the ``template_min``-th on."""
        if not self.template_min or m.author is None or not m.cluster_id:
            return False
        key = (m.author.id, m.cluster_id)
        n = self.seen.pop(key, 0) + 1
        self.seen[key] = n
        while len(self.seen) > self.max_authors:
            self.seen.popitem(last=False)
        return n >= self.template_min

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        self.refresh()
        for m in batch:
            workspaces = self._workspaces(m)
            repeated = self.template(m)  # counted for official accounts too
            if self.official(m, workspaces):
                mark(m, "official", workspaces)
                self.counts["official"] += 1
            elif repeated:
                mark(m, "template", workspaces)
                self.counts["template"] += 1
        return list(batch)

    def state(self) -> dict[str, Any]:
        """Counts for diagnostics."""
        return {"counts": dict(self.counts), "tracked": len(self.seen)}
