"""HTTP calls to the X API v2 and the mapping of its answers to the connector errors.

Documented behaviour relied on here:

- every response carries ``x-rate-limit-limit``, ``x-rate-limit-remaining`` and
  ``x-rate-limit-reset`` (Unix epoch seconds when the 15-minute window resets);
- errors are "problem" bodies ``{"title", "detail", "type", "status"}`` (401, 429...)
  or ``{"errors": [{"message", "parameters"}], "title": "Invalid Request", ...}`` (400);
- the filtered stream is one long response of ``\\r\\n``-terminated JSON lines with a
  blank keep-alive line every 20 seconds; no data for longer means the connection died.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import orjson

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    RateLimited,
    Unavailable,
    wait_seconds,
)
from socialhub.connectors.linkguard import guarded_client

DEFAULT_BASE_URL = "https://api.x.com"
MAX_LINE_BYTES = 4 * 1024 * 1024  # a tweet line is a few kB; more means a broken stream


def rate_info(headers: httpx.Headers) -> dict[str, float]:
    """The rate-limit headers as numbers (``limit``, ``remaining``, ``reset`` epoch s)."""
    out: dict[str, float] = {}
    for key, header in (
        ("limit", "x-rate-limit-limit"),
        ("remaining", "x-rate-limit-remaining"),
        ("reset", "x-rate-limit-reset"),
    ):
        try:
            out[key] = float(headers[header])
        except (KeyError, ValueError):
            continue
    return out


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds to wait: ``Retry-After`` when sent, else until ``x-rate-limit-reset``."""
    return wait_seconds(headers.get("retry-after"), rate_info(headers).get("reset"), now)


def problem_detail(body: bytes) -> str:
    """A short human reason from an X error body (never the whole body)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:200].decode("utf-8", "replace").strip()
    if not isinstance(data, dict):
        return str(data)[:200]
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("message") or first.get("detail") or first.get("title"))[:200]
    return str(data.get("detail") or data.get("title") or data)[:200]


def raise_for_status(response: httpx.Response, body: bytes, credential: str) -> None:
    """Map an HTTP error status to the typed connector errors; 2xx passes."""
    status = response.status_code
    if status < 400:
        return
    detail = problem_detail(body)
    if status == 429:
        raise RateLimited(f"x: rate limited ({detail})", retry_after(response.headers))
    if status in (401, 403):
        raise AuthError(f"x: credential rejected (HTTP {status}: {detail}); check {credential}")
    if status >= 500:
        raise Unavailable(f"x: HTTP {status} ({detail})")
    raise BadRequest(f"x: HTTP {status} ({detail})")


def parse_json(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayload(
            f"x: {what}: invalid JSON ({exc})", body.decode("utf-8", "replace")
        ) from None
    if not isinstance(data, dict):
        raise MalformedPayload(
            f"x: {what}: expected a JSON object, got {type(data).__name__}",
            body.decode("utf-8", "replace"),
        )
    return data


class XClient:
    """A thin async client: one method per kind of call, errors already mapped.

    Parameters
    ----------
    base_url
        ``https://api.x.com`` in production; a local server in tests.
    timeout
        Seconds for connect/read/write of ordinary calls.
    stream_timeout
        Seconds without any byte (keep-alives included) after which the stream is
        declared dead; X sends a keep-alive every 20 s, so a little more than that.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        stream_timeout: float = 30.0,
        user_agent: str = "socialhub",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        self.http = guarded_client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
        )
        self.rate: dict[str, float] = {}

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        credential: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """One call -> the decoded JSON object; raises the typed errors."""
        headers = {"Authorization": f"Bearer {token}"}
        try:
            response = await self.http.request(
                method, path, params=dict(params or {}), json=json, headers=headers
            )
            body = response.content
        except httpx.TimeoutException as exc:
            raise Unavailable(f"x: {method} {path}: timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"x: {method} {path}: {type(exc).__name__}: {exc}") from None
        self.rate = rate_info(response.headers) or self.rate
        raise_for_status(response, body, credential)
        return parse_json(body, f"{method} {path}")

    async def lines(
        self, path: str, *, token: str, credential: str, params: Mapping[str, Any]
    ) -> AsyncIterator[bytes]:
        """Complete lines of a streaming response, keep-alive blanks included.

        Raises :class:`Unavailable` when the connection ends, is cut (also in the middle
        of a line: that partial message is not yielded, the backfill recovers it) or
        stays silent longer than ``stream_timeout``.
        """
        headers = {"Authorization": f"Bearer {token}"}
        timeout = httpx.Timeout(self.timeout, read=self.stream_timeout)
        buffer = b""
        try:
            async with self.http.stream(
                "GET", path, params=dict(params), headers=headers, timeout=timeout
            ) as response:
                self.rate = rate_info(response.headers) or self.rate
                if response.status_code >= 400:
                    raise_for_status(response, await response.aread(), credential)
                async for chunk in response.aiter_raw():
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        yield line.rstrip(b"\r")
                    if len(buffer) > MAX_LINE_BYTES:
                        raise Unavailable("x: stream line too long, reconnecting")
        except httpx.TimeoutException:
            raise Unavailable(
                f"x: stream silent for more than {self.stream_timeout:g} s (no keep-alive)"
            ) from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"x: stream cut: {type(exc).__name__}: {exc}") from None
        if buffer.strip():
            raise Unavailable(f"x: stream cut mid-message ({len(buffer)} bytes of a partial line)")
        raise Unavailable("x: stream closed by the server")
