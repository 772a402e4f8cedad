"""The organisation's official accounts: the only ones socialhub ever speaks from.

Declared once, at the top level of the configuration file (``socialhub apply``)::

    [[official_account]]
    platform = "x"
    handle = "MirabelleFR"
    workspaces = ["mirabelle-com", "mirabelle-qos"]   # who may draft from it
    credentials = { token = "SOCIALHUB_X_MIRABELLE_TOKEN" } # env variable NAMES only
    native_id = "1234"                  # the account's platform id (page, channel...)
    two_approvers = false                # true: every post needs two approvers
    api_base = "https://api.x.com"       # optional; the platform's default otherwise

The publisher refuses anything else (:func:`check_allowed`), and the refusal is
written to the audit chain by the caller. Secrets are read from the environment at
the moment of publishing and never stored, logged or shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from socialhub.i18n import M_
from socialhub.records.engage import OfficialAccount

PLATFORMS = ("x", "bluesky", "mastodon", "facebook", "youtube")
# What each platform's publisher reads from `credentials` (env variable names).
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "x": ("token",),
    "bluesky": ("app_password",),
    "mastodon": ("token",),
    "facebook": ("page_token",),
    "youtube": ("token",),
}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYS = (
    "platform",
    "handle",
    "display",
    "workspaces",
    "credentials",
    "native_id",
    "two_approvers",
    "api_base",
)


class AccountRefused(PermissionError):
    """Publishing from this account (for this workspace) is not allowed."""

    def __init__(self, message: str, key: str = "refused", **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def norm_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def account_errors(table: Mapping[str, Any], where: str) -> list[str]:
    """Problems of one ``[[official_account]]`` table (the config loader's check)."""
    errors: list[str] = []
    for key in table:
        if key not in _KEYS:
            errors.append(
                M_(
                    "%(where)s: unknown key %(key)r; expected one of %(choices)s",
                    where=where,
                    key=key,
                    choices=", ".join(_KEYS),
                )
            )
    platform = table.get("platform")
    if platform not in PLATFORMS:
        errors.append(
            M_(
                "%(where)s.platform: %(platform)r; expected one of %(choices)s",
                where=where,
                platform=platform,
                choices=", ".join(PLATFORMS),
            )
        )
    handle = table.get("handle")
    if not isinstance(handle, str) or not norm_handle(handle):
        errors.append(M_("%(where)s.handle: required", where=where))
    workspaces = table.get("workspaces")
    if (
        not isinstance(workspaces, list)
        or not workspaces
        or not all(isinstance(w, str) for w in workspaces)
    ):
        errors.append(M_("%(where)s.workspaces: a non-empty list of workspace slugs", where=where))
    creds = table.get("credentials", {})
    if not isinstance(creds, Mapping):
        errors.append(
            M_("%(where)s.credentials: a table of environment variable names", where=where)
        )
    else:
        for name, env in creds.items():
            if not isinstance(env, str) or not _ENV_NAME.match(env):
                errors.append(
                    M_(
                        "%(where)s.credentials.%(name)s: %(env)r is not a variable name",
                        where=where,
                        name=name,
                        env=env,
                    )
                )
        needed = CREDENTIALS.get(str(platform), ())
        missing = [n for n in needed if n not in creds]
        if missing:
            errors.append(
                M_(
                    "%(where)s.credentials: missing %(missing)s for %(platform)s",
                    where=where,
                    missing=", ".join(missing),
                    platform=platform,
                )
            )
    for key in ("display", "native_id", "api_base"):
        if key in table and not isinstance(table[key], str):
            errors.append(M_("%(where)s.%(key)s: must be a string", where=where, key=key))
    base = table.get("api_base", "")
    if isinstance(base, str) and base and not base.startswith(("https://", "http://")):
        errors.append(M_("%(where)s.api_base: must be an http(s) URL", where=where))
    if "two_approvers" in table and not isinstance(table["two_approvers"], bool):
        errors.append(M_("%(where)s.two_approvers: must be true or false", where=where))
    return errors


def account_from(table: Mapping[str, Any]) -> OfficialAccount:
    """A validated ``[[official_account]]`` table as a record."""
    return OfficialAccount(
        platform=str(table["platform"]),
        handle=norm_handle(str(table["handle"])),
        display=str(table.get("display") or table["handle"]).strip(),
        native_id=str(table.get("native_id", "")),
        workspaces=sorted(str(w) for w in table["workspaces"]),
        credentials={str(k): str(v) for k, v in dict(table.get("credentials", {})).items()},
        api_base=str(table.get("api_base", "")),
        two_approvers=bool(table.get("two_approvers", False)),
    )


def check_allowed(account: OfficialAccount | None, workspace_slug: str, label: str) -> None:
    """Raise :class:`AccountRefused` unless the declared account may serve the workspace."""
    if account is None or account.id is None:
        raise AccountRefused(
            f"{label} is not a declared official account", "undeclared", label=label
        )
    if not account.active:
        raise AccountRefused(
            f"{account.label} is no longer declared", "inactive", label=account.label
        )
    if workspace_slug not in account.workspaces:
        raise AccountRefused(
            f"{account.label} is not declared for workspace {workspace_slug!r}",
            "other_workspace",
            label=account.label,
            workspace=workspace_slug,
        )


def secret(account: OfficialAccount, name: str, env: Mapping[str, str] | None = None) -> str:
    """The credential ``name`` from the environment variable the configuration names."""
    variable = account.credentials.get(name)
    if not variable:
        raise AccountRefused(f"{account.label}: no credential {name!r} declared")
    value = (os.environ if env is None else env).get(variable, "")
    if not value:
        raise AccountRefused(f"{account.label}: environment variable {variable} is empty")
    return value
