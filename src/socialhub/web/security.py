"""Secrets and limits of the web app: session and token values, expiry, rate limits.

A session id or API token is 32 random bytes (URL-safe base64) handed to the client
once; the store keeps only its SHA-256. SHA-256 rather than a slow hash because the
value is random and long (no dictionary to try), and it is looked up on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from socialhub.models import utcnow

SESSION_COOKIE = "socialhub_session"
LOGIN_CSRF_COOKIE = "socialhub_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
TOKEN_PREFIX = "shub_"  # API tokens start with it, so a leaked one is easy to grep for


@dataclass(slots=True)
class AuthConfig:
    """Session lifetimes and the login rate limit; ``clock`` is replaceable in tests."""

    idle_timeout: timedelta = timedelta(hours=8)
    absolute_timeout: timedelta = timedelta(days=7)
    # Per (username, client address): this many failures within the window lock
    # further attempts until the oldest failure leaves the window.
    max_failures: int = 5
    failure_window: timedelta = timedelta(minutes=15)
    # last_seen is written at most this often: one write per request would serialise
    # every page load behind SQLite's single writer.
    touch_every: timedelta = timedelta(minutes=1)
    clock: Callable[[], datetime] = field(default=utcnow)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """What the store keeps of a session id or token."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def failure_key(username: str, ip: str) -> str:
    return f"{username.strip().lower()}|{ip}"


def retry_after(failures: list[datetime], config: AuthConfig, now: datetime) -> int | None:
    """Seconds until another attempt is allowed, or None when it is allowed now."""
    if len(failures) < config.max_failures:
        return None
    # the attempt is allowed once only max_failures - 1 remain in the window
    oldest_that_matters = failures[-config.max_failures]
    wait = oldest_that_matters + config.failure_window - now
    return max(1, int(wait.total_seconds()) + 1)


def safe_next(value: str | None) -> str:
    """A same-site path to go to after login (never another host: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
