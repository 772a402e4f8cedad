"""Who is calling: password login, server-side sessions, API tokens, roles per workspace.

Every page and API call goes through :func:`socialhub.web.access.principal`, which
calls :func:`authenticate` here: a ``Authorization: Bearer`` token (scripts) or the
session cookie (browsers). Sessions expire after ``idle_timeout`` without a request and
``absolute_timeout`` after login, whatever the activity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from socialhub.config.passwords import hash_password, needs_rehash, verify_password
from socialhub.i18n import M_, _
from socialhub.models import Role, User
from socialhub.records.sessions import ApiToken, WebSession
from socialhub.store.base import AccountStore, Store
from socialhub.web.security import (
    AuthConfig,
    digest,
    failure_limits,
    new_api_token,
    new_secret,
    retry_after,
)


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong username costs as long as a wrong
    password and response times do not tell which usernames exist. Hashed on first use,
    not at import: the command line imports this module and must start fast."""
    return hash_password("socialhub: no such user")


@dataclass(slots=True)
class Principal:
    """An authenticated user and what they may see."""

    user: User
    site_admin: bool
    roles: dict[int, Role]  # workspace id -> role
    via: str  # "session" or "token"
    session: WebSession | None = None
    token: ApiToken | None = None
    workspace_ids: set[int] = field(default_factory=set)

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    def role_in(self, workspace_id: int) -> Role | None:
        """The user's role in a workspace; site admins are admin everywhere."""
        if self.site_admin:
            return Role.ADMIN
        return self.roles.get(workspace_id)


class LoginError(Exception):
    """A refused login; ``retry_after`` is set when it was refused by the rate limit."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _principal(accounts: AccountStore, user: User, via: str) -> Principal:
    assert user.id is not None
    roles = {m.workspace_id: m.role for m in accounts.list_memberships(user_id=user.id)}
    return Principal(user, user.id in accounts.site_admin_ids(), roles, via)


def _user_by_id(accounts: AccountStore, user_id: int) -> User | None:
    # The protocol looks users up by name; the web has an id (a handful of users).
    return next((u for u in accounts.list_users() if u.id == user_id), None)


def from_session(
    store: Store, session_id: str, config: AuthConfig, now: datetime
) -> Principal | None:
    """The principal of a live session; an expired session is deleted."""
    session = store.sessions.get_session(digest(session_id))
    if session is None:
        return None
    if (
        now - session.last_seen_at > config.idle_timeout
        or now - session.created_at > config.absolute_timeout
    ):
        store.sessions.delete_session(session.id_hash)
        return None
    user = _user_by_id(store.accounts, session.user_id)
    if user is None or not user.is_active:
        store.sessions.delete_session(session.id_hash)
        return None
    if now - session.last_seen_at > config.touch_every:
        store.sessions.touch_session(session.id_hash, now)
    principal = _principal(store.accounts, user, "session")
    principal.session = session
    return principal


def from_token(store: Store, token: str, now: datetime) -> Principal | None:
    found = store.sessions.find_api_token(digest(token))
    if found is None:
        return None
    user = _user_by_id(store.accounts, found.user_id)
    if user is None or not user.is_active:
        return None
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        store.sessions.touch_api_token(found.id or 0, now)
    principal = _principal(store.accounts, user, "token")
    principal.token = found
    return principal


def login(
    store: Store,
    username: str,
    password: str,
    *,
    ip: str,
    user_agent: str,
    config: AuthConfig,
) -> tuple[str, WebSession]:
    """Check a password and open a session; returns (session id for the cookie, session).

    Raises :class:`LoginError` on a wrong username or password (one message for both)
    or when failures recently reached a limit: for this username from this address, for
    this username, from this address, or in all (:func:`failure_limits`).
    """
    now = config.clock()
    limits = failure_limits(username, ip, config)
    since = now - config.failure_window
    failures = store.sessions.login_failures
    waits = [retry_after(failures(k, since), config, now, n) for k, n in limits]
    if any(w is not None for w in waits):
        # one message whichever count is full: it says nothing about the account
        raise LoginError(
            _("Too many failed attempts: try again later."), max(w for w in waits if w)
        )
    user = store.accounts.get_user(username.strip())
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not ok or not user.is_active or user.id is None:
        for key, _limit in limits:
            store.sessions.add_login_failure(key, now)
        raise LoginError(_("Wrong username or password."))
    store.sessions.clear_login_failures(limits[0][0])  # the pair only: the other counts stay
    if needs_rehash(user.password_hash):
        # the hash only: an upsert of this (older) read could undo a deactivation
        store.accounts.set_user_password(user.id, hash_password(password), end_sessions=False)
    # Opportunistic housekeeping: logins are rare, so this costs nothing noticeable.
    store.sessions.purge_sessions(
        seen_before=now - config.idle_timeout, created_before=now - config.absolute_timeout
    )
    store.sessions.clear_login_failures(before=now - config.failure_window)
    session_id = new_secret()
    session = WebSession(digest(session_id), user.id, new_secret(), now, now, ip, user_agent)
    store.sessions.create_session(session)
    return session_id, session


def create_token(store: Store, user_id: int, name: str, now: datetime) -> tuple[str, ApiToken]:
    """A new API token: the value (shown once) and its record (stored hashed)."""
    if not name.strip():
        raise ValueError(M_("a token needs a name (what script uses it)"))
    value = new_api_token()
    record = store.sessions.add_api_token(
        ApiToken(user_id, name.strip()[:100], value[:10], now), digest(value)
    )
    return value, record
