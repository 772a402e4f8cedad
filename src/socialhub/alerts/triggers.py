"""Watchlist triggers: a voice that matters posts about a query (issue 5 part 5).

Emits :class:`~socialhub.records.signals.Signal` records with detector ``"watchlist"``
so they go through the same manager (merging, cooldown, tuning) as burst alerts:

* a member of a journalist, MP, partner or influencer watchlist posts about one or more
  of the workspace's queries (``Mention.watchlists`` x ``Mention.query_ids``): one
  signal per post, key ``author:<id>``, naming every query it matched (a post about
  three queries was three alerts, and three emails, before), so the manager folds an
  author's posts of the next two hours into the same alert;
* any author above ``high_reach`` followers posts about a query: same key;
* an executive of a competitor posts, about anything (a member typed ``executive`` of
  a ``competitor`` list): key ``exec:<author id>``.

**Less noise (issue 14).** Each watchlist says what its voices' posts do
(``Watchlist.notify``): ``digest`` (the default) and ``never`` open no alert (the post
joins its story, and with ``digest`` the digest); ``inapp`` and ``email`` open one when
the severity reaches the list's ``min_severity``, and the signal carries
``extra["notify"]`` so the router sends an ``inapp`` one to the app only. A story of
listed voices converging still alerts (the convergence detector). High-reach authors
on no list of the workspace follow ``high_reach_notify`` (``[detect]
high_reach_notify``, default ``digest``: no alert); a listed one (a competitor's
account) follows its list.

Stateless apart from its settings: nothing to pickle. ``observed`` is the author's
followers and ``threshold`` the reach floor (0 for listed people), so the record
explains itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from socialhub.models import Mention, Watchlist
from socialhub.records.signals import Signal
from socialhub.text import norm_handle

# Severity of a post by a listed person, by list type. "executive" is a competitor's
# executive (the exec: signal); a list typed executive is the workspace's own
# executives, "own_executive": worth a note in-app, not an email every time the CEO posts
# (the demo's three executives opened severity-7 alerts above a press pickup).
DEFAULT_SEVERITY = {
    "journalist": 5,
    "mp": 6,
    "partner": 4,
    "influencer": 4,
    "executive": 7,
    "own_executive": 3,
}


_OWN = {"executive": "own_executive"}  # a list's type -> its severity key


@dataclass(slots=True)
class WatchlistTrigger:
    """Turns a mention into watchlist signals. Build it with the workspace's lists."""

    watchlists: Sequence[Watchlist]
    workspace_id: int | None = None
    #: query id -> name, so titles read "posted about Mirabelle" rather than an id
    query_names: Mapping[int, str] = field(default_factory=dict)
    #: the workspace's query ids (None: every query the mention matched counts)
    own_queries: frozenset[int] | None = None
    high_reach: int = 100_000
    high_reach_severity: int = 4
    #: what a high-reach author on no list does: "digest" (default) or "never" nothing,
    #: "inapp" / "email" an alert (issue 14: one big account posting is not a crisis)
    high_reach_notify: str = "digest"
    #: the organisation's own handles (alerts.official): never a "high-reach author"
    own_accounts: frozenset[str] = frozenset()
    severity: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    name: str = "watchlist"
    version: str = "1"
    _types: dict[str, str] = field(default_factory=dict, init=False)
    _notify: dict[str, tuple[str, int]] = field(default_factory=dict, init=False)
    _execs: dict[tuple[str, str], str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for wl in self.watchlists:
            self._types[wl.name] = wl.list_type
            self._notify[wl.name] = (wl.notify, wl.min_severity)
            for member in wl.members:
                if wl.list_type == "competitor" and member.list_type == "executive":
                    self._execs[(member.platform, norm_handle(member.handle))] = wl.name

    def _alerting(self, names: Sequence[str], severity: int) -> str | None:
        """How the lists ``names`` want a post of ``severity`` told: ``"email"``,
        ``"inapp"``, or None (digest or never: no alert)."""
        best: str | None = None
        for name in names:
            notify, floor = self._notify.get(name, ("digest", 0))
            if notify in ("inapp", "email") and severity >= floor and best != "email":
                best = notify
        return best

    def _exec_list(self, m: Mention) -> str | None:
        handle = norm_handle(m.author_handle)
        return self._execs.get((m.platform, handle)) or self._execs.get(("", handle))

    def update(self, mention: Mention) -> list[Signal]:
        if mention.author is None or mention.kind == "repost":
            return []  # a repost is not the author's word
        out: list[Signal] = []
        followers = mention.author.followers
        who = f"@{mention.author.handle}" if mention.author.handle else mention.author.id
        exec_list = self._exec_list(mention)
        exec_severity = self.severity.get("executive", 7)
        exec_notify = None if exec_list is None else self._alerting([exec_list], exec_severity)
        if exec_notify is not None:
            out.append(
                self._signal(
                    mention,
                    f"exec:{mention.author.id}",
                    exec_severity,
                    f"Competitor executive {who} posted",
                    {"reason": "competitor_executive", "notify": exec_notify},
                    None,
                )
            )
        listed = []
        for name in mention.watchlists:
            list_type = self._types.get(name, "other")
            kind = _OWN.get(list_type, list_type)
            if kind in self.severity:
                listed.append((kind, name))
        own = self.own_queries
        queries = [q for q in dict.fromkeys(mention.query_ids) if own is None or q in own]
        if not queries:
            return out
        key = f"author:{mention.author.id}"
        about = self._about(queries)
        extra: dict[str, object] = {"query_ids": queries}
        if listed:
            severity = max(self.severity[t] for t, _ in listed)
            lists = sorted(n for _, n in listed)
            notify = self._alerting(lists, severity)
            if notify is None:
                return out  # digest (or never): the post joins its story, no alert
            title = f"{who} ({', '.join(lists)}) posted about {about}"
            extra["lists"] = lists
            extra["notify"] = notify
            out.append(self._signal(mention, key, severity, title, extra, queries[0]))
        elif (
            followers >= self.high_reach
            and self.high_reach_notify in ("inapp", "email")
            and norm_handle(mention.author_handle) not in self.own_accounts
            and not any(name in self._types for name in mention.watchlists)
        ):  # a listed author (a competitor's account...) follows its list's notify
            title = f"High-reach author {who} ({followers:,} followers) posted about {about}"
            extra["reason"] = "high_reach"
            extra["notify"] = self.high_reach_notify
            out.append(
                self._signal(
                    mention,
                    key,
                    self.high_reach_severity,
                    title,
                    extra,
                    queries[0],
                    threshold=float(self.high_reach),
                )
            )
        return out

    def _about(self, queries: list[int]) -> str:
        names = [self.query_names.get(q) or f"query {q}" for q in queries]
        shown = ", ".join(names[:3])
        return shown + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")

    def advance(self, now: datetime) -> list[Signal]:
        return []

    def _signal(
        self,
        m: Mention,
        key: str,
        severity: int,
        title: str,
        extra: dict[str, object],
        query_id: int | None,
        threshold: float = 0.0,
    ) -> Signal:
        followers = float(m.author.followers if m.author else 0)
        return Signal(
            detector=self.name,
            version=self.version,
            key=key,
            t=m.created_at,
            severity=max(1, min(10, severity)),
            observed=followers,
            baseline=0.0,
            threshold=threshold,
            score=followers,
            title=title,
            workspace_id=self.workspace_id,
            query_id=query_id,
            params={"high_reach": self.high_reach, "severity": dict(self.severity)},
            evidence=[m.id],
            extra={**extra, "author": m.author_handle, "platform": m.platform},
        )
