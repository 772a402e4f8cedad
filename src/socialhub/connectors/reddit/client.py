"""Reddit's OAuth API: application-only token, authenticated GETs, rate-limit headers.

Documented behaviour relied on here:

- token: ``POST https://www.reddit.com/api/v1/access_token`` with HTTP basic auth
  (client id, secret) and ``grant_type=client_credentials`` ->
  ``{"access_token", "token_type": "bearer", "expires_in", "scope"}``; bad credentials
  answer 401 (or 200 with ``{"error": ...}``);
- API calls go to ``https://oauth.reddit.com`` with ``Authorization: bearer <token>``
  and a unique, descriptive ``User-Agent`` (generic ones are throttled hard);
- every answer carries ``X-Ratelimit-Used``, ``X-Ratelimit-Remaining`` and
  ``X-Ratelimit-Reset`` (seconds until the window ends).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    RateLimited,
    Unavailable,
)
from socialhub.connectors.linkguard import guarded_client

DEFAULT_BASE_URL = "https://oauth.reddit.com"
DEFAULT_AUTH_URL = "https://www.reddit.com"
ID_VAR = "SOCIALHUB_REDDIT_CLIENT_ID"
SECRET_VAR = "SOCIALHUB_REDDIT_CLIENT_SECRET"
EXPIRY_MARGIN = 60.0  # renew a token this many seconds before it expires


def rate_info(headers: httpx.Headers, now: float) -> dict[str, float]:
    """``remaining``, ``used`` and ``reset`` (as epoch seconds) from the headers."""
    out: dict[str, float] = {}
    for key in ("remaining", "used", "reset"):
        try:
            out[key] = float(headers[f"x-ratelimit-{key}"])
        except (KeyError, ValueError):
            continue
    if "reset" in out:
        out["reset"] = now + out["reset"]
    return out


class RedditClient:
    """Token handling and GETs with errors mapped to the connector's typed errors."""

    def __init__(
        self,
        client_id: str,
        secret: str,
        *,
        user_agent: str,
        base_url: str = DEFAULT_BASE_URL,
        auth_url: str = DEFAULT_AUTH_URL,
        timeout: float = 30.0,
    ) -> None:
        self.client_id = client_id
        self.secret = secret
        self.auth_url = auth_url.rstrip("/")
        self.http = guarded_client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
        )
        self.token = ""
        self.token_expires = 0.0
        self.rate: dict[str, float] = {}

    async def close(self) -> None:
        await self.http.aclose()

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"reddit: {method} {url}: timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"reddit: {method} {url}: {type(exc).__name__}: {exc}") from None

    async def _access_token(self) -> str:
        if self.token and time.time() < self.token_expires - EXPIRY_MARGIN:
            return self.token
        response = await self._send(
            "POST",
            f"{self.auth_url}/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.secret),
        )
        if response.status_code in (400, 401, 403):
            raise AuthError(
                f"reddit: token refused (HTTP {response.status_code});"
                f" check {ID_VAR} and {SECRET_VAR}"
            )
        self._raise_for_status(response)
        data = _json(response.content, "access_token")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthError(
                f"reddit: no access token ({data.get('error', 'no detail')});"
                f" check {ID_VAR} and {SECRET_VAR}"
            )
        self.token = token
        self.token_expires = time.time() + float(data.get("expires_in") or 3600)
        return token

    def _check_budget(self) -> None:
        # Remaining hit 0 on the previous answer: wait for the window, do not spend a 429.
        remaining, reset = self.rate.get("remaining"), self.rate.get("reset")
        if remaining is not None and remaining <= 0 and reset is not None:
            wait = reset - time.time()
            if wait > 0:
                raise RateLimited("reddit: rate-limit budget used up", wait)

    async def get(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET ``path`` with the bearer token; a 401 renews the token once."""
        self._check_budget()
        query = {**params, "raw_json": 1}  # raw_json: text without HTML entity escaping
        for attempt in (1, 2):
            token = await self._access_token()
            response = await self._send(
                "GET", path, params=query, headers={"Authorization": f"bearer {token}"}
            )
            self.rate = rate_info(response.headers, time.time()) or self.rate
            if response.status_code == 401 and attempt == 1:
                self.token = ""  # expired or revoked early: get a new one, once
                continue
            if response.status_code in (401, 403):
                raise AuthError(
                    f"reddit: {path}: HTTP {response.status_code} with a fresh token;"
                    f" check {ID_VAR}, {SECRET_VAR} and the app's permissions"
                )
            self._raise_for_status(response)
            return _json(response.content, path)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = response.content[:200].decode("utf-8", "replace").strip()
        if status == 429:
            raise RateLimited(f"reddit: rate limited ({detail})", _retry_after(response))
        if status >= 500:
            raise Unavailable(f"reddit: HTTP {status} ({detail})")
        raise BadRequest(f"reddit: HTTP {status} ({detail})")


def _retry_after(response: httpx.Response) -> float | None:
    for header in ("retry-after", "x-ratelimit-reset"):
        try:
            return max(0.0, float(response.headers[header]))
        except (KeyError, ValueError):
            continue
    return None


def _json(body: bytes, what: str) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayload(
            f"reddit: {what}: invalid JSON ({exc})", body.decode("utf-8", "replace")
        ) from None
