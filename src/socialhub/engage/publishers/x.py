"""Posting to X with the API v2 (``POST /2/tweets``), as documented:

* body ``{"text": ..., "reply": {"in_reply_to_tweet_id": "<id>"}, "reply_settings":
  "following" | "mentionedUsers" | "subscribers" | "verified"}``, answer 201
  ``{"data": {"id": "...", "text": "..."}}``; user-context OAuth 2 bearer token;
* 429 with ``x-rate-limit-reset`` (epoch seconds) and sometimes ``Retry-After``;
* X has no idempotency key: :meth:`XPublisher.find_existing` reads the account's own
  recent posts (``GET /2/users/:id/tweets`` with ``referenced_tweets``) for one with
  the same text replying to the same post, created since the draft.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Unpack

import httpx

from socialhub.connectors.base import ConnectorError, RateLimited
from socialhub.connectors.x.client import problem_detail, retry_after
from socialhub.engage.publishers.base import ApiPublisher, Connection
from socialhub.engage.publishing import PostRequest, Published, same_text

DEFAULT_BASE_URL = "https://api.x.com"
REPLY_SETTINGS = ("following", "mentionedUsers", "subscribers", "verified")


class XPublisher(ApiPublisher):
    platform = "x"
    default_base_url = DEFAULT_BASE_URL

    def __init__(
        self,
        token: str,
        handle: str,
        user_id: str = "",
        **options: Unpack[Connection],
    ) -> None:
        super().__init__(token=token, **options)
        self.handle = handle
        self.user_id = user_id

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        if response.status_code == 429:
            wait = retry_after(response.headers, self.clock().timestamp())
            return RateLimited(f"x: rate limited ({problem_detail(response.content)})", wait)
        return None

    def publish(self, request: PostRequest) -> Published:
        body: dict[str, Any] = {"text": request.text}
        if request.target is not None:
            body["reply"] = {"in_reply_to_tweet_id": request.target.native_id}
        if request.reply_settings:
            if request.reply_settings not in REPLY_SETTINGS:
                raise ValueError(f"reply_settings must be one of {REPLY_SETTINGS}")
            body["reply_settings"] = request.reply_settings
        data = self._call("POST", "/2/tweets", json=body).get("data") or {}
        post_id = str(data.get("id") or "")
        if not post_id:
            raise ConnectorError("x: the answer carries no post id")
        return Published(post_id, f"https://x.com/{self.handle}/status/{post_id}")

    def _me(self) -> str:
        if not self.user_id:
            self.user_id = str((self._call("GET", "/2/users/me").get("data") or {})["id"])
        return self.user_id

    def find_existing(self, request: PostRequest) -> Published | None:
        since = request.created_at - timedelta(minutes=1)
        params = {
            "max_results": "100",
            "tweet.fields": "created_at,referenced_tweets",
            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        data = self._call("GET", f"/2/users/{self._me()}/tweets", params=params)
        want = None if request.target is None else request.target.native_id
        for post in data.get("data") or []:
            refs = {r.get("type"): r.get("id") for r in post.get("referenced_tweets") or []}
            if refs.get("replied_to") == want and same_text(str(post.get("text")), request.text):
                post_id = str(post["id"])
                return Published(post_id, f"https://x.com/{self.handle}/status/{post_id}", True)
        return None
