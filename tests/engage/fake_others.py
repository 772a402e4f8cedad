"""Bluesky (PDS XRPC), Mastodon, Facebook Graph and YouTube Data API fakes, each in the
platform's documented shapes, with its own rate-limit signal."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .fakeserver import FakePlatform, Reply, Req


def _bearer_ok(req: Req, token: str) -> bool:
    return req.headers.get("authorization") == f"Bearer {token}"


class FakeBluesky(FakePlatform):
    DID = "did:plc:mirabelle"

    def __init__(self, password: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.password, self.clock = password, clock
        self.records: dict[str, dict[str, Any]] = {}
        self.known = {
            "at://did:plc:jeanne/app.bsky.feed.post/3kroot": {"cid": "bafyroot", "reply": None},
            "at://did:plc:jeanne/app.bsky.feed.post/3kchild": {
                "cid": "bafychild",
                "reply": {
                    "root": {
                        "uri": "at://did:plc:jeanne/app.bsky.feed.post/3kroot",
                        "cid": "bafyroot",
                    },
                    "parent": {
                        "uri": "at://did:plc:jeanne/app.bsky.feed.post/3kroot",
                        "cid": "bafyroot",
                    },
                },
            },
        }
        self.route("POST", "/xrpc/com.atproto.server.createSession", self.session)
        self.route("GET", "/xrpc/app.bsky.feed.getPosts", self.get_posts)
        self.route("POST", "/xrpc/com.atproto.repo.createRecord", self.create)
        self.route("GET", "/xrpc/com.atproto.repo.getRecord", self.get_record)

    def session(self, req: Req) -> Reply:
        body = req.json()
        if body.get("password") != self.password:
            return Reply(401, {"error": "AuthenticationRequired", "message": "Invalid password"})
        return Reply(
            200,
            {
                "accessJwt": "jwt-1",
                "refreshJwt": "r",
                "did": self.DID,
                "handle": body["identifier"],
            },
        )

    def get_posts(self, req: Req) -> Reply:
        uri = req.query.get("uris", "")
        post = self.known.get(uri)
        if post is None:
            return Reply(200, {"posts": []})
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": "..."}
        if post["reply"]:
            record["reply"] = post["reply"]
        return Reply(200, {"posts": [{"uri": uri, "cid": post["cid"], "record": record}]})

    def create(self, req: Req) -> Reply:
        if req.headers.get("authorization") != "Bearer jwt-1":
            return Reply(401, {"error": "InvalidToken", "message": "Bad token"})
        fault = self.next_fault()
        if fault == "429":
            reset = int(self.clock().timestamp()) + 12
            return Reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                {
                    "ratelimit-limit": "5000",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": str(reset),
                },
            )
        body = req.json()
        record = body["record"]
        if record.get("$type") != "app.bsky.feed.post" or body["collection"] != record["$type"]:
            return Reply(400, {"error": "InvalidRequest", "message": "bad record"})
        uri = f"at://{body['repo']}/{body['collection']}/{body['rkey']}"
        if uri in self.records:
            return Reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
        self.records[uri] = record
        return Reply(
            200,
            {"uri": uri, "cid": f"bafy{len(self.records)}"},
            after=fault if fault in ("hang", "drop") else "",
        )

    def get_record(self, req: Req) -> Reply:
        uri = f"at://{req.query['repo']}/{req.query['collection']}/{req.query['rkey']}"
        if uri not in self.records:
            return Reply(400, {"error": "RecordNotFound", "message": f"Could not locate {uri}"})
        return Reply(200, {"uri": uri, "cid": "bafyx", "value": self.records[uri]})


class FakeMastodon(FakePlatform):
    def __init__(self, token: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.token, self.clock = token, clock
        self.statuses: list[dict[str, Any]] = []
        self.keys: dict[str, dict[str, Any]] = {}
        self.route("POST", "/api/v1/statuses", self.create)
        self.route("GET", "/api/v2/search", self.search)
        self.route("GET", "/api/v1/accounts/verify_credentials", self.me)
        self.route("GET", r"/api/v1/accounts/(\d+)/statuses", self.own)

    def create(self, req: Req) -> Reply:
        if not _bearer_ok(req, self.token):
            return Reply(401, {"error": "The access token is invalid"})
        fault = self.next_fault()
        if fault == "429":
            reset = (self.clock() + timedelta(seconds=300)).astimezone(UTC)
            return Reply(
                429,
                {"error": "Too many requests"},
                {
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                },
            )
        key = req.headers.get("idempotency-key", "")
        if key and key in self.keys:
            return Reply(200, self.keys[key])
        body = req.json()
        if not body.get("status"):
            return Reply(422, {"error": "Validation failed: Text can't be blank"})
        sid = str(110_000 + len(self.statuses))
        status = {
            "id": sid,
            "uri": f"https://mastodon.example/users/mirabelle/statuses/{sid}",
            "url": f"https://mastodon.example/@mirabelle/{sid}",
            "content": f"<p>{body['status']}</p>",
            "in_reply_to_id": body.get("in_reply_to_id"),
            "visibility": body["visibility"],
        }
        self.statuses.append(status)
        if key:
            self.keys[key] = status
        return Reply(200, status, after=fault if fault in ("hang", "drop") else "")

    def search(self, req: Req) -> Reply:
        if req.query.get("q") == "https://piaille.fr/users/jeanne/statuses/77":
            return Reply(
                200,
                {
                    "accounts": [],
                    "hashtags": [],
                    "statuses": [{"id": "9001", "uri": req.query["q"]}],
                },
            )
        return Reply(200, {"accounts": [], "hashtags": [], "statuses": []})

    def me(self, req: Req) -> Reply:
        return Reply(200, {"id": "7", "username": "mirabelle", "acct": "mirabelle"})

    def own(self, req: Req, account: str) -> Reply:
        return Reply(200, list(reversed(self.statuses)))


class FakeFacebook(FakePlatform):
    PAGE = "1122334455"

    def __init__(self, token: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.token, self.clock = token, clock
        self.items: list[dict[str, Any]] = []
        self.route("POST", r"/v21.0/(\w+)/(feed|comments)", self.create)
        self.route("GET", r"/v21.0/(\w+)/(feed|comments)", self.read)

    def create(self, req: Req, obj: str, edge: str) -> Reply:
        if not _bearer_ok(req, self.token):
            return Reply(
                400,
                {
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "A1",
                    }
                },
            )
        fault = self.next_fault()
        if fault == "429":
            usage = {
                self.PAGE: [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_time": 20,
                        "total_cputime": 10,
                        "estimated_time_to_regain_access": 3,
                    }
                ]
            }
            return Reply(
                400,
                {
                    "error": {
                        "message": "(#32) Page request limit reached",
                        "type": "OAuthException",
                        "code": 32,
                        "fbtrace_id": "A2",
                    }
                },
                {"X-Business-Use-Case-Usage": json.dumps(usage)},
            )
        message = req.form().get("message", "")
        if edge == "feed" and obj != self.PAGE:
            return Reply(
                403,
                {"error": {"message": "(#200) not allowed", "code": 200, "type": "OAuthException"}},
            )
        new_id = (
            f"{self.PAGE}_{900 + len(self.items)}"
            if edge == "feed"
            else (f"{obj}_{500 + len(self.items)}")
        )
        self.items.append(
            {
                "id": new_id,
                "message": message,
                "parent": obj,
                "edge": edge,
                "from": {"id": self.PAGE, "name": "Mirabelle"},
                "created_time": self.clock().strftime("%Y-%m-%dT%H:%M:%S+0000"),
            }
        )
        return Reply(200, {"id": new_id}, after=fault if fault in ("hang", "drop") else "")

    def read(self, req: Req, obj: str, edge: str) -> Reply:
        found = [i for i in reversed(self.items) if i["parent"] == obj and i["edge"] == edge]
        return Reply(200, {"data": found, "paging": {}})


class FakeYouTube(FakePlatform):
    CHANNEL = "UCmirabelle"

    def __init__(self, token: str, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.token, self.clock = token, clock
        self.comments: list[dict[str, Any]] = []
        self.route("POST", "/youtube/v3/comments", self.reply)
        self.route("POST", "/youtube/v3/commentThreads", self.thread)
        self.route("GET", "/youtube/v3/comments", self.list_replies)
        self.route("GET", "/youtube/v3/commentThreads", self.list_threads)

    def _error(self, req: Req) -> Reply | None:
        if not _bearer_ok(req, self.token):
            return Reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Invalid Credentials",
                        "errors": [{"reason": "authError"}],
                    }
                },
            )
        if self.next_fault() == "429":
            return Reply(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": "quota",
                        "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
                    }
                },
            )
        return None

    def _snippet(self, text: str, **extra: Any) -> dict[str, Any]:
        return {
            "textOriginal": text,
            "textDisplay": text,
            "authorChannelId": {"value": self.CHANNEL},
            **extra,
        }

    def reply(self, req: Req) -> Reply:
        if (err := self._error(req)) is not None:
            return err
        snip = req.json()["snippet"]
        cid = f"Ugz{len(self.comments)}.reply"
        item = {
            "id": cid,
            "snippet": self._snippet(snip["textOriginal"], parentId=snip["parentId"]),
        }
        self.comments.append(item)
        return Reply(200, {"kind": "youtube#comment", **item})

    def thread(self, req: Req) -> Reply:
        if (err := self._error(req)) is not None:
            return err
        snip = req.json()["snippet"]
        text = snip["topLevelComment"]["snippet"]["textOriginal"]
        tid = f"Ugt{len(self.comments)}"
        item = {
            "id": tid,
            "snippet": {
                "videoId": snip["videoId"],
                "topLevelComment": {
                    "id": tid,
                    "snippet": self._snippet(text, videoId=snip["videoId"]),
                },
            },
        }
        self.comments.append(item)
        return Reply(200, {"kind": "youtube#commentThread", **item})

    def list_replies(self, req: Req) -> Reply:
        items = [c for c in self.comments if c["snippet"].get("parentId") == req.query["parentId"]]
        return Reply(200, {"kind": "youtube#commentListResponse", "items": items})

    def list_threads(self, req: Req) -> Reply:
        items = [c for c in self.comments if c["snippet"].get("videoId") == req.query["videoId"]]
        return Reply(200, {"kind": "youtube#commentThreadListResponse", "items": items})
