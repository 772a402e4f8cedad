"""What one live client (a dashboard or a wall) may receive, kept current while the
stream stays open.

A stream lasts hours, so neither the workspace's queries nor the caller's access are
read once at connection time: :class:`WorkspaceScope` holds the workspace's query ids
and re-reads them (and re-checks access) on every refresh of the feed
(:mod:`socialhub.web.live`). A mention routed to a query id the scope has never seen
(created after the last refresh) answers "unknown", which makes the feed refresh at
once; ids still unknown after a refresh (deleted queries) are remembered until the
next periodic refresh, so they do not trigger a refresh each.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from socialhub.models import Mention
from socialhub.query.ast import norm_list_name
from socialhub.query.matcher import Matcher
from socialhub.query.parser import parse
from socialhub.store.base import Store, WallStore, WorkspaceStore
from socialhub.text import norm_handle
from socialhub.web.accounts import user_by_id
from socialhub.web.auth import Principal
from socialhub.web.security import AuthConfig, digest

REFRESH_SECONDS = 10.0


Filter = Callable[[Mention], bool]


def mention_filter(
    workspaces: WorkspaceStore,
    workspace_id: int,
    *,
    q: str | None = None,
    platform: str | None = None,
    lang: str | None = None,
    sentiment: str | None = None,
) -> Filter | None:
    """The client's own filter over the workspace's mentions, or None for all of them.

    ``q`` is the query language, evaluated by the streaming matcher (the pipeline's
    semantics, ``list:`` against the workspace's watchlists); a syntax error raises
    ``QuerySyntaxError`` (400). ``sentiment`` ``none``: not analysed.
    """
    matcher: Matcher | None = None
    if q and q.strip():
        lists: dict[tuple[int, str], set[tuple[str, str]]] = {}
        for wl in workspaces.list_watchlists(workspace_id):
            members = lists.setdefault((workspace_id, norm_list_name(wl.name)), set())
            members.update((m.platform, norm_handle(m.handle)) for m in wl.members)
        matcher = Matcher([(1, workspace_id, parse(q))], lists, adaptive=False)
    if matcher is None and not (platform or lang or sentiment):
        return None
    wanted_sentiment = None if sentiment == "none" else sentiment

    def keep(m: Mention) -> bool:
        if (platform and m.platform != platform) or (lang and m.lang != lang):
            return False
        if sentiment and m.sentiment_label != wanted_sentiment:
            return False
        return matcher is None or bool(matcher.match(m))

    return keep


class WorkspaceScope:
    """The query ids of one workspace, refreshed from the store; ``keep`` narrows it
    further (:func:`mention_filter`)."""

    def __init__(
        self,
        store: Store,
        workspace_id: int,
        allowed: Callable[[], bool],
        keep: Filter | None = None,
    ) -> None:
        self.store = store
        self.workspace_id = workspace_id
        self.allowed = allowed
        self.keep = keep
        self.mine: frozenset[int] = frozenset()
        self.known: frozenset[int] = frozenset()
        self._asked: set[int] = set()
        self.refreshes = 0

    def accept(self, m: Mention) -> bool | None:
        """True for a mention routed to the workspace, None when it cannot tell yet."""
        mine, known = self.mine, self.known  # replaced whole by load(), never mutated
        if any(q in mine for q in m.query_ids):
            return self.keep is None or self.keep(m)
        unknown = [q for q in m.query_ids if q not in known]
        if not unknown:
            return False
        self._asked.update(unknown)
        return None

    def load(self) -> bool:
        """Re-read the workspace's queries; False when the caller lost access."""
        if not self.allowed():
            return False
        asked, self._asked = self._asked, set()
        queries = self.store.workspaces.list_queries()
        self.mine = frozenset(q.id for q in queries if q.workspace_id == self.workspace_id and q.id)
        self.known = frozenset(q.id for q in queries if q.id) | asked
        self.refreshes += 1
        return True

    async def refresh(self) -> bool:
        return await run_in_threadpool(self.load)


def member_still_allowed(
    store: Store, who: Principal, workspace_id: int, config: AuthConfig
) -> Callable[[], bool]:
    """A check that the caller's session or token, account and role are still live."""

    def allowed() -> bool:
        user = user_by_id(store.accounts, who.user_id)
        if user is None or not user.is_active:
            return False
        if who.session is not None:
            session = store.sessions.get_session(who.session.id_hash)
            if session is None or config.clock() - session.created_at > config.absolute_timeout:
                return False
        elif who.token is not None:
            live = {
                t.id for t in store.sessions.list_api_tokens(who.user_id) if t.revoked_at is None
            }
            if who.token.id not in live:
                return False
        if who.user_id in store.accounts.site_admin_ids():
            return True
        return any(
            m.workspace_id == workspace_id
            for m in store.accounts.list_memberships(user_id=who.user_id)
        )

    return allowed


def wall_key_still_allowed(walls: WallStore, key: str) -> Callable[[], bool]:
    """A check that a kiosk key has not been revoked."""
    key_hash = digest(key)
    return lambda: walls.find_wall_token(key_hash) is not None
