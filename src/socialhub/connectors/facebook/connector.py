"""Facebook Pages connector: one Graph request per :meth:`FacebookConnector.fetch`.

A *sweep* of a page target reads the page's new posts (``GET /{page-id}/posts`` with
``since`` = the newest post of the previous sweep), then the comments of the most
recent posts (``GET /{post-id}/comments?filter=stream&order=reverse_chronological``,
stopping at the newest comment already seen on that post). ``Page.done`` is True only
at the end of a sweep. The cursor (JSON-able) holds the phase, the Graph ``after``
cursor, the posts being watched for comments, a per-post high-water mark and the ids
seen recently, so duplicates across pages or polls are dropped and a Graph cursor that
repeats ends the listing instead of looping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from socialhub.connectors.base import (
    BadRequest,
    MalformedPayload,
    Page,
    Rejected,
    SeenIds,
    Target,
    env_credential,
)
from socialhub.connectors.facebook.client import TOKEN_VAR, GraphClient
from socialhub.connectors.facebook.normalize import (
    COMMENT_FIELDS,
    PLATFORM,
    POST_FIELDS,
    comment_to_mention,
    post_to_mention,
)
from socialhub.connectors.linkguard import guarded_client
from socialhub.connectors.manifest import option_defaults
from socialhub.connectors.sweep import Sweep
from socialhub.records.quarantine import reason_of

OPTIONS = option_defaults("facebook")  # the manifest's [options]: the one place of each default

SEEN_MAX = 2000


def _dump(item: Any) -> str:
    return orjson.dumps(item).decode()


def _listing(body: dict[str, Any], where: str) -> tuple[list[Any], str | None]:
    """``data`` and the ``after`` cursor to continue with (None at the end)."""
    data = body.get("data")
    if not isinstance(data, list):
        raise MalformedPayload(f"facebook: no data list in {where}", _dump(body))
    paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
    assert isinstance(paging, dict)
    cursors = paging.get("cursors") if isinstance(paging.get("cursors"), dict) else {}
    assert isinstance(cursors, dict)
    after = cursors.get("after")
    # The docs: no ``next`` link means this is the last page, whatever the cursors say.
    if not paging.get("next") or not isinstance(after, str) or not after:
        return data, None
    return data, after


class FacebookConnector:
    """Posts and comments of Facebook Pages (targets of kind ``page``, value = page id).

    Options: ``base_url`` (Graph root with version), ``page_size`` (``limit``),
    ``watch_posts`` (how many recent posts are re-read for new comments each sweep),
    ``backfill_days`` (how far back the first sweep reads), ``timeout`` in seconds.
    The token comes from ``SOCIALHUB_FACEBOOK_TOKEN`` (a page token for managed pages).
    """

    name = PLATFORM

    def __init__(
        self,
        *,
        base_url: str = OPTIONS["base_url"],
        page_size: int = OPTIONS["page_size"],
        watch_posts: int = OPTIONS["watch_posts"],
        backfill_days: float = OPTIONS["backfill_days"],
        timeout: float = OPTIONS["timeout"],
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url
        self.page_size = page_size
        self.watch_posts = watch_posts
        self.backfill_days = backfill_days
        self.timeout = timeout
        self.env = os.environ if env is None else env
        self.clock = clock or (lambda: datetime.now(UTC))
        self._client: GraphClient | None = None
        self._sweep = Sweep("after", "watch", watch_posts, _end_sweep)

    def _graph(self) -> GraphClient:
        if self._client is None:
            token = env_credential(self.env, TOKEN_VAR, PLATFORM)
            self._client = GraphClient(
                token,
                base_url=self.base_url,
                client=guarded_client(timeout=self.timeout),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind != "page":
            raise BadRequest(f"facebook: unsupported target kind {target.kind!r} (use 'page')")
        state: dict[str, Any] = orjson.loads(orjson.dumps(dict(cursor or {})))
        state.setdefault("phase", "posts")
        if state["phase"] == "comments" and state.get("queue"):
            return await self._comments(target, state)
        return await self._posts(target, state)

    # -- posts -----------------------------------------------------------------------

    async def _posts(self, target: Target, state: dict[str, Any]) -> Page:
        page_id = target.value
        now = self.clock()
        since = state.get("since")
        if since is None:
            since = int((now - timedelta(days=self.backfill_days)).timestamp())
        params: dict[str, Any] = {"fields": POST_FIELDS, "limit": self.page_size, "since": since}
        if state.get("after"):
            params["after"] = state["after"]
        body, rate = await self._graph().get(f"{page_id}/posts", params)
        data, after = _listing(body, f"{page_id}/posts")
        seen = SeenIds(state, SEEN_MAX)
        page = Page(rate=rate)
        watch: list[str] = list(state.get("watch", []))
        newest = int(state.get("newest") or since)
        for item in data:
            try:
                mention = post_to_mention(
                    item, page_id=page_id, match_query=target.match_query, collected_at=now
                )
            except (ValueError, TypeError, AttributeError) as exc:
                page.rejected.append(Rejected(reason_of(exc), _dump(item), f"{page_id}/posts"))
                continue
            newest = max(newest, int(mention.created_at.timestamp()))
            self._sweep.watch(watch, mention.native_id)
            if seen.add(mention.native_id):
                page.mentions.append(mention)
        state["newest"] = newest
        return self._sweep.listed(state, page, watch, after)

    # -- comments --------------------------------------------------------------------

    async def _comments(self, target: Target, state: dict[str, Any]) -> Page:
        post_id = str(state["queue"][0])
        now = self.clock()
        params: dict[str, Any] = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "reverse_chronological",
            "limit": self.page_size,
        }
        if state.get("after"):
            params["after"] = state["after"]
        body, rate = await self._graph().get(f"{post_id}/comments", params)
        data, after = _listing(body, f"{post_id}/comments")
        seen = SeenIds(state, SEEN_MAX)
        mark = int(state.get("marks", {}).get(post_id, 0))
        pending = int(state.get("pending_mark") or mark)
        reached_known = False
        page = Page(rate=rate)
        for item in data:
            try:
                mention = comment_to_mention(
                    item, post_id=post_id, match_query=target.match_query, collected_at=now
                )
            except (ValueError, TypeError, AttributeError) as exc:
                page.rejected.append(Rejected(reason_of(exc), _dump(item), f"{post_id}/comments"))
                continue
            stamp = int(mention.created_at.timestamp())
            pending = max(pending, stamp)
            if stamp < mark:
                reached_known = True  # newest first: everything after this was read before
                break
            if seen.add(mention.native_id):
                page.mentions.append(mention)
        state["pending_mark"] = pending
        if not reached_known and self._sweep.advance(state, after):
            page.done = False
            page.cursor = state
            return page
        return self._sweep.next_item(state, page, post_id, pending)


def _end_sweep(state: dict[str, Any]) -> None:
    # Next sweep reads posts from the newest one seen; the seen ids absorb the overlap.
    state.update(phase="posts", since=state.get("newest"), after=None, used=[], queue=[])
