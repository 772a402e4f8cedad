"""Graph API calls and the mapping of its errors onto the connector's typed errors.

Graph errors come as ``{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}``. Throttling is reported by error codes (4 app, 17 user, 32 page,
613 custom, 80001-80014 business use case) rather than always by HTTP 429, and usage
by the ``X-App-Usage`` / ``X-Page-Usage`` / ``X-Business-Use-Case-Usage`` headers
(percentages of the rolling window; BUC also gives ``estimated_time_to_regain_access``
in minutes).
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

TOKEN_VAR = "SOCIALHUB_FACEBOOK_TOKEN"
DEFAULT_BASE_URL = "https://graph.facebook.com/v19.0"
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
# 190: invalid/expired token; 102: session; 10 and 200-299: permission missing.
AUTH_CODES = frozenset({190, 102, 10, *range(200, 300)})
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-ad-account-usage")


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return None


def read_usage(headers: Mapping[str, str], now: float | None = None) -> dict[str, float]:
    """Usage headers -> ``{"used_pct", "remaining", "reset"}`` for the coordinator's health.

    ``used_pct`` is the highest of the reported percentages (call count, CPU, time);
    ``remaining`` is what is left of 100; ``reset`` an epoch when BUC said how long to wait.
    """
    now = time.time() if now is None else now
    used: list[float] = []
    wait_minutes = 0.0
    for name in USAGE_HEADERS:
        data = _json_header(headers.get(name))
        if isinstance(data, dict):
            used += [float(v) for v in data.values() if isinstance(v, int | float)]
    buc = _json_header(headers.get("x-business-use-case-usage"))
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                for key in ("call_count", "total_cputime", "total_time"):
                    if isinstance(entry.get(key), int | float):
                        used.append(float(entry[key]))
                wait = entry.get("estimated_time_to_regain_access")
                if isinstance(wait, int | float):
                    wait_minutes = max(wait_minutes, float(wait))
    rate: dict[str, float] = {}
    if used:
        rate["used_pct"] = max(used)
        rate["remaining"] = max(0.0, 100.0 - max(used))
    if wait_minutes:
        rate["reset"] = now + wait_minutes * 60
    return rate


def _retry_after(response: httpx.Response) -> float | None:
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    rate = read_usage(response.headers)
    if "reset" in rate:
        return max(0.0, rate["reset"] - time.time())
    return None


class GraphClient:
    """GET requests on the Graph API with the page/user token as a Bearer header.

    The header (rather than ``access_token=`` in the query) keeps the token out of
    URLs, which end up in logs and in ``paging.next``.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 20.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = client or guarded_client(timeout=timeout)

    async def get(
        self, path: str, params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, float]]:
        """One GET; returns the decoded body and the usage read from the headers."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "socialhub"}
        try:
            response = await self._client.get(url, params=dict(params), headers=headers)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"facebook: timeout on {path}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"facebook: {type(exc).__name__} on {path}") from exc
        return self._decode(response, path), read_usage(response.headers)

    async def close(self) -> None:
        await self._client.aclose()

    def _decode(self, response: httpx.Response, path: str) -> dict[str, Any]:
        status = response.status_code
        if status >= 500:
            raise Unavailable(f"facebook: HTTP {status} on {path}")
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise MalformedPayload(
                f"facebook: invalid JSON on {path} (HTTP {status})", response.text
            ) from exc
        if not isinstance(body, dict):
            raise MalformedPayload(f"facebook: expected an object on {path}", response.text)
        error = body.get("error")
        if status == 429 or isinstance(error, dict) or status >= 400:
            raise _error(status, error if isinstance(error, dict) else {}, response)
        return body


def _error(status: int, error: dict[str, Any], response: httpx.Response) -> Exception:
    code = error.get("code")
    message = str(error.get("message") or f"HTTP {status}")
    trace = error.get("fbtrace_id")
    where = f" (code {code}, fbtrace_id {trace})" if trace else f" (code {code})"
    if status == 429 or code in THROTTLE_CODES:
        return RateLimited(f"facebook: throttled: {message}{where}", _retry_after(response))
    if status in (401, 403) or code in AUTH_CODES:
        return AuthError(f"facebook: {TOKEN_VAR} rejected: {message}{where}")
    return BadRequest(f"facebook: {message}{where}")
