"""The Reddit connector: search, subreddit listings, and the comments of what it finds.

Targets: ``search`` (``value`` is the query, ``options["subreddit"]`` restricts it),
``timeline`` (``value`` ``"r/name"``: the subreddit's new posts) and ``comment``
(``value`` ``"r/name"``: the subreddit's newest comments). Posts found by ``search`` and
``timeline`` have their comment trees fetched too (``options["comments"]``, default
true), one post per request, so every fetch stays one request.

Cursor (JSON-able, opaque to the coordinator): ``mark`` ``{"t", "name"}`` is the newest
item of the last finished sweep (Listings are newest first: a sweep pages with
``after`` until it reaches the mark or the end); during a sweep ``after``, ``sweep``
(the newest item seen so far) and ``afters`` (tokens followed, to catch a cursor that
repeats); ``pending`` lists posts whose comments are still to fetch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from socialhub.connectors.base import BadRequest, MalformedPayload, Page, Target, env_credential
from socialhub.connectors.manifest import option_defaults
from socialhub.models import utcnow

from .client import ID_VAR, SECRET_VAR, RedditClient
from .normalize import listing_children, things_to_mentions, walk_comments

OPTIONS = option_defaults("reddit")  # the manifest's [options]: the one place of each default

DEFAULT_USER_AGENT = "python:socialhub:0.1 (self-hosted social listening)"
MAX_AFTERS_KEPT = 20


def _newer(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The later of two ``{"t", "name"}`` marks (None loses)."""
    if not a:
        return dict(b) if b else None
    if not b:
        return dict(a)
    return dict(a) if float(a["t"]) >= float(b["t"]) else dict(b)


class RedditConnector:
    """Reddit's OAuth API (application-only) as a :class:`~socialhub.connectors.base.Connector`.

    Parameters
    ----------
    base_url, auth_url
        ``https://oauth.reddit.com`` and ``https://www.reddit.com`` (token endpoint);
        tests point both at a local server.
    user_agent
        Reddit asks for ``<platform>:<app id>:<version> (by /u/<username>)``; also read
        from ``SOCIALHUB_REDDIT_USER_AGENT``.
    limit
        Things per Listing request (Reddit's maximum is 100).
    """

    name = "reddit"

    def __init__(
        self,
        *,
        base_url: str = OPTIONS["base_url"],
        auth_url: str = OPTIONS["auth_url"],
        user_agent: str = OPTIONS["user_agent"],
        limit: int = OPTIONS["limit"],
        timeout: float = OPTIONS["timeout"],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.base_url = base_url
        self.auth_url = auth_url
        self.user_agent = (
            user_agent or self.env.get("SOCIALHUB_REDDIT_USER_AGENT", "") or DEFAULT_USER_AGENT
        )
        self.limit = max(1, min(int(limit), 100))
        self.timeout = timeout
        self._client: RedditClient | None = None

    def client(self) -> RedditClient:
        """Built on first use, so a missing credential fails the fetch that needs it."""
        if self._client is None:
            self._client = RedditClient(
                env_credential(self.env, ID_VAR, "reddit"),
                env_credential(self.env, SECRET_VAR, "reddit"),
                user_agent=self.user_agent,
                base_url=self.base_url,
                auth_url=self.auth_url,
                timeout=self.timeout,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        """One request: pending comments first, else the next Listing page."""
        state = dict(cursor or {})
        client = self.client()
        if state.get("pending"):
            return await self._comments(target, state, client)
        path, params = self._listing(target)
        after = state.get("after")
        params.update({"limit": self.limit, "sort": "new"})
        if after:
            params["after"] = after
        data = await client.get(path, params)
        try:
            children = listing_children(data)
            next_after = (data.get("data") or {}).get("after")
        except (TypeError, AttributeError) as exc:
            raise MalformedPayload(f"reddit: {path}: {exc}", str(data)[:10_000]) from None

        mark = state.get("mark")
        fresh, reached = [], False
        for thing in children:
            info = thing.get("data")
            created = info.get("created_utc") if isinstance(info, Mapping) else None
            name = info.get("name") if isinstance(info, Mapping) else None
            if (
                mark
                and isinstance(created, int | float)
                and (name == mark["name"] or created < float(mark["t"]))
            ):
                reached = True  # already collected by an earlier sweep
                continue
            fresh.append(thing)
        mentions, rejected = things_to_mentions(
            fresh,
            via=f"reddit:{target.kind}",
            collected_at=utcnow(),
            match_query=target.match_query,
        )
        sweep = state.get("sweep")
        for m in mentions:
            sweep = _newer(sweep, {"t": m.created_at.timestamp(), "name": m.native_id})
        pending = list(state.get("pending") or [])
        if target.kind != "comment" and target.options.get("comments", True):
            pending += [
                m.native_id
                for m in mentions
                if m.native_id.startswith("t3_") and m.engagement.replies
            ]
        afters = [*state.get("afters", []), after] if after else list(state.get("afters", []))
        if next_after and not reached and next_after != after and next_after not in afters:
            new = {
                "mark": mark,
                "after": next_after,
                "sweep": sweep,
                "afters": afters[-MAX_AFTERS_KEPT:],
            }
        else:
            # End of the sweep, the mark reached, or a token that repeats: stop here.
            new = {"mark": _newer(mark, sweep)}
        new["pending"] = pending
        return self._page(mentions, rejected, new, client)

    def _listing(self, target: Target) -> tuple[str, dict[str, Any]]:
        if target.kind == "search":
            sub = str(target.options.get("subreddit") or "").removeprefix("r/")
            if sub:
                return f"/r/{sub}/search", {"q": target.value, "restrict_sr": 1, "type": "link"}
            return "/search", {"q": target.value, "type": "link"}
        name = target.value.strip().strip("/").removeprefix("r/")
        if target.kind not in ("timeline", "comment") or not name or "/" in name:
            raise BadRequest(
                f"reddit: unsupported target {target.kind} {target.value!r}"
                " (search: a query; timeline and comment: r/<subreddit>)"
            )
        return (f"/r/{name}/new" if target.kind == "timeline" else f"/r/{name}/comments"), {}

    async def _comments(self, target: Target, state: dict[str, Any], client: RedditClient) -> Page:
        post, *rest = state["pending"]
        path = f"/comments/{post.removeprefix('t3_')}"
        data = await client.get(path, {"sort": "new", "limit": 500})
        try:
            comments = list(walk_comments(listing_children(data[1])))
        except (TypeError, AttributeError, IndexError, KeyError) as exc:
            raise MalformedPayload(f"reddit: {path}: {exc!r}", str(data)[:10_000]) from None
        mentions, rejected = things_to_mentions(
            comments, via="reddit:comments", collected_at=utcnow(), match_query=target.match_query
        )
        return self._page(mentions, rejected, {**state, "pending": rest}, client)

    @staticmethod
    def _page(
        mentions: list[Any], rejected: list[Any], state: dict[str, Any], client: RedditClient
    ) -> Page:
        cursor = {k: v for k, v in state.items() if v not in (None, [], {})}
        done = not cursor.get("pending") and not cursor.get("after")
        return Page(
            mentions=mentions, cursor=cursor, done=done, rejected=rejected, rate=dict(client.rate)
        )
