"""Routes each mention to every matching query of every workspace.

The streaming matcher (one multi-pattern automaton for all queries) is rebuilt from the
store when queries or watchlists change; the fingerprint check costs one read every
``route_refresh_seconds``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from typing import ClassVar

from socialhub.models import Mention, Query, Watchlist
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured
from socialhub.query import norm_list_name, parse
from socialhub.query.errors import QuerySyntaxError
from socialhub.query.matcher import Matcher
from socialhub.text import norm_handle

log = logging.getLogger(__name__)


Authors = dict[tuple[str, str], list[tuple[int, str]]]


def watchlist_index(
    watchlists: Iterable[Watchlist],
) -> tuple[dict[tuple[int, str], set[tuple[str, str]]], Authors]:
    """``(lists, authors)``: members per (workspace, list name) for the matcher's
    ``list:`` operator, and (platform, handle) -> [(workspace, list name)] for tagging
    authors (an empty platform matches every platform)."""
    lists: dict[tuple[int, str], set[tuple[str, str]]] = {}
    authors: Authors = {}
    for wl in watchlists:
        members = lists.setdefault((wl.workspace_id, norm_list_name(wl.name)), set())
        for member in wl.members:
            key = (member.platform, norm_handle(member.handle))
            members.add(key)
            authors.setdefault(key, []).append((wl.workspace_id, wl.name))
    return lists, authors


def author_lists(m: Mention, authors: Authors, workspace_of: Mapping[int, int]) -> list[str]:
    """The watchlists ``m``'s author is on, in the workspaces of the queries it matched."""
    if m.author is None:
        return []
    handle = norm_handle(m.author.handle)
    spaces = {workspace_of.get(q) for q in m.query_ids}
    hits = authors.get((m.platform, handle), []) + authors.get(("", handle), [])
    return sorted({name for ws, name in hits if ws in spaces})


def _fingerprint(queries: list[Query], watchlists: list[Watchlist]) -> str:
    h = hashlib.sha256()
    for q in queries:
        h.update(f"q|{q.id}|{q.workspace_id}|{q.definition}\n".encode())
    for wl in watchlists:
        h.update(f"w|{wl.id}|{wl.workspace_id}|{wl.name}\n".encode())
        for m in wl.members:
            h.update(f"{m.platform}|{norm_handle(m.handle)}\n".encode())
    return h.hexdigest()


class QueryRouter(BaseEnricher):
    name: ClassVar[str] = "route"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        if ctx.store is None:
            raise NotConfigured("no store to read queries from")
        self.refresh_every = ctx.options.route_refresh_seconds
        self.drop_unmatched = ctx.options.drop_unmatched
        self._fingerprint = ""
        self._checked = 0.0
        self.matcher: Matcher = Matcher([])
        # (platform, handle) -> [(workspace_id, watchlist name)]; platform '' = any
        self._authors: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_every:
            return
        self._checked = now
        store = self.ctx.store
        assert store is not None
        queries = store.workspaces.list_queries(enabled_only=True)
        watchlists = store.workspaces.list_watchlists()
        fp = _fingerprint(queries, watchlists)
        if fp == self._fingerprint:
            return
        compiled = []
        for q in queries:
            try:
                compiled.append((q.id or 0, q.workspace_id, parse(q.definition)))
            except QuerySyntaxError as exc:
                log.error("query %r (id %s) skipped: %s", q.name, q.id, exc)
        lists, authors = watchlist_index(watchlists)
        self.matcher = Matcher(compiled, watchlists=lists)
        self._authors = authors
        self._workspace_of = {q.id: q.workspace_id for q in queries if q.id is not None}
        self._fingerprint = fp
        log.info("router: %d queries, %d watchlists", len(compiled), len(watchlists))

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        self.refresh()
        out: list[Mention | Dropped] = []
        for m in batch:
            ids = self.matcher.match(m)
            m.query_ids = sorted(set(m.query_ids) | set(ids))
            if m.author is not None:
                m.watchlists = author_lists(m, self._authors, self._workspace_of)
            if self.drop_unmatched and not m.query_ids:
                out.append(Dropped(m, "no query matched"))
            else:
                out.append(m)
        return out
