"""The first administrator, so a fresh install (``socialhub demo``) can be logged into.

When the hub serves the web app and nobody could log in (no site administrator, and
no active user with a password), a site administrator ``admin`` is created with a
random password, printed once to the terminal. Nothing is created when any account can
log in already, so a configured install is never given an extra account. A forgotten
password is reset with ``socialhub users passwd admin``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable

from socialhub.config.passwords import hash_password
from socialhub.models import User
from socialhub.store.base import AccountStore

ADMIN_USERNAME = "admin"


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def ensure_admin(accounts: AccountStore, say: Callable[[str], None] = _say) -> str | None:
    """Create the first administrator if nobody can log in; returns its password."""
    users = accounts.list_users()
    if accounts.site_admin_ids() or any(u.is_active and u.password_hash for u in users):
        return None
    password = secrets.token_urlsafe(12)
    existing = accounts.get_user(ADMIN_USERNAME)
    user = accounts.upsert_user(
        User(
            ADMIN_USERNAME,
            existing.name if existing else "Administrator",
            existing.email if existing else "",
            hash_password(password),
            True,
        )
    )
    assert user.id is not None
    accounts.set_site_admin(user.id, True)
    say(
        "\n  No account could log in: created the site administrator "
        f"'{ADMIN_USERNAME}'.\n  password (shown once): {password}\n"
        f"  (change it on /account, or: socialhub users passwd {ADMIN_USERNAME})\n"
    )
    return password
