"""Account changes shared by the pages, the REST API and the CLI: the password rule, a
password change by its owner, and (de)activation by a site administrator.

A password change needs the current password (a stolen session or token alone cannot
lock the owner out), is rate-limited like the login (wrong current passwords count as
failed logins of the key ``passwd|<user id>``), re-hashes with Argon2id and ends every
other session of the user. Deactivation ends the user's sessions and revokes their API
tokens at once (:meth:`AdminMixin.set_user_active`); every change is audited in
``user_events``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialhub.config.passwords import hash_password, verify_password
from socialhub.i18n import _
from socialhub.models import User
from socialhub.records.accounts import LastAdminError, UserEvent
from socialhub.store.base import AccountStore, Store
from socialhub.web.security import AuthConfig, retry_after

__all__ = [
    "COMMON",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "AccountError",
    "change_password",
    "password_problem",
    "set_active",
    "user_by_id",
    "users_listing",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # hashing cost is linear in length: refuse megabytes
# The most used passwords of French and English leaks that pass the length rule.
COMMON = frozenset(
    {
        "1234567890",
        "0123456789",
        "azertyuiop",
        "qwertyuiop",
        "motdepasse",
        "motdepasse1",
        "motdepasse123",
        "password123",
        "password1234",
        "passwordpassword",
        "iloveyou123",
        "1q2w3e4r5t",
        "azerty1234",
        "azerty123456",
        "soleil1234",
        "doudou1234",
        "jetaime1234",
        "changeme123",
        "administrator",
        "socialhub123",
    }
)


class AccountError(Exception):
    """A refused account change; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, error: str, message: str, retry: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.retry_after = retry


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None.

    Length over composition rules (NIST SP 800-63B): at least :data:`MIN_PASSWORD`
    characters, not the username, not one repeated character, not a well-known one.
    """
    if len(password) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"A password has at most {MAX_PASSWORD} characters."
    folded = password.strip().lower()
    if username and username.strip().lower() in folded:
        return "A password must not contain the username."
    if len(set(folded)) < 4 or folded in COMMON:
        return "This password is too easy to guess: choose a longer, less common one."
    return None


def user_by_id(accounts: AccountStore, user_id: int) -> User | None:
    return next((u for u in accounts.list_users() if u.id == user_id), None)


def change_password(
    store: Store,
    user_id: int,
    current: str,
    new: str,
    confirm: str,
    *,
    keep_session: str | None,
    config: AuthConfig,
) -> int:
    """Change a user's own password; returns how many other sessions were ended.

    ``keep_session``: the id hash of the session making the change (it stays open);
    None ends them all (an API-token caller). Raises :class:`AccountError`.
    """
    now = config.clock()
    key = f"passwd|{user_id}"
    wait = retry_after(store.sessions.login_failures(key, now - config.failure_window), config, now)
    if wait is not None:
        raise AccountError(
            429, "rate_limited", _("Too many wrong passwords: try again later."), wait
        )
    user = user_by_id(store.accounts, user_id)
    if user is None or not user.is_active:
        raise AccountError(401, "unauthorized", _("Log in again."))
    if not verify_password(user.password_hash, current):
        store.sessions.add_login_failure(key, now)
        raise AccountError(403, "wrong_password", _("The current password is wrong."))
    if new != confirm:
        raise AccountError(400, "bad_request", _("The two new passwords differ."))
    problem = password_problem(new, user.username)
    if problem is None and current == new:
        problem = "The new password is the current one."
    if problem is not None:
        raise AccountError(400, "weak_password", problem)
    store.sessions.clear_login_failures(key)
    admin = store.accounts
    ended = admin.set_user_password(user_id, hash_password(new), keep_session=keep_session)
    admin.add_user_event(
        UserEvent(user_id, user.username, "password_changed", user.username, now, {"by": "self"})
    )
    return ended or 0


def set_active(
    accounts: AccountStore,
    username: str,
    active: bool,
    *,
    actor: str,
    at: datetime,
    actor_id: int = 0,
) -> tuple[User, bool]:
    """(De)activate ``username``; returns (user, whether it changed).

    Raises :class:`AccountError`: 404 unknown user, 409 for the caller themself or the
    last active site administrator.
    """
    user = accounts.get_user(username)
    if user is None or user.id is None:
        raise AccountError(404, "not_found", _("No user %(username)r.") % {"username": username})
    if not active and user.id == actor_id:
        raise AccountError(409, "conflict", _("You cannot deactivate yourself."))
    try:
        changed = accounts.set_user_active(user.id, active, actor=actor, at=at)
    except LastAdminError as exc:
        raise AccountError(
            409, "last_admin", _("The last active site administrator cannot be deactivated.")
        ) from exc
    return accounts.get_user(username) or user, changed


def users_listing(store: Store) -> list[dict[str, Any]]:
    """Every user with their state, site administration and roles per workspace."""
    slugs = {ws.id: ws.slug for ws in store.workspaces.list_workspaces()}
    admins = store.accounts.site_admin_ids()
    roles: dict[int, dict[str, str]] = {}
    for m in store.accounts.list_memberships():
        roles.setdefault(m.user_id, {})[slugs.get(m.workspace_id, "?")] = m.role.value
    return [
        {
            "username": u.username,
            "name": u.name,
            "email": u.email,
            "active": u.is_active,
            "has_password": bool(u.password_hash),
            "site_admin": u.id in admins,
            "roles": roles.get(u.id or 0, {}),
        }
        for u in store.accounts.list_users()
    ]
