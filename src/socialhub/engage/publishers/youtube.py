"""Answering on YouTube with the Data API v3, as documented:

* a reply to a comment: ``POST /comments?part=snippet`` with ``{"snippet": {"parentId":
  "<top-level comment id>", "textOriginal": text}}`` (replies are one level deep, so a
  reply to a reply goes under its thread's top-level comment);
* a comment on a video: ``POST /commentThreads?part=snippet`` with ``{"snippet":
  {"videoId", "topLevelComment": {"snippet": {"textOriginal"}}}}``;
* errors ``{"error": {"code", "message", "errors": [{"reason"}]}}``: ``quotaExceeded``
  (the daily quota, reset at midnight Pacific time), ``rateLimitExceeded``,
  ``commentsDisabled``...; OAuth 2 bearer token;
* YouTube has no text posts of its own here: a draft must answer a video or comment;
* :meth:`YouTubePublisher.find_existing` lists the thread's replies (or the video's
  threads) for one by the official channel with the same text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Unpack
from zoneinfo import ZoneInfo

import httpx

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    ConnectorError,
    RateLimited,
    Unavailable,
)
from socialhub.engage.publishers.base import ApiPublisher, Connection
from socialhub.engage.publishing import PostRequest, Published, same_text

DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
PACIFIC = ZoneInfo("America/Los_Angeles")


def until_quota_reset(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()


class YouTubePublisher(ApiPublisher):
    platform = "youtube"
    default_base_url = DEFAULT_BASE_URL

    def __init__(
        self,
        token: str,
        channel_id: str,
        **options: Unpack[Connection],
    ) -> None:
        super().__init__(token=token, **options)
        self.channel_id = channel_id

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
        message = f"youtube: {error.get('message') or response.status_code} {sorted(reasons)}"
        if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
            return RateLimited(message, until_quota_reset(self.clock()))
        if reasons & {"rateLimitExceeded", "userRateLimitExceeded"} or response.status_code == 429:
            after = response.headers.get("retry-after")
            return RateLimited(message, float(after) if after and after.isdigit() else None)
        if response.status_code == 401:
            return AuthError(message)
        if response.status_code >= 500:
            return Unavailable(message)
        return BadRequest(message)

    @staticmethod
    def _thread(request: PostRequest) -> tuple[str, str]:
        """("comment", top-level comment id) or ("video", video id)."""
        target = request.target
        if target is None:
            raise BadRequest("youtube: answer a video or a comment (no text posts here)")
        if target.kind in ("comment", "reply"):
            parent = target.reply_to.split(":", 1)[1] if target.reply_to else target.native_id
            return "comment", parent
        return "video", target.native_id

    def publish(self, request: PostRequest) -> Published:
        kind, ref = self._thread(request)
        if kind == "comment":
            body: dict[str, Any] = {"snippet": {"parentId": ref, "textOriginal": request.text}}
            data = self._call("POST", "/comments", params={"part": "snippet"}, json=body)
            video = str((data.get("snippet") or {}).get("videoId") or "")
        else:
            body = {
                "snippet": {
                    "videoId": ref,
                    "topLevelComment": {"snippet": {"textOriginal": request.text}},
                }
            }
            data = self._call("POST", "/commentThreads", params={"part": "snippet"}, json=body)
            video = ref
        comment_id = str(data["id"])
        url = f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video else ""
        return Published(comment_id, url)

    def find_existing(self, request: PostRequest) -> Published | None:
        kind, ref = self._thread(request)
        if kind == "comment":
            data = self._call(
                "GET", "/comments", params={"part": "snippet", "parentId": ref, "maxResults": "100"}
            )
            snippets = [(i["id"], i.get("snippet") or {}) for i in data.get("items") or []]
        else:
            data = self._call(
                "GET",
                "/commentThreads",
                params={"part": "snippet", "videoId": ref, "order": "time", "maxResults": "100"},
            )
            snippets = [
                (
                    i["id"],
                    ((i.get("snippet") or {}).get("topLevelComment") or {}).get("snippet") or {},
                )
                for i in data.get("items") or []
            ]
        for comment_id, snip in snippets:
            author = (snip.get("authorChannelId") or {}).get("value")
            text = str(snip.get("textOriginal") or snip.get("textDisplay") or "")
            if author == self.channel_id and same_text(text, request.text):
                return Published(str(comment_id), "", True)
        return None
