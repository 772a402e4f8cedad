"""``apply_config``: make the store match a configuration, idempotently.

The file is the source of truth for what it names: users, workspaces, memberships,
queries and watchlists are created or updated to match. What it does not name is
left alone, except with ``prune=True``, which deletes the queries, watchlists and
memberships of the file's workspaces that the file no longer lists (users and other
workspaces are never deleted).

Passwords never come from the file: ``password_env`` names an environment variable
read at apply time. A user without ``password_env`` keeps the password set elsewhere
(e.g. in the web admin); a new one gets none and cannot log in until given one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from socialhub.i18n import M_, N_, _, localised, ngettext
from socialhub.models import Query, User, Watchlist, WatchlistMember, Workspace
from socialhub.store.base import AccountStore, Store, WorkspaceStore
from socialhub.text import norm_handle

from .model import Config, ConfigError, UserSpec, WatchlistSpec, WorkspaceSpec
from .passwords import hash_password, verify_password

KINDS = ("user", "workspace", "member", "query", "watchlist", "setting", "official_account")
ACTIONS = ("created", "updated", "unchanged", "deleted")
# what a person reads for each kind and action (--json keeps the English keys)
_KIND_TEXT = {
    "user": (N_("user"), N_("users")),
    "workspace": (N_("workspace"), N_("workspaces")),
    "member": (N_("member"), N_("members")),
    "query": (N_("query"), N_("queries")),
    "watchlist": (N_("watchlist"), N_("watchlists")),
    "setting": (N_("setting"), N_("settings")),
    "official_account": (N_("official account"), N_("accounts")),
}
_CHANGE_TEXT = {
    "created": N_("created %(kind)s %(what)s"),
    "updated": N_("updated %(kind)s %(what)s"),
    "deleted": N_("deleted %(kind)s %(what)s"),
}


@dataclass(slots=True)
class ApplyReport:
    """Counts per kind and action, plus what a human must know."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: dict.fromkeys(ACTIONS, 0) for k in KINDS}
    )
    changes: list[str] = field(default_factory=list)  # "created query mirabelle-com/Marque"
    users_without_password: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # English; M_ messages translate
    dry_run: bool = False
    _parts: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str, action: str, what: str) -> None:
        self.counts[kind][action] += 1
        if action != "unchanged":
            self.changes.append(f"{action} {kind} {what}")
            self._parts.append((action, kind, what))

    @property
    def changed(self) -> int:
        """How many records were (or, in a dry run, would be) created, updated or deleted."""
        return sum(n for c in self.counts.values() for a, n in c.items() if a != "unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "changes": self.changes,
            "users_without_password": self.users_without_password,
            "warnings": [str(w) for w in self.warnings],
            "dry_run": self.dry_run,
        }

    def change_lines(self) -> list[str]:
        """Each change in the current locale ("created query mirabelle-com/Marque")."""
        return [
            _(_CHANGE_TEXT[a]) % {"kind": _(_KIND_TEXT[k][0]), "what": what}
            for a, k, what in self._parts
        ]

    def summary(self) -> str:
        """A few human lines in the current locale."""
        n = self.changed
        changes = ngettext("%(n)s change", "%(n)s changes", n) % {"n": n}
        lines = [_("dry run, nothing written: %(changes)s") % {"changes": changes}
                 if self.dry_run else changes]  # fmt: skip
        width = max(len(_(_KIND_TEXT[k][1])) for k in KINDS)
        for kind in KINDS:
            c = self.counts[kind]
            lines.append(
                _(
                    "  %(kind)s created %(created)s, updated %(updated)s,"
                    " unchanged %(unchanged)s, deleted %(deleted)s"
                )
                % {"kind": f"{_(_KIND_TEXT[kind][1]):<{width}}", **c}
            )
        if self.users_without_password:
            lines.append(
                _("  users without a password (cannot log in until one is set): %(names)s")
                % {"names": ", ".join(self.users_without_password)}
            )
        lines += [_("  warning: %(text)s") % {"text": localised(w)} for w in self.warnings]
        return "\n".join(lines)


