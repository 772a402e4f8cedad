"""The validated content of a configuration file (what ``load_config`` returns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialhub.i18n import localised, ngettext
from socialhub.models import Role, WatchlistMember
from socialhub.records.engage import OfficialAccount


class ConfigError(ValueError):
    """A configuration that cannot be used; ``errors`` lists every problem found.

    Each error starts with its place in the file, e.g.
    ``workspace[0].query[2].definition: column 14: unbalanced parenthesis``.
    """

    def __init__(self, errors: list[str], source: str = "") -> None:
        self.errors = list(errors)
        self.source = source
        where = f" in {source}" if source else ""
        lines = [f"{len(self.errors)} configuration error(s){where}:"]
        lines += [f"  {e}" for e in self.errors]
        super().__init__("\n".join(lines))

    def localised(self) -> str:
        """The same text in the current locale (each error that carries its msgid is
        translated; :class:`str` of the error stays English, for logs and JSON)."""
        n = len(self.errors)
        if self.source:
            head = ngettext(
                "%(n)s configuration error in %(source)s:",
                "%(n)s configuration errors in %(source)s:",
                n,
            )
        else:
            head = ngettext("%(n)s configuration error:", "%(n)s configuration errors:", n)
        lines = [head % {"n": n, "source": self.source}]
        lines += [f"  {localised(e)}" for e in self.errors]
        return "\n".join(lines)


@dataclass(slots=True)
class UserSpec:
    username: str
    name: str = ""
    email: str = ""
    password_env: str | None = None  # the password is read from this variable at apply


@dataclass(slots=True)
class MemberSpec:
    username: str
    role: Role


@dataclass(slots=True)
class QuerySpec:
    name: str
    definition: str
    description: str = ""
    enabled: bool = True


@dataclass(slots=True)
class WatchlistSpec:
    name: str
    list_type: str = "other"
    description: str = ""
    members: list[WatchlistMember] = field(default_factory=list)
    csv: str | None = None  # as written in the file, for messages
    notify: str = "digest"  # models.WATCHLIST_NOTIFY
    min_severity: int = 0


@dataclass(slots=True)
class WorkspaceSpec:
    slug: str
    name: str
    timezone: str = "Europe/Paris"
    locale: str = "fr"  # fr or en: pages, alerts, reports and emails (socialhub.i18n)
    members: list[MemberSpec] = field(default_factory=list)
    queries: list[QuerySpec] = field(default_factory=list)
    watchlists: list[WatchlistSpec] = field(default_factory=list)
    # [workspace.settings]: documents owned by the enrichment layers (entities, categories);
    # each layer validates its own key when it loads it
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Config:
    users: list[UserSpec] = field(default_factory=list)
    workspaces: list[WorkspaceSpec] = field(default_factory=list)
    # [[official_account]]: the organisation's accounts (socialhub.engage.accounts)
    official_accounts: list[OfficialAccount] = field(default_factory=list)
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)
