"""HTTP for feeds and articles: conditional GET, a timeout, a size cap, typed errors.

Only ``http`` and ``https`` URLs are fetched. The body is read in chunks and abandoned
past ``max_bytes``, so a hostile or broken server cannot exhaust memory. Every request
(the configured feed, each redirect hop, ``rel=next`` pages, article links) goes through
:class:`~socialhub.connectors.linkguard.GuardedTransport`, so neither a feed nor a
redirect can point the hub at an internal address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from socialhub.connectors.base import BadRequest, MalformedPayload, RateLimited, Unavailable
from socialhub.connectors.linkguard import LinkGuard, guarded_client

USER_AGENT = "socialhub/0.1 (self-hosted feed reader)"
MAX_REDIRECTS = 5


@dataclass(slots=True)
class Response:
    status: int
    url: str
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class FeedClient:
    """One shared ``httpx.AsyncClient`` whose every request passes the address guard.

    Redirects are followed by httpx through :class:`GuardedTransport`, so the feed URL,
    each redirect hop, ``rel=next`` pages and article links are all checked.
    """

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        guard: LinkGuard | None = None,
    ) -> None:
        self.max_bytes = int(max_bytes)
        self._http = guarded_client(
            guard,
            transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": user_agent},
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        max_bytes: int | None = None,
        accept: str = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    ) -> Response:
        """GET ``url``; 304 comes back as a response, errors as the typed exceptions.

        A URL (or a redirect hop) the guard refuses raises
        :class:`~socialhub.connectors.linkguard.AddressRefused` (a ``BadRequest``).
        """
        if not is_http_url(url):
            raise BadRequest(f"not an http(s) URL: {url[:200]!r}")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        cap = self.max_bytes if max_bytes is None else int(max_bytes)
        try:
            async with self._http.stream("GET", url, headers=headers) as resp:
                return await self._read(resp, url, cap)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.TooManyRedirects as exc:
            raise BadRequest(f"{url}: too many redirects") from exc
        except httpx.HTTPError as exc:  # connection refused, reset, cut mid-body...
            raise Unavailable(f"{url}: {type(exc).__name__}: {exc}") from exc

    async def _read(self, resp: httpx.Response, url: str, cap: int) -> Response:
        self._raise_for_status(resp, url)
        body = bytearray()
        if resp.status_code != 304:
            async for chunk in resp.aiter_bytes():
                body.extend(chunk)
                if len(body) > cap:
                    raise MalformedPayload(
                        f"{url}: response larger than {cap} bytes",
                        raw=bytes(body[:4096]).decode("utf-8", "replace"),
                    )
        return Response(
            resp.status_code,
            str(resp.url),
            bytes(body),
            resp.headers.get("etag", ""),
            resp.headers.get("last-modified", ""),
            resp.headers.get("content-type", ""),
            dict(resp.headers),
        )

    @staticmethod
    def _raise_for_status(resp: httpx.Response, url: str) -> None:
        status = resp.status_code
        if status < 400 or status == 304:
            return
        if status == 429:
            raise RateLimited(f"{url}: HTTP 429", retry_after(resp.headers.get("retry-after")))
        if status >= 500:
            raise Unavailable(f"{url}: HTTP {status}")
        # 401/403/404/410 on a feed: this feed is refused or gone; the others go on
        raise BadRequest(f"{url}: HTTP {status}")
