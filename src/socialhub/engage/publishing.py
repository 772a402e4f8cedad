"""What every platform publisher offers, and the loop that publishes exactly once.

A publisher only talks to its platform: :meth:`Publisher.publish` sends one post and
:meth:`Publisher.find_existing` looks for one already sent with the same draft (own
recent posts with the same text and reply target, or a deterministic record key). The
loop (:func:`publish_once`) owns retries:

* before every attempt after the first, it asks the platform whether the post is
  already there: a timeout after the platform accepted the post, or a crash between
  sending and recording, must never give a second post;
* on HTTP 429 (or the platform's quota error) it waits as long as the platform said
  (``Retry-After``, ``x-rate-limit-reset``, ``ratelimit-reset``...), through an
  injected ``sleep`` so tests drive a fake clock;
* 5xx and network errors back off exponentially; refusals (4xx) and rejected
  credentials stop at once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx
import orjson

from socialhub.connectors.base import (
    AuthError,
    BadRequest,
    ConnectorError,
    MalformedPayload,
    RateLimited,
    Unavailable,
)
from socialhub.connectors.linkguard import AddressRefused
from socialhub.models import Mention

__all__ = [
    "AuthError",
    "BadRequest",
    "PostRequest",
    "Published",
    "Publisher",
    "RateLimited",
    "Unavailable",
    "publish_once",
    "same_text",
]


@dataclass(frozen=True, slots=True)
class PostRequest:
    """One post to send. ``target``: the mention answered (None for a new post)."""

    text: str
    client_key: str  # unique per draft: idempotency key and record-key seed
    created_at: datetime  # the draft's creation (deterministic keys derive from it)
    target: Mention | None = None
    reply_settings: str = ""  # X only: "following", "mentionedUsers"...


@dataclass(frozen=True, slots=True)
class Published:
    id: str  # the platform's id of the new post
    url: str = ""
    found_existing: bool = False  # True: it was there already, nothing was sent


class Publisher(Protocol):
    platform: str

    def publish(self, request: PostRequest) -> Published: ...

    def find_existing(self, request: PostRequest) -> Published | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    published: Published | None
    attempts: int
    error: str = ""
    waits: tuple[float, ...] = ()
    final: bool = False  # no retry can fix it (a refused request, rejected credentials)


_TAG = re.compile(r"<[^>]+>")


def same_text(a: str, b: str) -> bool:
    """Texts equal once HTML is stripped and whitespace collapsed (platforms reformat)."""

    def norm(s: str) -> str:
        return " ".join(html.unescape(_TAG.sub(" ", s)).split()).casefold()

    return norm(a) == norm(b)


def publish_once(
    publisher: Publisher,
    request: PostRequest,
    *,
    previous_attempts: int,
    on_attempt: Callable[[int], None],
    sleep: Callable[[float], None],
    max_attempts: int = 5,
    max_wait: float = 900.0,
) -> Outcome:
    """Publish ``request`` unless it is already out; see the module docstring.

    ``previous_attempts`` counts attempts recorded before (a restart after a crash);
    ``on_attempt(n)`` is called BEFORE each send so the caller persists that a post may
    be on its way. A wait longer than ``max_wait`` is not slept: the outcome says so and
    the scheduler retries later.
    """
    waits: list[float] = []
    tries = previous_attempts
    backoff = 2.0
    error = ""
    for _ in range(max_attempts):
        if tries > 0:
            try:
                found = publisher.find_existing(request)
            except ConnectorError as exc:
                error = f"could not check for an earlier post: {exc}"
                found = None
                if isinstance(exc, AuthError | BadRequest):
                    return Outcome(None, tries, error, tuple(waits), final=True)
                wait = exc.retry_after if isinstance(exc, RateLimited) else None
                wait = backoff if wait is None else wait
                if wait > max_wait:
                    return Outcome(None, tries, error, tuple(waits))
                sleep(wait)
                waits.append(wait)
                backoff *= 2
                continue  # never send before knowing
            if found is not None:
                return Outcome(found, tries, "", tuple(waits))
        tries += 1
        on_attempt(tries)
        try:
            return Outcome(publisher.publish(request), tries, "", tuple(waits))
        except (AuthError, BadRequest) as exc:
            return Outcome(None, tries, str(exc), tuple(waits), final=True)
        except RateLimited as exc:
            wait = backoff if exc.retry_after is None else exc.retry_after
            error = str(exc)
        except ConnectorError as exc:
            # a timeout, a 5xx, an unreadable answer: the post MAY be out; the next
            # attempt looks for it before sending
            wait, error = backoff, str(exc)
        if wait > max_wait:
            return Outcome(None, tries, f"{error}; retry in {wait:.0f} s", tuple(waits))
        sleep(wait)
        waits.append(wait)
        backoff *= 2
    return Outcome(None, tries, error or "gave up", tuple(waits))


# -- HTTP helpers shared by the publishers ------------------------------------------


def send(
    http: httpx.Client,
    method: str,
    url: str,
    platform: str,
    errors: Callable[[httpx.Response], ConnectorError | None],
    **kwargs: Any,
) -> httpx.Response:
    """One call with errors mapped: timeouts and network errors are ``Unavailable``
    (the post MAY have been accepted: the loop checks before resending).

    ``http`` is a guarded client (:func:`~socialhub.connectors.linkguard.guarded_sync_client`):
    a platform URL that resolves to a private or loopback address is refused unless
    allowed (``SOCIALHUB_FETCH_ALLOW``, e.g. a test's local server), and the connection
    goes to the checked address. Redirects are not followed.
    """
    try:
        response = http.request(method, url, **kwargs)
    except AddressRefused as exc:
        raise BadRequest(f"{platform}: refused by the address guard: {exc}") from None
    except httpx.TimeoutException as exc:
        raise Unavailable(f"{platform}: no answer in time ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise Unavailable(f"{platform}: network error ({type(exc).__name__})") from None
    if response.status_code < 400:
        return response
    mapped = errors(response)
    if mapped is not None:
        raise mapped
    detail = response.text[:200]
    if response.status_code == 429:
        raise RateLimited(f"{platform}: rate limited ({detail})", None)
    if response.status_code in (401, 403):
        raise AuthError(f"{platform}: credential rejected (HTTP {response.status_code})")
    if response.status_code >= 500:
        raise Unavailable(f"{platform}: HTTP {response.status_code}")
    raise BadRequest(f"{platform}: HTTP {response.status_code} ({detail})")


def json_of(response: httpx.Response, platform: str) -> dict[str, Any]:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise MalformedPayload(f"{platform}: invalid JSON", response.text[:500]) from None
    if not isinstance(data, dict):
        raise MalformedPayload(f"{platform}: expected a JSON object", response.text[:500])
    return data


def seconds_until(epoch: float, now: datetime) -> float:
    return max(0.0, epoch - now.timestamp())