def apply_config(
    cfg: Config,
    store: Store,
    *,
    prune: bool = False,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
) -> ApplyReport:
    """Create or update everything ``cfg`` describes; see the module docstring.

    Parameters
    ----------
    prune
        Also delete queries, watchlists and memberships of the file's workspaces that
        the file does not list.
    dry_run
        Compute the report without writing anything.
    env
        Where ``password_env`` variables are read (default: ``os.environ``).

    Raises
    ------
    ConfigError
        Before any write, when a member names a user neither in the file nor in the store.
    """
    env = os.environ if env is None else env
    report = ApplyReport(dry_run=dry_run, warnings=list(cfg.warnings))
    _check_members(cfg, store.accounts)
    users: dict[str, User] = {}
    for spec in cfg.users:
        users[spec.username] = _apply_user(spec, store.accounts, env, report)
    for ws_spec in cfg.workspaces:
        ws = _apply_workspace(ws_spec, store.workspaces, report)
        _apply_members(ws_spec, ws, store.accounts, users, report, prune)
        _apply_queries(ws_spec, ws, store.workspaces, report, prune)
        _apply_watchlists(ws_spec, ws, store.workspaces, report, prune)
        _apply_settings(ws_spec, ws, store.workspaces, report, prune)
    _apply_accounts(cfg, store, report, prune)
    return report


def _apply_accounts(cfg: Config, store: Store, report: ApplyReport, prune: bool) -> None:
    """Declare the official accounts. One no longer in the file is deactivated with
    ``prune`` (never deleted: past drafts and audit lines name it)."""
    from socialhub.models import utcnow

    repo = store.engage
    declared = {(a.platform, a.handle) for a in cfg.official_accounts}
    for account in cfg.official_accounts:
        missing = [w for w in account.workspaces if store.workspaces.get_workspace(w) is None]
        if missing and not report.dry_run:
            report.warnings.append(
                M_(
                    "%(account)s: no workspace %(names)s",
                    account=account.label,
                    names=", ".join(missing),
                )
            )
        if report.dry_run:
            found = repo.find_account(account.platform, account.handle)
            report.count("official_account", "unchanged" if found else "created", account.label)
            continue
        _, action = repo.upsert_account(account, utcnow())
        report.count("official_account", action, account.label)
    if prune:
        for old in repo.list_accounts():
            if (old.platform, old.handle) not in declared:
                report.count("official_account", "deleted", old.label)
                if not report.dry_run:
                    old.active = False
                    repo.upsert_account(old, utcnow())


def _apply_settings(
    spec: WorkspaceSpec, ws: Workspace, workspaces: WorkspaceStore, report: ApplyReport, prune: bool
) -> None:
    current = workspaces.get_workspace_settings(ws.id) if ws.id is not None else {}
    for key, value in spec.settings.items():
        what = f"{spec.slug}/{key}"
        if current.get(key) == value:
            report.count("setting", "unchanged", what)
            continue
        report.count("setting", "updated" if key in current else "created", what)
        if not report.dry_run and ws.id is not None:
            workspaces.set_workspace_setting(ws.id, key, value)
    if prune:
        for key in sorted(set(current) - set(spec.settings)):
            report.count("setting", "deleted", f"{spec.slug}/{key}")
            if not report.dry_run and ws.id is not None:
                workspaces.set_workspace_setting(ws.id, key, None)


def _check_members(cfg: Config, accounts: AccountStore) -> None:
    in_file = {u.username for u in cfg.users}
    errors = [
        f"workspace[{i}].member[{j}].username: no user {m.username!r} in the file or the store"
        for i, ws in enumerate(cfg.workspaces)
        for j, m in enumerate(ws.members)
        if m.username not in in_file and accounts.get_user(m.username) is None
    ]
    if errors:
        raise ConfigError(errors, str(cfg.path or ""))


def _apply_user(
    spec: UserSpec, accounts: AccountStore, env: Mapping[str, str], report: ApplyReport
) -> User:
    existing = accounts.get_user(spec.username)
    password_hash = existing.password_hash if existing else ""
    if spec.password_env:
        password = env.get(spec.password_env, "")
        if not password:
            report.warnings.append(
                M_(
                    "user %(user)s: $%(var)s is not set; password not changed",
                    user=spec.username,
                    var=spec.password_env,
                )
            )
        elif not verify_password(password_hash, password):
            password_hash = hash_password(password)
    if not password_hash:
        report.users_without_password.append(spec.username)
    wanted = User(
        username=spec.username,
        name=spec.name,
        email=spec.email,
        password_hash=password_hash,
        # Deactivation is done in the web admin; re-applying the file must not undo it.
        is_active=existing.is_active if existing else True,
        id=existing.id if existing else None,
        # the UI language is the user's own choice (account page), not the file's
        locale=existing.locale if existing else "",
    )
    if existing == wanted:
        report.count("user", "unchanged", spec.username)
        return existing
    report.count("user", "updated" if existing else "created", spec.username)
    return wanted if report.dry_run else accounts.upsert_user(wanted)


