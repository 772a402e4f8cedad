"""HTTP (XRPC) and websocket (Jetstream) calls to Bluesky, with the error mapping.

XRPC methods are ``GET|POST {service}/xrpc/{nsid}``. Read methods go to the AppView
(``base_url``, public and unauthenticated by default); once a session exists they go
through the account's PDS (``pds_url``) with ``Authorization: Bearer <accessJwt>``,
which proxies ``app.bsky.*`` to the AppView. ``searchPosts`` "may require
authentication for some service providers" (lexicon): without credentials a 401/403
becomes an :class:`AuthError` naming the two variables to set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import websockets
from websockets.asyncio.client import connect

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    ConnectorError,
    MalformedPayload,
    RateLimited,
    Unavailable,
    env_credential,
    wait_seconds,
)
from socialhub.connectors.linkguard import LinkGuard, guarded_client

PLATFORM = "bluesky"
HANDLE_ENV = "SOCIALHUB_BLUESKY_HANDLE"
PASSWORD_ENV = "SOCIALHUB_BLUESKY_APP_PASSWORD"
DEFAULT_APPVIEW = "https://public.api.bsky.app"
DEFAULT_PDS = "https://bsky.social"
DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"


def rate_headers(headers: Mapping[str, str]) -> dict[str, float]:
    """``ratelimit-limit/remaining/reset`` (reset: epoch seconds) as numbers."""
    rate: dict[str, float] = {}
    for key in ("limit", "remaining", "reset"):
        value = headers.get(f"ratelimit-{key}")
        if value is None:
            continue
        try:
            rate[key] = float(value)
        except ValueError:
            continue
    return rate


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait: ``Retry-After`` (seconds or HTTP date), else ``ratelimit-reset``."""
    return wait_seconds(headers.get("retry-after"), rate_headers(headers).get("reset"), now)


def raise_for_status(response: httpx.Response, *, auth_hint: str) -> None:
    """Map an XRPC error response to the connector's typed errors."""
    status = response.status_code
    if status < 400:
        return
    detail = response.text[:300]
    if status == 429:
        raise RateLimited(f"{PLATFORM}: rate limited", retry_after(response.headers))
    if status in (401, 403):
        raise AuthError(f"{PLATFORM}: {status} refused; {auth_hint} ({detail})")
    if status >= 500:
        raise Unavailable(f"{PLATFORM}: HTTP {status}")
    raise BadRequest(f"{PLATFORM}: HTTP {status}: {detail}")


def decode(response: httpx.Response) -> dict[str, Any]:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayload(f"{PLATFORM}: invalid JSON ({exc})", response.text) from exc
    if not isinstance(data, dict):
        raise MalformedPayload(f"{PLATFORM}: expected a JSON object", response.text)
    return data


class BlueskyClient:
    """XRPC calls with an optional app-password session.

    Parameters
    ----------
    base_url, pds_url
        AppView (reads without a session) and PDS (session, writes, authenticated reads).
    env
        Where the handle and app password are read (never logged).
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_APPVIEW,
        pds_url: str = DEFAULT_PDS,
        env: Mapping[str, str],
        timeout: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.pds_url = pds_url.rstrip("/")
        self.env = env
        self.timeout = timeout
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self.session: dict[str, Any] | None = None
        self.last_rate: dict[str, float] = {}

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = guarded_client(timeout=self.timeout, transport=self._transport)
        return self._http

    def has_credentials(self) -> bool:
        return bool(self.env.get(HANDLE_ENV, "").strip() and self.env.get(PASSWORD_ENV, "").strip())

    async def login(self) -> dict[str, Any]:
        """``com.atproto.server.createSession`` with the handle and app password."""
        identifier = env_credential(self.env, HANDLE_ENV, PLATFORM)
        password = env_credential(self.env, PASSWORD_ENV, PLATFORM)
        body = {"identifier": identifier, "password": password}
        data = await self._send(
            "POST",
            f"{self.pds_url}/xrpc/com.atproto.server.createSession",
            json=body,
            auth_hint=f"check {HANDLE_ENV} and {PASSWORD_ENV}",
        )
        if not data.get("accessJwt") or not data.get("did"):
            raise MalformedPayload(f"{PLATFORM}: createSession without accessJwt/did")
        self.session = data
        return data

    async def get(self, nsid: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """An XRPC query; authenticated through the PDS when credentials are set."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        if self.has_credentials():
            if self.session is None:
                await self.login()
            try:
                return await self._authed("GET", nsid, params=query)
            except AuthError:
                # access tokens expire after a couple of hours: one fresh session, once
                await self.login()
                return await self._authed("GET", nsid, params=query)
        hint = f"this endpoint may need a session: set {HANDLE_ENV} and {PASSWORD_ENV}"
        return await self._send("GET", f"{self.base_url}/xrpc/{nsid}", params=query, auth_hint=hint)

    async def post(self, nsid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """An XRPC procedure (always authenticated)."""
        if self.session is None:
            await self.login()
        return await self._authed("POST", nsid, json=dict(body))

    async def _authed(self, method: str, nsid: str, **kwargs: Any) -> dict[str, Any]:
        assert self.session is not None
        headers = {"Authorization": f"Bearer {self.session['accessJwt']}"}
        return await self._send(
            method,
            f"{self.pds_url}/xrpc/{nsid}",
            headers=headers,
            auth_hint=f"check {HANDLE_ENV} and {PASSWORD_ENV}",
            **kwargs,
        )

    async def _send(self, method: str, url: str, *, auth_hint: str, **kwargs: Any) -> Any:
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{PLATFORM}: timeout on {url.split('?')[0]}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"{PLATFORM}: {type(exc).__name__} on {url}") from exc
        self.last_rate = rate_headers(response.headers)
        raise_for_status(response, auth_hint=auth_hint)
        return decode(response)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


async def jetstream_messages(
    url: str, *, collections: list[str], cursor: int | None, open_timeout: float = 20.0
) -> AsyncIterator[str]:
    """Raw text messages from Jetstream; any end of the stream raises :class:`Unavailable`.

    ``cursor`` (``time_us``) replays from that point, so a reconnect loses nothing.
    """
    params: list[tuple[str, str]] = [("wantedCollections", c) for c in collections]
    if cursor is not None:
        params.append(("cursor", str(cursor)))
    full = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    await LinkGuard().check(full, "jetstream")  # the address guard, as for every fetch
    try:
        async with _NoRedirect(full, open_timeout=open_timeout, max_size=2**22) as ws:
            async for message in ws:
                yield message if isinstance(message, str) else message.decode("utf-8", "replace")
    except websockets.InvalidStatus as exc:
        status = exc.response.status_code
        if status == 429:
            raise RateLimited(f"{PLATFORM}: jetstream refused (429)") from exc
        if status >= 500:
            raise Unavailable(f"{PLATFORM}: jetstream HTTP {status}") from exc
        raise BadRequest(f"{PLATFORM}: jetstream HTTP {status}") from exc
    except ConnectorError:
        raise
    except (websockets.ConnectionClosed, OSError, TimeoutError) as exc:
        raise Unavailable(f"{PLATFORM}: jetstream connection lost ({exc})") from exc
    except websockets.InvalidHandshake as exc:
        raise Unavailable(f"{PLATFORM}: jetstream handshake failed ({exc})") from exc
    # the firehose never ends by itself: a clean close is a cut too
    raise Unavailable(f"{PLATFORM}: jetstream closed the connection")


class _NoRedirect(connect):
    """A Jetstream connection that never follows a redirect: a 3xx is refused as it is,
    since the address guard could not check where it points."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc
