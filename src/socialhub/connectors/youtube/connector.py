"""YouTube connector: one Data API request per :meth:`YouTubeConnector.fetch`.

Targets:

- ``search`` (value = the query text): a sweep pages through ``search.list``
  (``type=video``, ``order=date``, ``publishedAfter`` = the newest video of the previous
  sweep), then reads the comment threads of the most recent videos found;
- ``video`` (value = a video id): a sweep reads that video's comment threads.

Comment threads are read newest first (``order=time``) and a video's listing stops at
the newest thread already seen, so each poll costs little quota. New replies under an
old thread are only seen while the thread is on the pages read (a known limit of
``commentThreads.list``; ``comments.list?parentId=`` would cost one call per thread).
``Page.done`` is True at the end of a sweep. The cursor keeps the phase, page token,
watched videos, per-video marks and recently seen ids (duplicates across pages or
polls are dropped; a page token that repeats ends the listing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from socialhub.connectors.base import BadRequest, MalformedPayload, Page, Rejected, SeenIds, Target
from socialhub.connectors.base import env_credential as _env_credential
from socialhub.connectors.linkguard import guarded_client
from socialhub.connectors.manifest import option_defaults
from socialhub.connectors.sweep import Sweep
from socialhub.connectors.youtube.client import (
    KEY_VAR,
    YouTubeClient,
    YouTubeRequestError,
)
from socialhub.connectors.youtube.normalize import (
    PLATFORM,
    search_item_to_mention,
    thread_to_mentions,
)
from socialhub.records.quarantine import reason_of

OPTIONS = option_defaults("youtube")  # the manifest's [options]: the one place of each default

SEEN_MAX = 3000
# A video whose comments cannot be read is skipped, not retried forever.
SKIP_REASONS = frozenset({"commentsDisabled", "videoNotFound", "channelNotFound"})


def _dump(item: Any) -> str:
    return orjson.dumps(item).decode()


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class YouTubeConnector:
    """Video search and comment threads. Key from ``SOCIALHUB_YOUTUBE_API_KEY``.

    Options: ``base_url``, ``page_size`` (``maxResults``), ``watch_videos`` (recent
    videos of a search re-read for comments each sweep), ``backfill_hours`` (first
    sweep's ``publishedAfter``), ``lang`` (``relevanceLanguage``), ``region``
    (``regionCode``), ``timeout``.
    """

    name = PLATFORM

    def __init__(
        self,
        *,
        base_url: str = OPTIONS["base_url"],
        page_size: int = OPTIONS["page_size"],
        watch_videos: int = OPTIONS["watch_videos"],
        backfill_hours: float = OPTIONS["backfill_hours"],
        lang: str = OPTIONS["lang"],
        region: str = OPTIONS["region"],
        timeout: float = OPTIONS["timeout"],
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url
        self.page_size = page_size
        self.watch_videos = watch_videos
        self.backfill_hours = backfill_hours
        self.lang = lang
        self.region = region
        self.timeout = timeout
        self.env = os.environ if env is None else env
        self.clock = clock or (lambda: datetime.now(UTC))
        self._client: YouTubeClient | None = None
        self._sweep = Sweep("token", "videos", watch_videos, _end_sweep)

    def _api(self) -> YouTubeClient:
        if self._client is None:
            key = _env_credential(self.env, KEY_VAR, PLATFORM)
            self._client = YouTubeClient(
                key,
                base_url=self.base_url,
                client=guarded_client(timeout=self.timeout),
                clock=self.clock,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind not in ("search", "video"):
            raise BadRequest(f"youtube: unsupported target kind {target.kind!r}")
        state: dict[str, Any] = orjson.loads(orjson.dumps(dict(cursor or {})))
        if target.kind == "video":
            if not state.get("queue"):
                state.update(phase="comments", queue=[target.value], token=None, used=[])
            return await self._comments(target, state)
        state.setdefault("phase", "search")
        if state["phase"] == "comments" and state.get("queue"):
            return await self._comments(target, state)
        return await self._search(target, state)

    # -- search ----------------------------------------------------------------------

    async def _search(self, target: Target, state: dict[str, Any]) -> Page:
        now = self.clock()
        after = state.get("published_after") or _iso(now - timedelta(hours=self.backfill_hours))
        params: dict[str, Any] = {
            "part": "snippet",
            "q": target.value,
            "type": "video",
            "order": "date",
            "publishedAfter": after,
            "maxResults": self.page_size,
        }
        if self.lang:
            params["relevanceLanguage"] = self.lang
        if self.region:
            params["regionCode"] = self.region
        if state.get("token"):
            params["pageToken"] = state["token"]
        body = await self._api().get("search", params)
        items = body.get("items")
        if not isinstance(items, list):
            raise MalformedPayload("youtube: search without items", _dump(body))
        page = Page()
        seen = SeenIds(state, SEEN_MAX)
        videos: list[str] = list(state.get("videos", []))
        newest = state.get("newest") or after
        for item in items:
            kind = item.get("id") if isinstance(item, dict) else None
            if isinstance(kind, dict) and kind.get("kind") not in (None, "youtube#video"):
                continue  # channels/playlists cannot appear with type=video, but be safe
            try:
                mention = search_item_to_mention(
                    item, match_query=target.match_query, collected_at=now
                )
            except (ValueError, TypeError, AttributeError) as exc:
                page.rejected.append(Rejected(reason_of(exc), _dump(item), "search"))
                continue
            newest = max(newest, _iso(mention.created_at))
            self._sweep.watch(videos, mention.native_id)
            if seen.add(mention.native_id):
                page.mentions.append(mention)
        state["newest"] = newest
        return self._sweep.listed(state, page, videos, body.get("nextPageToken"))

    # -- comment threads -------------------------------------------------------------

    async def _comments(self, target: Target, state: dict[str, Any]) -> Page:
        video_id = str(state["queue"][0])
        now = self.clock()
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "videoId": video_id,
            "order": "time",
            "textFormat": "plainText",
            "maxResults": min(100, self.page_size * 2),
        }
        if state.get("token"):
            params["pageToken"] = state["token"]
        page = Page()
        try:
            body = await self._api().get("commentThreads", params)
        except YouTubeRequestError as exc:
            if exc.reason not in SKIP_REASONS:
                raise
            page.rejected.append(Rejected(reason_of(exc), "", f"commentThreads?videoId={video_id}"))
            return self._sweep.next_item(state, page, video_id, None)
        items = body.get("items")
        if not isinstance(items, list):
            raise MalformedPayload("youtube: commentThreads without items", _dump(body))
        seen = SeenIds(state, SEEN_MAX)
        mark = str(state.get("marks", {}).get(video_id, ""))
        pending = str(state.get("pending_mark") or mark)
        reached_known = False
        for thread in items:
            try:
                mentions = thread_to_mentions(
                    thread, match_query=target.match_query, collected_at=now
                )
            except (ValueError, TypeError, AttributeError) as exc:
                page.rejected.append(Rejected(reason_of(exc), _dump(thread), "commentThreads"))
                continue
            stamp = _iso(mentions[0].created_at)
            pending = max(pending, stamp)
            if mark and stamp < mark:
                reached_known = True  # newest first: the rest was read on an earlier poll
                break
            page.mentions += [m for m in mentions if seen.add(m.native_id)]
        if not reached_known and self._sweep.advance(state, body.get("nextPageToken")):
            state["pending_mark"] = pending
            page.done = False
            page.cursor = state
            return page
        return self._sweep.next_item(state, page, video_id, pending)


def _end_sweep(state: dict[str, Any]) -> None:
    # publishedAfter is inclusive: the newest video comes back and the seen ids drop it.
    state.update(phase="search", token=None, used=[], queue=[])
    if state.get("newest"):
        state["published_after"] = state["newest"]
