"""``export_config``: write the store's configuration back as TOML ``load_config`` reads.

Watchlist members are written inline, whether they first came from a CSV file or
not. Passwords and hashes are never exported; add ``password_env`` by hand to set
one on the next apply. Output is deterministic (no date), so it diffs well in git.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tomli_w

from socialhub.models import Watchlist, WatchlistMember
from socialhub.store.base import EngageStore, Store

from . import tomlw


def export_config(store: Store, *, workspaces: Sequence[str] | None = None) -> str:
    """TOML text of users, workspaces, members, queries and watchlists.

    Parameters
    ----------
    workspaces
        Slugs to export (default: all). Only users who are members of an exported
        workspace are written then.

    Raises
    ------
    ValueError
        When a slug in ``workspaces`` does not exist.
    """
    all_ws = store.workspaces.list_workspaces()
    if workspaces is not None:
        by_slug = {ws.slug: ws for ws in all_ws}
        missing = [slug for slug in workspaces if slug not in by_slug]
        if missing:
            raise ValueError(f"no such workspace: {', '.join(missing)}")
        chosen = [by_slug[slug] for slug in workspaces]
    else:
        chosen = sorted(all_ws, key=lambda ws: ws.slug)
    users = {u.id: u for u in store.accounts.list_users()}
    memberships = {ws.id: store.accounts.list_memberships(workspace_id=ws.id) for ws in chosen}
    if workspaces is not None:
        wanted = {m.user_id for ms in memberships.values() for m in ms}
        users = {uid: u for uid, u in users.items() if uid in wanted}

    out: list[str] = [
        "# socialhub configuration (socialhub export-config).",
        "# Apply with: socialhub apply FILE.toml. Passwords are never exported: add",
        '# password_env = "SOME_VARIABLE" to a [[user]] to set one from the environment.',
    ]
    for user in sorted(users.values(), key=lambda u: u.username):
        out += ["", "[[user]]", tomlw.pair("username", user.username)]
        if user.name:
            out.append(tomlw.pair("name", user.name))
        if user.email:
            out.append(tomlw.pair("email", user.email))
    for ws in chosen:
        out += [
            "",
            "[[workspace]]",
            tomlw.pair("slug", ws.slug),
            tomlw.pair("name", ws.name),
            tomlw.pair("timezone", ws.timezone),
            tomlw.pair("locale", ws.locale),
        ]
        members = sorted(
            (users[m.user_id].username, m.role.value)
            for m in memberships[ws.id]
            if m.user_id in users
        )
        for username, role in members:
            out += [
                "",
                "  [[workspace.member]]",
                "  " + tomlw.pair("username", username),
                "  " + tomlw.pair("role", role),
            ]
        for query in store.workspaces.list_queries(ws.id):
            out += ["", "  [[workspace.query]]", "  " + tomlw.pair("name", query.name)]
            out.append("  " + tomlw.pair("definition", query.definition))
            if query.description:
                out.append("  " + tomlw.pair("description", query.description))
            if not query.enabled:
                out.append("  " + tomlw.pair("enabled", False))
        for watchlist in store.workspaces.list_watchlists(ws.id):
            out += ["", *_watchlist(watchlist)]
        settings = store.workspaces.get_workspace_settings(ws.id) if ws.id is not None else {}
        if settings:
            out += ["", *_settings(settings)]
    out += _official_accounts(store.engage, {ws.slug for ws in chosen})
    return "\n".join(out) + "\n"


def _official_accounts(engage: EngageStore, slugs: set[str]) -> list[str]:
    """The active official accounts serving an exported workspace (variable NAMES only)."""

    out: list[str] = []
    for acc in engage.list_accounts():
        if not set(acc.workspaces) & slugs:
            continue
        out += [
            "",
            "[[official_account]]",
            tomlw.pair("platform", acc.platform),
            tomlw.pair("handle", acc.handle),
            tomlw.pair("display", acc.display),
            "workspaces = [" + ", ".join(tomlw.string(w) for w in sorted(acc.workspaces)) + "]",
            f"credentials = {tomlw.inline_table(acc.credentials)}",
        ]
        if acc.native_id:
            out.append(tomlw.pair("native_id", acc.native_id))
        if acc.api_base:
            out.append(tomlw.pair("api_base", acc.api_base))
        if acc.two_approvers:
            out.append(tomlw.pair("two_approvers", True))
    return out


def _settings(settings: dict[str, Any]) -> list[str]:
    # Nested tables and arrays of tables: tomli_w writes them; we drop its header for the
    # enclosing [[workspace]] (already written above).
    text = tomli_w.dumps({"workspace": [{"settings": settings}]})
    lines = text.splitlines()
    while lines and (not lines[0].strip() or lines[0] == "[[workspace]]"):
        lines.pop(0)
    return lines


def _watchlist(wl: Watchlist) -> list[str]:
    lines = [
        "  [[workspace.watchlist]]",
        "  " + tomlw.pair("name", wl.name),
        "  " + tomlw.pair("list_type", wl.list_type),
    ]
    if wl.description:
        lines.append("  " + tomlw.pair("description", wl.description))
    if wl.notify != "digest":
        lines.append("  " + tomlw.pair("notify", wl.notify))
    if wl.min_severity:
        lines.append("  " + tomlw.pair("min_severity", wl.min_severity))
    if not wl.members:
        lines.append("  members = []")
        return lines
    lines.append("  members = [")
    lines += [f"    {tomlw.inline_table(_member(m, wl.list_type))}," for m in wl.members]
    lines.append("  ]")
    return lines


def _member(m: WatchlistMember, list_type: str) -> dict[str, str | bool | int]:
    table: dict[str, str | bool | int] = {"handle": m.handle}
    if m.platform:
        table["platform"] = m.platform
    if m.name:
        table["name"] = m.name
    if m.list_type and m.list_type != list_type:
        table["list_type"] = m.list_type
    if m.notes:
        table["notes"] = m.notes
    return table