def _apply_workspace(
    spec: WorkspaceSpec, workspaces: WorkspaceStore, report: ApplyReport
) -> Workspace:
    existing = workspaces.get_workspace(spec.slug)
    wanted = Workspace(
        spec.slug, spec.name, spec.timezone, existing.id if existing else None, spec.locale
    )
    if existing == wanted:
        report.count("workspace", "unchanged", spec.slug)
        return existing
    report.count("workspace", "updated" if existing else "created", spec.slug)
    return wanted if report.dry_run else workspaces.upsert_workspace(wanted)


def _apply_members(
    spec: WorkspaceSpec,
    ws: Workspace,
    accounts: AccountStore,
    users: Mapping[str, User],
    report: ApplyReport,
    prune: bool,
) -> None:
    current = (
        {m.user_id: m.role for m in accounts.list_memberships(workspace_id=ws.id)} if ws.id else {}
    )
    listed: set[int] = set()
    for member in spec.members:
        user = users.get(member.username) or accounts.get_user(member.username)
        what = f"{spec.slug}/{member.username}"
        if user is None or user.id is None:  # only in a dry run: the user is not created yet
            report.count("member", "created", what)
            continue
        listed.add(user.id)
        if user.id not in current:
            action = "created"
        elif current[user.id] != member.role:
            action = "updated"
        else:
            report.count("member", "unchanged", what)
            continue
        report.count("member", action, f"{what} ({member.role.value})")
        if not report.dry_run and ws.id is not None:
            accounts.set_membership(ws.id, user.id, member.role)
    if prune and ws.id is not None:
        by_id = {u.id: u.username for u in accounts.list_users()}
        for user_id in sorted(set(current) - listed):
            report.count("member", "deleted", f"{spec.slug}/{by_id.get(user_id, user_id)}")
            if not report.dry_run:
                accounts.remove_membership(ws.id, user_id)


def _apply_queries(
    spec: WorkspaceSpec, ws: Workspace, workspaces: WorkspaceStore, report: ApplyReport, prune: bool
) -> None:
    current = {q.name: q for q in workspaces.list_queries(ws.id)} if ws.id else {}
    for q in spec.queries:
        existing = current.get(q.name)
        what = f"{spec.slug}/{q.name}"
        wanted = Query(
            workspace_id=ws.id or 0,
            name=q.name,
            definition=q.definition,
            description=q.description,
            enabled=q.enabled,
            id=existing.id if existing else None,
        )
        if existing == wanted:
            report.count("query", "unchanged", what)
            continue
        report.count("query", "updated" if existing else "created", what)
        if not report.dry_run:
            workspaces.upsert_query(wanted)
    if prune:
        listed = {q.name for q in spec.queries}
        for name, query in current.items():
            if name not in listed and query.id is not None:
                report.count("query", "deleted", f"{spec.slug}/{name}")
                if not report.dry_run:
                    workspaces.delete_query(query.id)


def _member_key(m: WatchlistMember) -> tuple[str, str, str, str, str]:
    return (m.platform, norm_handle(m.handle), m.name, m.list_type, m.notes)


def _same_watchlist(existing: Watchlist, spec: WatchlistSpec) -> bool:
    return (
        existing.name == spec.name
        and existing.list_type == spec.list_type
        and existing.description == spec.description
        and existing.notify == spec.notify
        and existing.min_severity == spec.min_severity
        and sorted(map(_member_key, existing.members)) == sorted(map(_member_key, spec.members))
    )


def _apply_watchlists(
    spec: WorkspaceSpec, ws: Workspace, workspaces: WorkspaceStore, report: ApplyReport, prune: bool
) -> None:
    current = {w.name.lower(): w for w in workspaces.list_watchlists(ws.id)} if ws.id else {}
    for wl in spec.watchlists:
        existing = current.get(wl.name.lower())
        what = f"{spec.slug}/{wl.name} ({len(wl.members)} members)"
        if existing is not None and _same_watchlist(existing, wl):
            report.count("watchlist", "unchanged", what)
            continue
        report.count("watchlist", "updated" if existing else "created", what)
        if not report.dry_run:
            workspaces.upsert_watchlist(
                Watchlist(
                    workspace_id=ws.id or 0,
                    name=wl.name,
                    list_type=wl.list_type,
                    description=wl.description,
                    members=list(wl.members),
                    notify=wl.notify,
                    min_severity=wl.min_severity,
                )
            )
    if prune:
        listed = {wl.name.lower() for wl in spec.watchlists}
        for name, watchlist in current.items():
            if name not in listed and watchlist.id is not None:
                report.count("watchlist", "deleted", f"{spec.slug}/{watchlist.name}")
                if not report.dry_run:
                    workspaces.delete_watchlist(watchlist.id)
