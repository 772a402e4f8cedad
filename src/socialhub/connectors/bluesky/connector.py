"""The Bluesky connector: search, author feeds, the Jetstream firehose, publishing.

Options (``[[source]]`` in the settings):

``base_url``       AppView for unauthenticated reads (``https://public.api.bsky.app``)
``pds_url``        PDS for the session, writes and authenticated reads (``https://bsky.social``)
``jetstream_url``  Jetstream ``/subscribe`` endpoint
``queries``        for the firehose: query texts, ``{name: text}`` or ``[[id, workspace, text]]``
``limit``          page size (searchPosts/getAuthorFeed: 1-100)
``lookback_hours`` how far back the first poll of a search or feed goes (24)

Cursor shapes (opaque to the coordinator, JSON-able):

- search/timeline: ``{"since": iso, "next": page cursor|None, "top": iso|None,
  "seen": [recent uris]}``. A *round* pages backwards from the newest post down to
  ``since``; when it ends, ``since`` moves to the newest post of the round (``top``), so
  the next poll asks only for what is new. ``since`` is inclusive, hence ``seen``.
- stream: ``{"time_us": int}`` (Jetstream replays from it on reconnect).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from socialhub.connectors.base import BadRequest, MalformedPayload, Page, Rejected, Target
from socialhub.connectors.bluesky.client import (
    DEFAULT_PDS,
    BlueskyClient,
    jetstream_messages,
)
from socialhub.connectors.bluesky.normalize import (
    POST,
    NormalizeError,
    from_feed_item,
    from_jetstream,
    from_post_view,
)
from socialhub.connectors.manifest import load_manifest
from socialhub.models import Mention
from socialhub.query import Matcher
from socialhub.records.quarantine import Reason, reason_of

MANIFEST = load_manifest("bluesky")  # its [options]: the one place of each default
SEEN_KEEP = 500  # uris remembered across pages to drop repeats (since is inclusive)
STREAM_CHECKPOINT = 1000  # firehose events between two cursor-only pages


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def query_triples(spec: Any) -> list[tuple[int, int, str, str]]:
    """``queries`` option -> ``(id, workspace, text, label)``; label goes to match_query."""
    if not spec:
        return []
    if isinstance(spec, str):
        return [(1, 0, spec, spec)]
    if isinstance(spec, Mapping):
        return [(i, 0, str(text), str(name)) for i, (name, text) in enumerate(spec.items(), 1)]
    triples: list[tuple[int, int, str, str]] = []
    for i, entry in enumerate(spec, 1):
        if isinstance(entry, str):
            triples.append((i, 0, entry, entry))
        else:
            qid, ws, text = entry
            triples.append((int(qid), int(ws), str(text), str(text)))
    return triples


class BlueskyConnector:
    """Bluesky: ``search`` (searchPosts), ``timeline`` (getAuthorFeed), ``stream``
    (Jetstream, filtered in-process by the configured queries) and ``publish``."""

    name = "bluesky"

    def __init__(
        self,
        options: Mapping[str, Any] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        **more: Any,
    ) -> None:
        given = {**(options or {}), **more}
        # the manifest's defaults overlaid; an undeclared option is refused here too
        opts = MANIFEST.resolve(given, where="BlueskyConnector")
        self.options = opts
        self.env = os.environ if env is None else env
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limit = int(opts["limit"])
        self.lookback = timedelta(hours=float(opts["lookback_hours"]))
        self.jetstream_url = str(opts["jetstream_url"])
        self.client = BlueskyClient(
            base_url=str(opts["base_url"]),
            pds_url=str(given.get("pds_url", given.get("base_url", DEFAULT_PDS))),
            env=self.env,
            timeout=float(opts["timeout"]),
        )
        self.queries = query_triples(opts.get("queries"))

    # -- polling ------------------------------------------------------------------

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind == "search":
            return await self._round(target, cursor, self._search_page)
        if target.kind == "timeline":
            return await self._round(target, cursor, self._feed_page)
        raise BadRequest(f"bluesky: cannot fetch a {target.kind!r} target")

    async def _search_page(
        self, target: Target, since: str, next_cursor: str | None
    ) -> tuple[list[Any], str | None, Callable[..., Mention]]:
        data = await self.client.get(
            "app.bsky.feed.searchPosts",
            {
                "q": target.value,
                "sort": "latest",
                "since": since,
                "limit": self.limit,
                "cursor": next_cursor,
                "lang": target.options.get("lang"),
            },
        )
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise MalformedPayload(
                "bluesky: searchPosts without posts[]", orjson.dumps(data).decode()
            )
        return posts, data.get("cursor"), from_post_view

    async def _feed_page(
        self, target: Target, since: str, next_cursor: str | None
    ) -> tuple[list[Any], str | None, Callable[..., Mention]]:
        data = await self.client.get(
            "app.bsky.feed.getAuthorFeed",
            {
                "actor": target.value.lstrip("@"),
                "filter": target.options.get("filter", "posts_with_replies"),
                "limit": self.limit,
                "cursor": next_cursor,
            },
        )
        feed = data.get("feed")
        if not isinstance(feed, list):
            raise MalformedPayload(
                "bluesky: getAuthorFeed without feed[]", orjson.dumps(data).decode()
            )
        # the feed has no `since` parameter: drop what is older, and stop paging there
        return feed, data.get("cursor"), from_feed_item

    async def _round(
        self,
        target: Target,
        cursor: Mapping[str, Any] | None,
        page_of: Callable[..., Any],
    ) -> Page:
        state = dict(cursor or {})
        since = str(state.get("since") or iso(self.clock() - self.lookback))
        since_dt = datetime.fromisoformat(since.replace("Z", "+00:00"))
        asked = state.get("next")
        seen: list[str] = list(state.get("seen") or [])
        seen_set = set(seen)
        items, next_cursor, normalize = await page_of(target, since, asked)
        via = f"bluesky:{'searchPosts' if normalize is from_post_view else 'getAuthorFeed'}"
        page = Page(rate=dict(self.client.last_rate))
        collected_at = self.clock()
        top = state.get("top")
        older = False  # reached posts before `since`: the round is complete
        for item in items:
            try:
                mention = normalize(
                    item,
                    collected_via=via,
                    match_query=target.match_query or target.value,
                    collected_at=collected_at,
                )
            except (NormalizeError, TypeError, ValueError, KeyError, AttributeError) as exc:
                raw = orjson.dumps(item).decode() if _jsonable(item) else repr(item)
                page.rejected.append(Rejected(reason_of(exc), raw, via))
                continue
            pinned = isinstance(item, dict) and "reasonPin" in str(
                (item.get("reason") or {}).get("$type", "")
            )
            if mention.created_at < since_dt:
                # feeds have no `since`: an older item means we are through. Search
                # filters by sortAt itself, so a backdated createdAt must not stop it.
                if not pinned and normalize is from_feed_item:
                    older = True
                continue
            if mention.native_id in seen_set:
                continue
            seen_set.add(mention.native_id)
            seen.append(mention.native_id)
            page.mentions.append(mention)
            stamp = iso(mention.created_at)
            if not pinned and (top is None or stamp > top):
                top = stamp
        # a repeated or missing cursor, or an empty page, ends the round (never loop)
        more = bool(items) and bool(next_cursor) and next_cursor != asked and not older
        page.done = not more
        seen = seen[-SEEN_KEEP:]
        if more:
            page.cursor = {"since": since, "next": next_cursor, "top": top, "seen": seen}
        else:
            page.cursor = {"since": top or since, "next": None, "top": None, "seen": seen}
        return page

    # -- firehose -----------------------------------------------------------------

    async def stream(self, target: Target, cursor: Mapping[str, Any] | None) -> AsyncIterator[Page]:
        """Jetstream posts matching the queries; raises ``Unavailable`` on a cut."""
        triples = self.queries or query_triples(target.value)
        if not triples:
            raise BadRequest("bluesky: the firehose needs at least one query (option `queries`)")
        matcher = Matcher.from_text([(qid, ws, text) for qid, ws, text, _ in triples])
        labels = {qid: label for qid, _, _, label in triples}
        last = int((cursor or {}).get("time_us") or 0) or None
        since_checkpoint = 0
        async for message in jetstream_messages(
            self.jetstream_url, collections=[POST], cursor=last
        ):
            try:
                event = orjson.loads(message)
                time_us = int(event["time_us"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                yield Page(
                    cursor=_tcursor(last),
                    done=False,
                    rejected=[
                        Rejected(
                            Reason("bluesky_bad_jetstream_event", error=str(exc)),
                            message,
                            "jetstream",
                        )
                    ],
                )
                continue
            if last is not None and time_us <= last:
                continue  # replayed from the resume cursor
            last = time_us
            try:
                mention = from_jetstream(event, collected_at=self.clock())
            except (NormalizeError, TypeError, ValueError, AttributeError) as exc:
                yield Page(
                    cursor=_tcursor(last),
                    done=False,
                    rejected=[Rejected(reason_of(exc), message, "jetstream")],
                )
                continue
            hits = matcher.match(mention) if mention is not None else []
            if mention is not None and hits:
                mention.match_query = labels[hits[0]]
                since_checkpoint = 0
                yield Page(mentions=[mention], cursor=_tcursor(last), done=False)
                continue
            since_checkpoint += 1
            if since_checkpoint >= STREAM_CHECKPOINT:
                since_checkpoint = 0
                yield Page(cursor=_tcursor(last), done=False)

    # -- publishing ---------------------------------------------------------------

    async def publish(self, text: str, *, reply_to: str | None = None, account: str = "") -> str:
        """Post (or reply to the AT URI ``reply_to``) with the app-password session."""
        session = self.client.session or await self.client.login()
        record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": iso(self.clock())}
        if reply_to:
            record["reply"] = await self._reply_refs(reply_to)
        data = await self.client.post(
            "com.atproto.repo.createRecord",
            {"repo": session["did"], "collection": POST, "record": record},
        )
        uri = data.get("uri")
        if not isinstance(uri, str):
            raise MalformedPayload("bluesky: createRecord without uri", orjson.dumps(data).decode())
        return uri

    async def _reply_refs(self, parent_uri: str) -> dict[str, Any]:
        """``{root, parent}`` strong refs (uri + cid) for a reply to ``parent_uri``."""
        data = await self.client.get("app.bsky.feed.getPosts", {"uris": parent_uri})
        posts = data.get("posts") or []
        if not posts or not posts[0].get("cid"):
            raise BadRequest(f"bluesky: cannot reply, post not found: {parent_uri}")
        parent = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
        root = ((posts[0].get("record") or {}).get("reply") or {}).get("root") or parent
        return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}

    async def close(self) -> None:
        await self.client.close()


def _tcursor(time_us: int | None) -> dict[str, Any]:
    return {"time_us": time_us} if time_us is not None else {}


def _jsonable(item: Any) -> bool:
    try:
        orjson.dumps(item)
    except TypeError:
        return False
    return True
