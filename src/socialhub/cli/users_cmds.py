"""`socialhub users add|list|set-role|passwd|set-password|deactivate|activate|token`: web
accounts, roles and API tokens.

Passwords never come from an argument (shell history, process list): they are read
from a hidden prompt, from standard input (``--password-stdin``, first line) or from
the environment variable named by ``--password-env``. They follow the web's rule
(:func:`socialhub.web.accounts.password_problem`).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    print_json,
    store_from,
)
from socialhub.config.passwords import hash_password
from socialhub.i18n import _, ngettext
from socialhub.models import USERNAME_RE, USERNAME_RULE, Role, User, utcnow
from socialhub.records.accounts import UserEvent
from socialhub.store.base import AccountStore, Store
from socialhub.web.accounts import (
    AccountError,
    password_problem,
    set_active,
    users_listing,
)
from socialhub.web.auth import create_token

app = typer.Typer(
    help="Web accounts: users, roles per workspace, API tokens.", no_args_is_help=True
)

PasswordEnv = Annotated[
    str | None,
    typer.Option(
        "--password-env",
        help="Read the password from this environment variable (default: a hidden prompt).",
    ),
]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _password(env_name: str | None, username: str = "", from_stdin: bool = False) -> str:
    if env_name and from_stdin:
        raise typer.BadParameter(_("give --password-env or --password-stdin, not both"))
    if env_name:
        password = os.environ.get(env_name, "")
        if not password:
            raise typer.BadParameter(
                _("$%(name)s is not set or empty") % {"name": env_name}, param_hint="--password-env"
            )
    elif from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            _("Password"), hide_input=True, confirmation_prompt=_("Repeat for confirmation")
        )
    problem = password_problem(password, username)
    if problem:
        raise typer.BadParameter(problem)
    return password


def _actor() -> str:
    """Who acted, for the audit trail: the operating-system login."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def _user(accounts: AccountStore, username: str) -> User:
    user = accounts.get_user(username)
    if user is None or user.id is None:
        console.print(Text(_("no user %(name)r") % {"name": username}, "red"))
        raise typer.Exit(2)
    return user


def _role(value: str) -> Role | None:
    if value == "none":
        return None
    try:
        return Role(value)
    except ValueError as exc:
        roles = ", ".join(r.value for r in Role)
        raise typer.BadParameter(
            _("role must be one of %(roles)s, or none") % {"roles": roles}
        ) from exc


def _set_role(store: Store, user: User, slug: str, role: Role | None) -> None:
    ws = store.workspaces.get_workspace(slug)
    if ws is None or ws.id is None:
        console.print(Text(_("no workspace %(slug)r") % {"slug": slug}, "red"))
        raise typer.Exit(2)
    assert user.id is not None
    if role is None:
        store.accounts.remove_membership(ws.id, user.id)
    else:
        store.accounts.set_membership(ws.id, user.id, role)


@app.command("add")
def add(
    username: str,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    workspace: Annotated[str | None, typer.Option(help="Workspace slug to join.")] = None,
    role: Annotated[str, typer.Option(help="Role in --workspace.")] = "viewer",
    site_admin: Annotated[
        bool, typer.Option("--site-admin", help="Admin of every workspace and of the site.")
    ] = False,
    password_env: PasswordEnv = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Create a user with a password (refuses an existing username: see passwd)."""
    wanted_role = _role(role)
    if not USERNAME_RE.match(username):
        console.print(
            Text(
                _("username %(name)r: %(rule)s") % {"name": username, "rule": USERNAME_RULE}, "red"
            )
        )
        raise typer.Exit(2)
    store = store_from(db)
    try:
        if store.accounts.get_user(username) is not None:
            console.print(
                Text(_("user %(name)r exists: use `users passwd`") % {"name": username}, "red")
            )
            raise typer.Exit(2)
        password = _password(password_env, username)
        user = store.accounts.upsert_user(
            User(username, name, email, hash_password(password), True)
        )
        assert user.id is not None
        if workspace:
            _set_role(store, user, workspace, wanted_role)
        if site_admin:
            store.accounts.set_site_admin(user.id, True)
    finally:
        store.close()
    if json:
        print_json({"username": username, "id": user.id, "site_admin": site_admin})
    else:
        console.print(Text(_("user %(name)s created") % {"name": username}))


@app.command("list")
def list_(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Users with their roles per workspace."""
    store = store_from(db)
    try:
        rows = users_listing(store)
    finally:
        store.close()
    if json:
        print_json(rows)
        return
    table = Table(title=ngettext("%(n)s user", "%(n)s users", len(rows)) % {"n": len(rows)})
    for col in (_("username"), _("name"), _("state"), _("password"), _("site admin"), _("roles")):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            Text(r["username"]),
            Text(r["name"]),
            _("active") if r["active"] else _("deactivated"),
            _("yes") if r["has_password"] else _("no"),
            _("yes") if r["site_admin"] else "",
            Text(", ".join(f"{k}: {v}" for k, v in sorted(r["roles"].items()))),
        )
    out.print(table)


