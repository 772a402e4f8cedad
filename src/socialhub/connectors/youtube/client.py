"""YouTube Data API v3 calls and the mapping of its errors onto the typed errors.

Errors come as ``{"error": {"code", "message", "errors": [{"domain", "reason",
"message"}]}}``. Quota errors (403 ``quotaExceeded`` / ``dailyLimitExceeded``) last until
the daily reset at midnight Pacific Time; ``rateLimitExceeded`` /
``userRateLimitExceeded`` are short-term and honour ``Retry-After`` when sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    RateLimited,
    Unavailable,
)

KEY_VAR = "SOCIALHUB_YOUTUBE_API_KEY"
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
PACIFIC = ZoneInfo("America/Los_Angeles")
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
AUTH_REASONS = frozenset(
    {"keyInvalid", "keyExpired", "accessNotConfigured", "ipRefererBlocked", "forbidden"}
)


class YouTubeRequestError(BadRequest):
    """A refused request with the API's ``reason`` (e.g. ``commentsDisabled``)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def seconds_to_pacific_midnight(now: datetime) -> float:
    """Seconds from ``now`` (aware) to the next midnight in America/Los_Angeles."""
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return max(0.0, (midnight - local).total_seconds())


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


class YouTubeClient:
    """GET requests with the API key in the ``X-Goog-Api-Key`` header (not in URLs)."""

    def __init__(
        self,
        key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        client: httpx.AsyncClient,
        clock: Any,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._client = client
        self._clock = clock

    async def close(self) -> None:
        await self._client.aclose()

    async def get(self, resource: str, params: Mapping[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}/{resource}"
        headers = {"X-Goog-Api-Key": self._key, "User-Agent": "socialhub"}
        try:
            response = await self._client.get(url, params=dict(params), headers=headers)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"youtube: timeout on {resource}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"youtube: {type(exc).__name__} on {resource}") from exc
        status = response.status_code
        if status >= 500:
            raise Unavailable(f"youtube: HTTP {status} on {resource}")
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            if status == 429:
                raise RateLimited("youtube: HTTP 429", _retry_after(response)) from exc
            raise MalformedPayload(
                f"youtube: invalid JSON on {resource} (HTTP {status})", response.text
            ) from exc
        if not isinstance(body, dict):
            raise MalformedPayload(f"youtube: expected an object on {resource}", response.text)
        if status >= 400 or isinstance(body.get("error"), dict):
            raise self._error(status, body.get("error"), response)
        return body

    def _error(self, status: int, error: Any, response: httpx.Response) -> Exception:
        error = error if isinstance(error, dict) else {}
        details = error.get("errors") if isinstance(error.get("errors"), list) else []
        reasons = [str(d.get("reason")) for d in details if isinstance(d, dict)]
        reason = reasons[0] if reasons else ""
        message = f"youtube: {error.get('message') or f'HTTP {status}'} ({reason or status})"
        if QUOTA_REASONS.intersection(reasons):
            wait = _retry_after(response)
            if wait is None:
                wait = seconds_to_pacific_midnight(self._clock())
            return RateLimited(message, wait)
        if status == 429 or RATE_REASONS.intersection(reasons):
            return RateLimited(message, _retry_after(response))
        if (
            status == 401
            or AUTH_REASONS.intersection(reasons)
            or (status == 400 and "API key" in str(error.get("message")))
        ):
            return AuthError(f"youtube: {KEY_VAR} rejected: {message}")
        if status == 403 and not reasons:
            return AuthError(f"youtube: {KEY_VAR} rejected: {message}")
        return YouTubeRequestError(message, reason)
