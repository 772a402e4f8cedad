"""The connector contract: what every platform package provides, and what the hub runs.

A *connector* (one package per platform under ``socialhub/connectors/<platform>/``)
only talks to its platform and normalises: it turns one request into a :class:`Page`
of mentions plus the cursor to continue from, and raises the typed errors below. It
never sleeps, retries or stores anything: the *coordinator*
(``socialhub.connectors.coordinator``) owns intervals, backoff (honouring
``Retry-After`` and reset headers), the persisted cursor, health, gap backfill and the
dead-letter table for payloads that fail normalisation.

Each package has:

- ``manifest.toml``: ``name``, ``title``, ``capabilities`` (``search``, ``stream``,
  ``timeline``, ``publish``), ``auth`` (the environment variables it reads), rate
  limits as documented by the platform;
- ``client.py`` (HTTP/websocket calls, error mapping), ``normalize.py`` (raw payload ->
  :class:`~socialhub.models.Mention` with ``collected_via``, ``collected_at``,
  ``match_query`` and reply/quote/repost/root ids), ``connector.py`` (the class);
- ``fixtures/``: golden files, raw payloads as documented by the platform and the
  normalised records they must give (``tests/connectors/<platform>/``).

The hub's simplest source interface, :class:`Source` (``run(emit, stop)``), is what the
coordinator exposes for each configured source, so the demo stream and real platforms
run the same way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from socialhub.models import Mention

Emit = Callable[[Mention], Awaitable[None]]


class Source(Protocol):
    name: str

    async def run(self, emit: Emit, stop: asyncio.Event) -> None:
        """Emit normalised mentions until ``stop`` is set or the source ends."""
        ...


# -- errors (raised by connectors, handled by the coordinator) --------------------------


class ConnectorError(Exception):
    """Base class. ``retryable``: the coordinator backs off and tries again."""

    retryable = True


class RateLimited(ConnectorError):
    """HTTP 429 or a platform's quota error. ``retry_after`` in seconds when the
    platform said (``Retry-After``, ``x-rate-limit-reset``, ``ratelimit-reset``)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ConnectorError):
    """5xx, timeouts, connection errors, a stream cut mid-message."""


class AuthError(ConnectorError):
    """Missing or rejected credentials. The message names the environment variable.
    Not retryable: the source stops and reports it; the other sources keep running."""

    retryable = False


class BadRequest(ConnectorError):
    """The platform refused the request itself (4xx other than 401/403/429), e.g. a
    query it cannot parse. Not retryable with the same parameters."""

    retryable = False


class MalformedPayload(ConnectorError):
    """The response could not be parsed at all (invalid JSON, wrong shape). The raw
    body is kept in ``raw`` so the coordinator can dead-letter it."""

    def __init__(self, message: str, raw: str = "") -> None:
        super().__init__(message)
        self.raw = raw


# What a decoder or parser raises on a payload it cannot read (bad bytes, an unknown
# charset, invalid JSON or XML, a wrong shape). A connector should raise
# MalformedPayload itself; if one of these escapes instead, the coordinator treats it
# the same way — permanent for that payload, dead-lettered with the reason — and never
# as a transient error retried with backoff forever.
PAYLOAD_ERRORS: tuple[type[Exception], ...] = (
    UnicodeError,
    LookupError,
    ValueError,
    TypeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
)


# -- what a fetch returns -------------------------------------------------------------


@dataclass(slots=True)
class Rejected:
    """One item of a page that could not be normalised: dead-lettered with the reason."""

    reason: str
    raw: str
    location: str = ""


@dataclass(slots=True)
class Page:
    """One request's worth of results.

    ``cursor`` is an opaque JSON-able dict the connector understands (``next_token``,
    ``since_id``, ``max_id``, a feed's ETag...); the coordinator persists it after the
    page's mentions are emitted, so a restart resumes from it. ``done`` says there is
    nothing more right now (end of pagination); ``rate`` carries the platform's
    rate-limit headers as read (``remaining``, ``reset`` epoch seconds) for health.
    """

    mentions: list[Mention] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)
    done: bool = True
    rejected: list[Rejected] = field(default_factory=list)
    rate: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Target:
    """What to collect: a query (search), an account (timeline), a feed or page URL.

    ``kind`` is ``search``, ``timeline``, ``feed``, ``page`` or ``stream``; ``value``
    the query text, handle, URL or folder; ``match_query`` is copied onto each mention.
    """

    kind: str
    value: str
    match_query: str = ""
    options: dict[str, Any] = field(default_factory=dict)


class Connector(Protocol):
    """A platform's client + normaliser. Built from ``options`` and the environment."""

    name: str  # the platform name used in Mention.platform

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        """One request: the next page after ``cursor`` (None: start from now/recent)."""
        ...

    async def close(self) -> None: ...


class StreamingConnector(Connector, Protocol):
    """Platforms with a push stream (X filtered stream, Jetstream, Mastodon streaming)."""

    def stream(self, target: Target, cursor: Mapping[str, Any] | None) -> AsyncIterator[Page]:
        """Pages as they arrive (usually one mention each); raises on a cut stream, and
        the coordinator reconnects with backoff, then backfills the gap by search."""
        ...


class Publisher(Protocol):
    """Platforms the engagement inbox can answer on."""

    async def publish(self, text: str, *, reply_to: str | None = None, account: str = "") -> str:
        """Post ``text`` (as a reply when ``reply_to``); returns the new native id."""
        ...


def env_credential(env: Mapping[str, str], name: str, platform: str) -> str:
    """A credential from the environment, or :class:`AuthError` naming the variable."""
    value = env.get(name, "").strip()
    if not value:
        raise AuthError(f"{platform}: set {name} (missing or empty)")
    return value


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (``Z`` allowed) to an aware datetime; None when absent or invalid."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt


def wait_seconds(
    retry_after: str | None, reset: float | None = None, now: float | None = None
) -> float | None:
    """Seconds to wait: ``Retry-After`` (delta-seconds or an HTTP date) when usable,
    else until ``reset`` (epoch seconds, from the platform's rate-limit headers)."""
    now = time.time() if now is None else now
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
            except (TypeError, ValueError, IndexError):
                pass
    return None if reset is None else max(0.0, reset - now)


class SeenIds:
    """Recently emitted native ids kept in a cursor's ``seen`` (bounded, oldest dropped)."""

    def __init__(self, state: dict[str, Any], limit: int) -> None:
        self.state = state
        self.limit = limit
        self.ids: list[str] = list(state.get("seen", []))
        self.set = set(self.ids)

    def add(self, native_id: str) -> bool:
        """True the first time ``native_id`` is seen (and remembered), else False."""
        if native_id in self.set:
            return False
        self.set.add(native_id)
        self.ids.append(native_id)
        self.state["seen"] = self.ids[-self.limit :]
        return True
