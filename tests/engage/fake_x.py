"""The X API v2 as documented: POST /2/tweets, GET /2/users/me, GET /2/users/:id/tweets,
rate-limit headers on every answer, problem bodies for errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .fakeserver import FakePlatform, Reply, Req

ME = "4242"


class FakeX(FakePlatform):
    def __init__(self, token: str, clock: Callable[[], datetime], handle: str = "MirabelleFR"):
        super().__init__()
        self.token = token
        self.clock = clock
        self.handle = handle
        self.posts: list[dict[str, Any]] = []
        self.next_id = 1_800_000_000_000_000_000
        self.route("POST", "/2/tweets", self.create)
        self.route("GET", "/2/users/me", self.me)
        self.route("GET", r"/2/users/(\w+)/tweets", self.timeline)

    def rate(self, remaining: int = 99) -> dict[str, str]:
        reset = int(self.clock().timestamp()) + 900
        return {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset),
        }

    def _auth(self, req: Req) -> Reply | None:
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return Reply(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            )
        return None

    def create(self, req: Req) -> Reply:
        if (denied := self._auth(req)) is not None:
            return denied
        fault = self.next_fault()
        if fault == "429":
            headers = self.rate(0)
            headers["x-rate-limit-reset"] = str(int(self.clock().timestamp()) + 37)
            return Reply(
                429,
                {
                    "title": "Too Many Requests",
                    "detail": "Too Many Requests",
                    "type": "about:blank",
                    "status": 429,
                },
                headers,
            )
        if fault == "500":
            return Reply(503, {"title": "Service Unavailable", "status": 503}, self.rate())
        body = req.json()
        text = body.get("text", "")
        if not text:
            return Reply(
                400, {"errors": [{"message": "text is required"}], "title": "Invalid Request"}
            )
        if "in_reply_to_tweet_id" in body:  # the documented shape nests it under "reply"
            return Reply(
                400, {"errors": [{"message": "unknown field"}], "title": "Invalid Request"}
            )
        self.next_id += 1
        post: dict[str, Any] = {
            "id": str(self.next_id),
            "text": text,
            "author_id": ME,
            "created_at": self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        reply = body.get("reply") or {}
        if reply.get("in_reply_to_tweet_id"):
            post["referenced_tweets"] = [
                {"type": "replied_to", "id": reply["in_reply_to_tweet_id"]}
            ]
        if body.get("reply_settings"):
            post["reply_settings"] = body["reply_settings"]
        self.posts.append(post)
        return Reply(
            201,
            {"data": {"id": post["id"], "text": text}},
            self.rate(),
            after=fault if fault in ("hang", "drop") else "",
        )

    def me(self, req: Req) -> Reply:
        if (denied := self._auth(req)) is not None:
            return denied
        return Reply(
            200, {"data": {"id": ME, "name": "Mirabelle", "username": self.handle}}, self.rate()
        )

    def timeline(self, req: Req, user: str) -> Reply:
        if (denied := self._auth(req)) is not None:
            return denied
        start = req.query.get("start_time", "")
        posts = [
            p
            for p in reversed(self.posts)
            if p["author_id"] == user and p["created_at"] >= start.replace("Z", ".000Z")
        ]
        return Reply(
            200,
            {"data": posts, "meta": {"result_count": len(posts)}}
            if posts
            else {"meta": {"result_count": 0}},
            self.rate(),
        )
