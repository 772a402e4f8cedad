"""Posting as a Facebook Page with the Graph API, as documented:

* a new post: ``POST /{page-id}/feed`` with ``message``; a reply to a post or a
  comment: ``POST /{object-id}/comments`` with ``message``; both answer ``{"id"}``;
  the Page access token goes in the ``Authorization: Bearer`` header (never the URL);
* errors ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``;
  throttling is codes 4, 17, 32, 613 and 80001 (HTTP 400 or 403), with the time to
  wait in ``X-Business-Use-Case-Usage`` / ``X-Page-Usage``
  (``estimated_time_to_regain_access``, minutes); code 190 is an invalid token;
* no idempotency key: :meth:`FacebookPublisher.find_existing` reads the page's feed or
  the object's comments for one from the page with the same text.
"""

from __future__ import annotations

import json
from typing import Unpack

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

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
THROTTLE_CODES = {4, 17, 32, 613, 80001}


def regain_seconds(headers: httpx.Headers) -> float | None:
    """Minutes in ``estimated_time_to_regain_access`` of the usage headers, in seconds."""
    best: float | None = None
    for name in ("x-business-use-case-usage", "x-page-usage", "x-app-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries = (
            [e for v in data.values() for e in v]
            if isinstance(data, dict) and all(isinstance(v, list) for v in data.values())
            else [data]
        )
        for entry in entries:
            minutes = (
                entry.get("estimated_time_to_regain_access") if isinstance(entry, dict) else None
            )
            if isinstance(minutes, int | float):
                best = max(best or 0.0, float(minutes) * 60)
    return best


class FacebookPublisher(ApiPublisher):
    platform = "facebook"
    default_base_url = DEFAULT_BASE_URL

    def __init__(
        self,
        page_token: str,
        page_id: str,
        **options: Unpack[Connection],
    ) -> None:
        if not page_id:
            raise ValueError("facebook: native_id (the page id) is required")
        super().__init__(token=page_token, **options)
        self.page_id = page_id

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = error.get("code")
        message = f"facebook: {error.get('message') or response.status_code} (code {code})"
        if code in THROTTLE_CODES or response.status_code == 429:
            return RateLimited(message, regain_seconds(response.headers))
        if code == 190 or response.status_code == 401:
            return AuthError(message)
        if code in (1, 2) or response.status_code >= 500:
            return Unavailable(message)
        return BadRequest(message)

    def _where(self, request: PostRequest) -> str:
        if request.target is None:
            return f"/{self.page_id}/feed"
        return f"/{request.target.native_id}/comments"

    def publish(self, request: PostRequest) -> Published:
        data = self._call("POST", self._where(request), data={"message": request.text})
        post_id = str(data["id"])
        return Published(post_id, f"https://www.facebook.com/{post_id}")

    def find_existing(self, request: PostRequest) -> Published | None:
        params = {"fields": "id,message,from,created_time", "limit": "100"}
        if request.target is None:
            params["since"] = str(int(request.created_at.timestamp()) - 60)
        else:
            params["order"] = "reverse_chronological"
        data = self._call("GET", self._where(request), params=params)
        for item in data.get("data") or []:
            mine = request.target is None or (item.get("from") or {}).get("id") == self.page_id
            if mine and same_text(str(item.get("message", "")), request.text):
                return Published(str(item["id"]), f"https://www.facebook.com/{item['id']}", True)
        return None
