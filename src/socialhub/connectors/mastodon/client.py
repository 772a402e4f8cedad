"""HTTP calls to Mastodon instances (REST and the SSE streaming API), error mapping.

Rate limits are per account (with a token) or per IP, 300 requests per 5 minutes by
default; every response carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (an ISO 8601 timestamp). Paging is by ``Link`` headers
(``rel="next"`` has ``max_id``, ``rel="prev"`` has ``min_id``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    RateLimited,
    Unavailable,
    parse_time,
    wait_seconds,
)
from socialhub.connectors.linkguard import guarded_client

PLATFORM = "mastodon"
TOKEN_ENV = "SOCIALHUB_MASTODON_TOKEN"


def instance_url(instance: str) -> str:
    """``mastodon.social`` or ``https://mastodon.social/`` -> ``https://mastodon.social``."""
    instance = instance.strip().rstrip("/")
    return instance if "://" in instance else f"https://{instance}"


def host_of(base: str) -> str:
    return urlsplit(base).netloc


def rate_headers(headers: Mapping[str, str]) -> dict[str, float]:
    rate: dict[str, float] = {}
    for key in ("limit", "remaining"):
        value = headers.get(f"x-ratelimit-{key}")
        if value is not None:
            with contextlib.suppress(ValueError):
                rate[key] = float(value)
    reset = parse_time(headers.get("x-ratelimit-reset"))
    if reset is not None:
        rate["reset"] = reset.timestamp()
    return rate


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """``Retry-After`` (seconds or HTTP date), else ``X-RateLimit-Reset`` minus now."""
    return wait_seconds(headers.get("retry-after"), rate_headers(headers).get("reset"), now)


def link_params(header: str | None) -> dict[str, dict[str, str]]:
    """``Link: <...?max_id=1>; rel="next", <...?min_id=9>; rel="prev"`` -> query params by rel."""
    found: dict[str, dict[str, str]] = {}
    for part in (header or "").split(","):
        if ";" not in part:
            continue
        url_part, *attrs = part.split(";")
        url = url_part.strip().strip("<>")
        for attr in attrs:
            name, _, value = attr.strip().partition("=")
            if name == "rel":
                query = parse_qs(urlsplit(url).query)
                found[value.strip('"')] = {k: v[0] for k, v in query.items()}
    return found


@dataclass(slots=True)
class Response:
    data: Any
    links: dict[str, dict[str, str]]
    rate: dict[str, float]


class MastodonClient:
    """One HTTP client for every instance; the token is sent when one is configured."""

    def __init__(
        self,
        *,
        env: Mapping[str, str],
        token_envs: Mapping[str, str] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.env = env
        self.token_envs = dict(token_envs or {})  # host -> variable, default TOKEN_ENV
        self.timeout = timeout
        self._http: httpx.AsyncClient | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = guarded_client(timeout=self.timeout)
        return self._http

    def token_env(self, base: str) -> str:
        return self.token_envs.get(host_of(base), TOKEN_ENV)

    def token(self, base: str, *, required: bool) -> str:
        name = self.token_env(base)
        value = self.env.get(name, "").strip()
        if required and not value:
            raise AuthError(f"{PLATFORM} ({host_of(base)}): set {name} (missing or empty)")
        return value

    def _headers(self, base: str, required: bool) -> dict[str, str]:
        token = self.token(base, required=required)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def _check(self, response: httpx.Response, base: str) -> None:
        status = response.status_code
        if status < 400:
            return
        where = f"{PLATFORM} ({host_of(base)})"
        detail = response.text[:300]
        if status == 429:
            raise RateLimited(f"{where}: rate limited", retry_after(response.headers))
        if status in (401, 403):
            raise AuthError(f"{where}: {status} refused; check {self.token_env(base)} ({detail})")
        if status >= 500:
            raise Unavailable(f"{where}: HTTP {status}")
        raise BadRequest(f"{where}: HTTP {status}: {detail}")

    async def request(
        self,
        method: str,
        base: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        auth: bool = False,
    ) -> Response:
        """One REST call; ``auth=True``: the token is required (AuthError otherwise)."""
        query = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            response = await self.http.request(
                method,
                f"{base}{path}",
                params=query,
                data=dict(data) if data is not None else None,
                headers=self._headers(base, auth),
            )
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{PLATFORM} ({host_of(base)}): timeout on {path}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"{PLATFORM} ({host_of(base)}): {type(exc).__name__}") from exc
        self._check(response, base)
        try:
            payload = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise MalformedPayload(f"{PLATFORM}: invalid JSON from {path}", response.text) from exc
        return Response(
            payload, link_params(response.headers.get("link")), rate_headers(response.headers)
        )

    async def events(
        self, base: str, path: str, params: Mapping[str, str]
    ) -> AsyncIterator[tuple[str, str]]:
        """Server-sent events ``(event, data)``; heartbeat comments skipped; any end or cut
        of the stream raises :class:`Unavailable` (a half-received event is dropped)."""
        timeout = httpx.Timeout(self.timeout, read=max(self.timeout, 60.0))  # heartbeats: ~15 s
        try:
            async with self.http.stream(
                "GET",
                f"{base}{path}",
                params=dict(params),
                headers={**self._headers(base, False), "Accept": "text/event-stream"},
                timeout=timeout,
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    self._check(response, base)
                event = "message"
                data: list[str] = []
                async for line in response.aiter_lines():
                    if line.startswith(":"):
                        continue  # heartbeat / comment
                    if not line:
                        if data:
                            yield event, "\n".join(data)
                        event, data = "message", []
                        continue
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "event":
                        event = value
                    elif name == "data":
                        data.append(value)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{PLATFORM} ({host_of(base)}): stream timed out") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"{PLATFORM} ({host_of(base)}): stream cut ({exc})") from exc
        raise Unavailable(f"{PLATFORM} ({host_of(base)}): stream closed")

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
