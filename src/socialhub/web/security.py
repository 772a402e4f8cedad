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
from socialhub.web.clientip import Network

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
    # Failed logins within the window, counted four ways; reaching a limit refuses
    # further attempts on that count until its oldest failure leaves the window:
    # per (username, client address), per username from anywhere (a spread-out guess of
    # one account's password), per client address whatever the username (trying many
    # usernames), and all together (a distributed spray).
    max_failures: int = 5
    max_failures_per_account: int = 10
    max_failures_per_address: int = 10
    max_failures_global: int = 200
    failure_window: timedelta = timedelta(minutes=15)
    # Connections from these addresses may name the client in X-Forwarded-For and the
    # scheme in X-Forwarded-Proto (socialhub.web.clientip); nobody else's headers count.
    trusted_proxies: tuple[Network, ...] = ()
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


ANY = "*any*"  # stands for "every username" or "every address" in a failure key


def failure_key(username: str, ip: str) -> str:
    return f"{username.strip().lower()}|{ip}"


def failure_limits(username: str, ip: str, config: AuthConfig) -> list[tuple[str, int]]:
    """``(key, limit)`` of every count a failed login adds to; the pair first."""
    return [
        (failure_key(username, ip), config.max_failures),
        (failure_key(username, ANY), config.max_failures_per_account),
        (failure_key(ANY, ip), config.max_failures_per_address),
        (failure_key(ANY, ANY), config.max_failures_global),
    ]


def retry_after(
    failures: list[datetime], config: AuthConfig, now: datetime, limit: int | None = None
) -> int | None:
    """Seconds until another attempt is allowed, or None when it is allowed now."""
    limit = config.max_failures if limit is None else limit
    if len(failures) < limit:
        return None
    # the attempt is allowed once only limit - 1 remain in the window
    oldest_that_matters = failures[-limit]
    wait = oldest_that_matters + config.failure_window - now
    return max(1, int(wait.total_seconds()) + 1)


def safe_next(value: str | None) -> str:
    """A same-site path to go to after login (never another host: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