@app.command("set-role")
def set_role(
    username: str,
    workspace: Annotated[str | None, typer.Argument(help="Workspace slug.")] = None,
    role: Annotated[
        str | None, typer.Argument(help="admin, analyst, press, legal, viewer, or none.")
    ] = None,
    site_admin: Annotated[
        bool | None, typer.Option("--site-admin/--no-site-admin", help="Grant or revoke.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Give a user a role in a workspace (``none`` removes it), or site administration."""
    if (workspace is None) != (role is None):
        raise typer.BadParameter(_("give both WORKSPACE and ROLE"))
    if workspace is None and site_admin is None:
        raise typer.BadParameter(_("nothing to change: give WORKSPACE ROLE or --site-admin"))
    wanted = _role(role) if role is not None else None
    store = store_from(db)
    try:
        user = _user(store.accounts, username)
        assert user.id is not None
        if workspace is not None:
            _set_role(store, user, workspace, wanted)
        if site_admin is not None:
            store.accounts.set_site_admin(user.id, site_admin)
    finally:
        store.close()
    if json:
        print_json(
            {"username": username, "workspace": workspace, "role": role, "site_admin": site_admin}
        )
    else:
        console.print(Text(_("user %(name)s updated") % {"name": username}))


@app.command("passwd")
def passwd(
    username: str,
    password_env: PasswordEnv = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Set a user's password; their open web sessions end (alias: set-password)."""
    store = store_from(db)
    try:
        user = _user(store.accounts, username)
        assert user.id is not None
        password = _password(password_env, username, password_stdin)
        accounts = store.accounts
        # only the hash changes: a deactivated user stays deactivated
        ended = accounts.set_user_password(user.id, hash_password(password)) or 0
        accounts.add_user_event(
            UserEvent(user.id, user.username, "password_changed", _actor(), utcnow())
        )
    finally:
        store.close()
    if json:
        print_json({"username": username, "sessions_ended": ended})
    else:
        console.print(
            Text(
                ngettext(
                    "password of %(name)s changed; %(n)s session ended",
                    "password of %(name)s changed; %(n)s sessions ended",
                    ended,
                )
                % {"name": username, "n": ended}
            )
        )


app.command("set-password", help="Set a user's password (same as passwd).")(passwd)


def _activation(username: str, active: bool, db: str, json: bool) -> None:
    store = store_from(db)
    try:
        user, changed = set_active(store.accounts, username, active, actor=_actor(), at=utcnow())
    except AccountError as exc:
        console.print(f"[red]{escape(exc.message)}[/red]")
        raise typer.Exit(2) from exc
    finally:
        store.close()
    if json:
        print_json({"username": user.username, "active": user.is_active, "changed": changed})
    elif not changed:
        console.print(
            Text(
                (
                    _("user %(name)s was already active")
                    if active
                    else _("user %(name)s was already inactive")
                )
                % {"name": username}
            )
        )
    else:
        console.print(
            Text(
                (_("user %(name)s reactivated") if active else _("user %(name)s deactivated"))
                % {"name": username}
            )
        )


@app.command("deactivate")
def deactivate(username: str, db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Deactivate a user: no login any more; their sessions end and their API tokens are
    revoked at once. Refused for the last active site administrator."""
    _activation(username, False, db, json)


@app.command("activate")
def activate(username: str, db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Reactivate a deactivated user (revoked API tokens stay revoked)."""
    _activation(username, True, db, json)


@app.command("token")
def token(
    username: str,
    name: Annotated[str | None, typer.Option(help="Create a token for this script.")] = None,
    revoke: Annotated[int | None, typer.Option(help="Revoke the token with this id.")] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """List a user's API tokens, create one (--name; printed once) or revoke one."""
    store = store_from(db)
    try:
        user = _user(store.accounts, username)
        user_id = user.id or 0
        if name is not None:
            value, record = create_token(store, user_id, name, utcnow())
            if json:
                print_json({"token": value, **record.to_dict()})
            else:
                console.print(_("API token (shown once, store it now):"))
                out.print(value, markup=False, highlight=False)
            return
        if revoke is not None:
            if not store.sessions.revoke_api_token(user_id, revoke, utcnow()):
                console.print(
                    Text(
                        _("no live token %(id)s of %(name)s") % {"id": revoke, "name": username},
                        "red",
                    )
                )
                raise typer.Exit(2)
            if json:
                print_json({"revoked": revoke})
            else:
                console.print(_("token %(id)s revoked") % {"id": revoke})
            return
        tokens = store.sessions.list_api_tokens(user_id)
    finally:
        store.close()
    if json:
        print_json([t.to_dict() for t in tokens])
        return
    table = Table(title=escape(_("API tokens of %(name)s") % {"name": username}))
    for col in (
        "id",
        _("name"),
        _("starts with"),
        _("created (UTC)"),
        _("last used"),
        _("revoked"),
    ):
        table.add_column(col)
    for t in tokens:
        table.add_row(
            str(t.id),
            Text(t.name),
            Text(t.prefix),
            t.created_at.strftime("%Y-%m-%d %H:%M"),
            t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "",
            t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else "",
        )
    out.print(table)
