"""The live stream follows the workspace's queries and the caller's access while it is
open: queries added after it opened, queries removed, access revoked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from socialhub.models import Query
from socialhub.web.auth import create_token, from_token
from socialhub.web.live import END
from socialhub.web.live_scope import WorkspaceScope, member_still_allowed, wall_key_still_allowed
from socialhub.web.security import AuthConfig

from .helpers import NOW, World, mention


async def _next_event(stream: AsyncIterator[bytes], timeout: float = 3.0) -> bytes:
    """The next non-comment chunk (keepalives skipped)."""
    while True:
        chunk = await asyncio.wait_for(stream.__anext__(), timeout)
        if not chunk.startswith(b":"):
            return chunk


def test_stream_picks_up_added_and_removed_queries_and_ends_with_access(world: World) -> None:
    store, com = world.store, world.ws["com"].id or 0
    token, _ = create_token(store, world.users["viewer"].id or 0, "wall-script", NOW)
    who = from_token(store, token, NOW)
    assert who is not None
    scope = WorkspaceScope(store, com, member_still_allowed(store, who, com, AuthConfig()))

    async def main() -> list[bytes]:
        got: list[bytes] = []
        scope.load()
        # a long periodic refresh: only "unknown query id" may trigger the early one
        stream = world.live.subscribe(
            keepalive=5, accept=scope.accept, refresh=scope.refresh, refresh_every=60
        )
        assert await stream.__anext__() == b": connected\n\n"
        # a query created after the stream opened (by the admin page or another process)
        added = store.workspaces.upsert_query(Query(com, "Nouvelle offre", "prune"))
        elsewhere = world.queries["outage"]  # another workspace's query: never sent
        world.live.publish([mention(50, "panne", elsewhere), mention(51, "prune", added)])
        got.append(await _next_event(stream))
        assert scope.refreshes == 2  # the initial load and the one the new id forced
        # a removed query: its mentions stop at the next refresh, without a refresh each
        store.workspaces.delete_query(world.queries["rival"].id or 0)
        await scope.refresh()
        rival = world.queries["rival"]
        world.live.publish([mention(52, "quetsche", rival), mention(53, "prune 2", added)])
        got.append(await _next_event(stream))
        world.live.publish([mention(54, "quetsche", rival), mention(55, "prune 3", added)])
        got.append(await _next_event(stream))
        assert scope.refreshes == 4  # 52's unknown id asked once, then remembered
        # access ends (the token is revoked): the next refresh closes the stream
        assert store.sessions.revoke_api_token(who.user_id, who.token.id or 0, NOW)  # type: ignore[union-attr]
        world.live.publish(
            [mention(56, "prune 4", store.workspaces.upsert_query(Query(com, "B", "b")))]
        )
        got.append(await _next_event(stream))
        try:
            await asyncio.wait_for(stream.__anext__(), 1)
            got.append(b"still open")
        except StopAsyncIteration:
            pass
        return got

    got = asyncio.run(main())
    assert b'"native_id":"51"' in got[0]
    assert b'"native_id":"53"' in got[1] and b'"native_id":"55"' in got[2]
    assert got[3:] == [END]
    assert world.live.clients == 0


def test_periodic_refresh_ends_a_revoked_wall_key(world: World) -> None:
    from socialhub.records.sessions import WallToken
    from socialhub.web.security import digest

    store, com = world.store, world.ws["com"].id or 0
    key = "shwall_test-key"
    record = store.walls.add_wall_token(
        WallToken(com, "main", "", key[:12], NOW, "admin"), digest(key)
    )
    scope = WorkspaceScope(store, com, wall_key_still_allowed(store.walls, key))

    async def main() -> list[bytes]:
        scope.load()
        stream = world.live.subscribe(
            keepalive=5, accept=scope.accept, refresh=scope.refresh, refresh_every=0.1
        )
        await stream.__anext__()
        world.live.publish([mention(60, "mirabelle", world.queries["brand"])])
        first = await _next_event(stream)
        store.walls.revoke_wall_token(com, record.id or 0, NOW)
        return [first, await _next_event(stream)]

    first, last = asyncio.run(main())
    assert b'"native_id":"60"' in first and last == END


def test_live_filters_narrow_the_stream(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    from socialhub.models import Watchlist, WatchlistMember
    from socialhub.web.live_scope import mention_filter

    store, com = world.store, world.ws["com"].id or 0
    brand = world.queries["brand"]
    store.workspaces.upsert_watchlist(
        Watchlist(com, "Presse", "journalist", "", [WatchlistMember("x", "author1")])
    )
    assert mention_filter(store.workspaces, com) is None  # no filter: everything routed here
    keep = mention_filter(store.workspaces, com, q='réseau OR list:"Presse"', platform="x")
    assert keep is not None
    assert keep(mention(70, "mirabelle super réseau", brand))  # the word
    assert keep(mention(1, "mirabelle", brand))  # author1 is on the watchlist
    assert not keep(mention(72, "mirabelle", brand))  # neither
    assert not keep(mention(73, "mirabelle réseau", brand, platform="bsky"))
    only_none = mention_filter(store.workspaces, com, sentiment="none")
    assert only_none is not None and only_none(mention(74, "x", brand))
    assert not only_none(mention(75, "x", brand, sentiment_label="negative"))
    # a bad query is a 400 before any streaming starts
    r = as_user("viewer").get("/api/workspaces/com/live", params={"q": "mirabelle AND ("})
    assert r.status_code == 400 and r.json()["error"] == "query_syntax"
