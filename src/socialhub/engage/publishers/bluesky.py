"""Posting to Bluesky through the account's PDS (AT Protocol XRPC), as documented:

* ``com.atproto.server.createSession`` ``{identifier, password}`` (an app password)
  gives ``accessJwt`` and ``did``;
* ``com.atproto.repo.createRecord`` ``{repo, collection: "app.bsky.feed.post", rkey,
  record: {"$type": "app.bsky.feed.post", text, createdAt, reply: {root: {uri, cid},
  parent: {uri, cid}}}}`` answers ``{uri, cid}``; the parent's cid and the thread's
  root come from ``app.bsky.feed.getPosts``;
* 429 with ``ratelimit-reset`` (epoch seconds); errors ``{"error", "message"}``.

Idempotency: the record key is a TID computed from the draft (its creation time and
client key), so the same draft always targets the same record;
:meth:`BlueskyPublisher.find_existing` asks ``com.atproto.repo.getRecord`` for it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Unpack

import httpx

from socialhub.connectors.base import AuthError, BadRequest, ConnectorError, RateLimited
from socialhub.engage.publishers.base import ApiPublisher, Connection
from socialhub.engage.publishing import PostRequest, Published, seconds_until

DEFAULT_BASE_URL = "https://bsky.social"
COLLECTION = "app.bsky.feed.post"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as TIDs are written


def tid(created_at: datetime, client_key: str) -> str:
    """A valid, deterministic TID: 53 bits of microseconds, 10 bits of clock id."""
    micros = int(created_at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock_id = int.from_bytes(hashlib.sha256(client_key.encode()).digest()[:2], "big") & 0x3FF
    value = (micros << 10) | clock_id
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


class BlueskyPublisher(ApiPublisher):
    platform = "bluesky"
    default_base_url = DEFAULT_BASE_URL

    def __init__(
        self,
        handle: str,
        app_password: str,
        **options: Unpack[Connection],
    ) -> None:
        super().__init__(**options)
        self.handle = handle
        self._password = app_password
        self.did = ""

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        name = str(body.get("error", "")) if isinstance(body, dict) else ""
        message = f"bluesky: {name or response.status_code} {body.get('message', '')}".strip()
        if response.status_code == 429:
            reset = response.headers.get("ratelimit-reset")
            wait = seconds_until(float(reset), self.clock()) if reset else None
            return RateLimited(message, wait)
        if response.status_code == 401 or name in ("ExpiredToken", "InvalidToken"):
            return AuthError(message)
        if response.status_code == 400:
            return BadRequest(message)
        return None

    def _call(self, method: str, url: str, **kw: Any) -> dict[str, Any]:  # url: an NSID
        return super()._call(method, f"/xrpc/{url}", **kw)

    def _login(self) -> None:
        if self.did:
            return
        data = self._call(
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self._password},
        )
        self.did = str(data["did"])
        self.http.headers["Authorization"] = f"Bearer {data['accessJwt']}"

    def _reply_refs(self, uri: str) -> dict[str, Any]:
        posts = self._call("GET", "app.bsky.feed.getPosts", params={"uris": uri}).get("posts")
        if not posts:
            raise BadRequest(f"bluesky: the post answered is gone ({uri})")
        parent = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
        root = ((posts[0].get("record") or {}).get("reply") or {}).get("root") or parent
        return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}

    def _published(self, uri: str, rkey: str, found: bool = False) -> Published:
        return Published(uri, f"https://bsky.app/profile/{self.handle}/post/{rkey}", found)

    def publish(self, request: PostRequest) -> Published:
        self._login()
        rkey = tid(request.created_at, request.client_key)
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": request.text,
            "createdAt": self.clock().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        if request.target is not None:
            record["reply"] = self._reply_refs(request.target.native_id)
        data = self._call(
            "POST",
            "com.atproto.repo.createRecord",
            json={"repo": self.did, "collection": COLLECTION, "rkey": rkey, "record": record},
        )
        return self._published(str(data["uri"]), rkey)

    def find_existing(self, request: PostRequest) -> Published | None:
        self._login()
        rkey = tid(request.created_at, request.client_key)
        try:
            data = self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": self.did, "collection": COLLECTION, "rkey": rkey},
            )
        except BadRequest as exc:
            if "RecordNotFound" in str(exc):
                return None
            raise
        return self._published(str(data["uri"]), rkey, True)
