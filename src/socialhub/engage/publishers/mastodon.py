"""Posting to Mastodon (``POST /api/v1/statuses``), as documented:

* body ``{"status": text, "in_reply_to_id": "<local id>", "visibility": "public"}``
  with an ``Idempotency-Key`` header (the server returns the first status for a key
  it has seen within an hour); answer: a Status ``{id, uri, url, content...}``;
* the mention answered is known by its ActivityPub ``uri``: ``GET /api/v2/search``
  with ``resolve=true`` gives its id on the official account's instance;
* rate limits: 429 with ``X-RateLimit-Reset`` (an ISO 8601 time);
* :meth:`MastodonPublisher.find_existing` also reads the account's own statuses, so a
  retry after the key's hour still posts once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Unpack

import httpx

from socialhub.connectors.base import BadRequest, ConnectorError, RateLimited
from socialhub.engage.publishers.base import ApiPublisher, Connection
from socialhub.engage.publishing import PostRequest, Published, same_text, seconds_until


class MastodonPublisher(ApiPublisher):
    platform = "mastodon"

    def __init__(
        self,
        token: str,
        **options: Unpack[Connection],  # base_url: the instance, required
    ) -> None:
        super().__init__(token=token, **options)
        self.account_id = ""

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        if response.status_code == 429:
            reset = response.headers.get("x-ratelimit-reset")
            wait = None
            if reset:
                try:
                    at = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                    wait = seconds_until(at.timestamp(), self.clock())
                except ValueError:
                    wait = None
            return RateLimited("mastodon: rate limited", wait)
        if response.status_code in (404, 422):
            try:
                detail = str(response.json().get("error", ""))
            except ValueError:
                detail = ""
            return BadRequest(f"mastodon: HTTP {response.status_code} {detail}".strip())
        return None

    def _call(self, method: str, url: str, **kw: Any) -> Any:
        if url.endswith("/statuses") and method == "GET":
            return self._send(method, url, **kw).json()  # a JSON array
        return super()._call(method, url, **kw)

    def _local_id(self, uri: str) -> str:
        data = self._call(
            "GET", "/api/v2/search", params={"q": uri, "type": "statuses", "resolve": "true"}
        )
        statuses = data.get("statuses") or []
        if not statuses:
            raise BadRequest(f"mastodon: the instance cannot find the status answered ({uri})")
        return str(statuses[0]["id"])

    def publish(self, request: PostRequest) -> Published:
        body: dict[str, Any] = {"status": request.text, "visibility": "public"}
        if request.target is not None:
            body["in_reply_to_id"] = self._local_id(request.target.native_id)
        data = self._call(
            "POST",
            "/api/v1/statuses",
            json=body,
            headers={"Idempotency-Key": request.client_key},
        )
        return Published(str(data["id"]), str(data.get("url") or data.get("uri") or ""))

    def find_existing(self, request: PostRequest) -> Published | None:
        if not self.account_id:
            self.account_id = str(self._call("GET", "/api/v1/accounts/verify_credentials")["id"])
        want = None if request.target is None else self._local_id(request.target.native_id)
        statuses = self._call(
            "GET",
            f"/api/v1/accounts/{self.account_id}/statuses",
            params={"limit": "40", "exclude_reblogs": "true"},
        )
        for status in statuses if isinstance(statuses, list) else []:
            if status.get("in_reply_to_id") == want and same_text(
                str(status.get("content", "")), request.text
            ):
                return Published(str(status["id"]), str(status.get("url") or ""), True)
        return None
