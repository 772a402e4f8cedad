"""Polite HTTP for the web watcher: robots.txt, a per-host delay, a User-Agent, typed errors.

``robots.txt`` is fetched once per host (kept ``robots_ttl`` seconds) from the same
scheme and host as the page and read with :mod:`urllib.robotparser`: a 404 allows
everything, a 401/403 forbids everything (the robotparser convention), a 5xx or a
timeout is :class:`Unavailable` (retried later, never taken as permission). Its
``Crawl-delay`` raises the per-host delay when longer than ``min_delay``.

The delay between two requests to one host is awaited here: it is politeness towards
the site rather than backoff, which stays with the coordinator.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    MalformedPayload,
    RateLimited,
    Unavailable,
    wait_seconds,
)
from socialhub.connectors.linkguard import LinkGuard, guarded_client

USER_AGENT = "socialhub-webwatch/0.1 (self-hosted social listening; respects robots.txt)"
ROBOTS_AGENT = "socialhub"
HTML_TYPES = ("text/html", "application/xhtml+xml")


class RobotsDisallowed(BadRequest):
    """robots.txt forbids the URL for our user agent: the page is never fetched."""


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date)."""
    return wait_seconds(value, None, now)


class PoliteFetcher:
    """GETs HTML pages, one host at a time at most every ``min_delay`` seconds."""

    def __init__(
        self,
        *,
        min_delay: float = 5.0,
        timeout: float = 20.0,
        user_agent: str = USER_AGENT,
        robots_ttl: float = 3600.0,
        client: httpx.AsyncClient | None = None,
        guard: LinkGuard | None = None,
    ) -> None:
        self.min_delay = min_delay
        self.user_agent = user_agent
        self.robots_ttl = robots_ttl
        self._client = client or guarded_client(
            guard, timeout=timeout, follow_redirects=True, headers={"User-Agent": user_agent}
        )
        self._robots: dict[str, tuple[float, RobotFileParser]] = {}
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def close(self) -> None:
        await self._client.aclose()

    def _delay(self, host: str) -> float:
        cached = self._robots.get(host)
        crawl = cached[1].crawl_delay(ROBOTS_AGENT) if cached else None
        return max(self.min_delay, float(crawl or 0))

    async def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            remaining = last + self._delay(host) - time.monotonic()
            if remaining > 0:
                await asyncio.sleep(remaining)
        self._last[host] = time.monotonic()

    async def _get(self, url: str) -> httpx.Response:
        try:
            return await self._client.get(url)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"webwatch: timeout on {url}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"webwatch: {type(exc).__name__} on {url}") from exc

    async def robots(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        cached = self._robots.get(host)
        if cached and time.monotonic() - cached[0] < self.robots_ttl:
            return cached[1]
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        await self._wait_turn(host)
        response = await self._get(robots_url)
        parser = RobotFileParser(robots_url)
        if response.status_code in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif response.status_code >= 500 or response.status_code == 429:
            raise Unavailable(f"webwatch: robots.txt answered HTTP {response.status_code}")
        elif response.status_code >= 400:
            parser.parse([])  # no robots.txt: everything is allowed
        else:
            parser.parse(response.text.splitlines())
        self._robots[host] = (time.monotonic(), parser)
        return parser

    async def fetch_html(self, url: str) -> str:
        """The page's HTML, or a typed error. Checks robots.txt first."""
        host = urlsplit(url).netloc.lower()
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            parser = await self.robots(url)
            if not parser.can_fetch(ROBOTS_AGENT, url):
                raise RobotsDisallowed(f"webwatch: robots.txt disallows {url}")
            await self._wait_turn(host)
            response = await self._get(url)
        status = response.status_code
        if status == 429 or (status == 503 and "retry-after" in response.headers):
            wait = retry_after(response.headers.get("retry-after"))
            raise RateLimited(f"webwatch: HTTP {status} on {url}", wait)
        if status >= 500:
            raise Unavailable(f"webwatch: HTTP {status} on {url}")
        if status in (401, 403):
            raise AuthError(
                f"webwatch: {url} answered HTTP {status} (login wall or blocked); "
                "this source reads public pages only and has no credential variable"
            )
        if status >= 400:
            raise BadRequest(f"webwatch: HTTP {status} on {url}")
        ctype = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
        if ctype not in HTML_TYPES:
            raise MalformedPayload(f"webwatch: {url} is {ctype}, not HTML", response.text[:2000])
        return response.text
