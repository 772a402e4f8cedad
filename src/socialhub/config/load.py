"""Read and validate a configuration TOML file into ``Config``.

Every problem is collected (not only the first) and reported with its place in the
file, e.g. ``workspace[0].query[2].definition: column 14: ... (query "Marque")``.
Unknown keys are errors, since a typo (``defintion``) would otherwise be silently
ignored.
"""

from __future__ import annotations

import csv
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialhub.i18n import LOCALES, M_
from socialhub.ingest.csvfile import sniff_delimiter
from socialhub.ingest.values import normalize_platform
from socialhub.models import (
    LIST_TYPES,
    USERNAME_RE,
    USERNAME_RULE,
    WATCHLIST_NOTIFY,
    Role,
    WatchlistMember,
)
from socialhub.text import norm_handle

from .model import (
    Config,
    ConfigError,
    MemberSpec,
    QuerySpec,
    UserSpec,
    WatchlistSpec,
    WorkspaceSpec,
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ROLES = [r.value for r in Role]
_CSV_COLUMNS = ("handle", "platform", "name", "list_type", "notes")
HUB_SECTIONS = ("hub", "pipeline", "source")  # read by socialhub.settings, not here


def setting_errors(key: str, value: Any) -> list[str]:
    """Errors in a ``[workspace.settings]`` key, checked by the layer that owns it."""
    validator = setting_validators().get(key)
    return validator(value) if validator else []


def setting_validators() -> dict[str, Callable[[Any], list[str]]]:
    # Imported here: the config layer must not load the enrichment models to start.
    from socialhub.alerts.incident_settings import validate_incidents
    from socialhub.alerts.official import validate_official_accounts
    from socialhub.analytics.share_of_voice import validate_share_of_voice
    from socialhub.engage.policy import validate_engagement
    from socialhub.enrichers.categories.model import validate_categories
    from socialhub.enrichers.entities.dictionary import validate_entities
    from socialhub.privacy.retention import validate_retention
    from socialhub.reports.briefing import validate_press_officer, validate_rules
    from socialhub.reports.schedule import validate_reports

    return {
        "entities": validate_entities,
        "categories": validate_categories,
        "reports": validate_reports,
        "incidents": validate_incidents,
        "share_of_voice": validate_share_of_voice,
        "official_accounts": validate_official_accounts,
        "retention": validate_retention,
        "engagement": validate_engagement,
        "briefing_rules": validate_rules,
        "press_officer": validate_press_officer,
    }


def load_config(path: str | Path) -> Config:
    """Read and validate ``path``; watchlist ``csv`` files are relative to it.

    Raises
    ------
    ConfigError
        With every problem found (TOML syntax, types, unknown keys, bad roles,
        list types, time zones, query syntax, unreadable watchlist CSV files).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([M_("cannot read the file: %(error)s", error=exc)], str(path)) from exc
    cfg = parse_config(text, base_dir=path.parent, source=str(path))
    cfg.path = path
    return cfg


def parse_config(text: str, *, base_dir: Path | None = None, source: str = "") -> Config:
    """Validate TOML text (``load_config`` without the file); see ``load_config``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([M_("TOML syntax: %(error)s", error=exc)], source) from exc
    checker = _Checker(base_dir or Path.cwd())
    cfg = checker.config(data)
    if checker.errors:
        raise ConfigError(checker.errors, source)
    return cfg


def query_error(definition: str) -> str | None:
    """``"column N: message"`` when the query language rejects ``definition``."""
    from socialhub.query import parse  # the query package is imported only when used

    try:
        parse(definition)
    except ValueError as exc:  # QuerySyntaxError is a ValueError with .message/.column
        message = getattr(exc, "message", str(exc))
        column = getattr(exc, "column", None)
        return (
            M_("column %(column)s: %(message)s", column=column, message=message)
            if column
            else message
        )
    return None


class _Checker:
    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.errors: list[str] = []
        self.warnings: list[str] = []

    # -- generic helpers -------------------------------------------------------------

    def error(self, where: str, message: str) -> None:
        self.errors.append(
            M_("%(where)s: %(message)s", where=where, message=message) if where else message
        )

    def keys(
        self,
        table: Mapping[str, Any],
        where: str,
        allowed: tuple[str, ...],
        *,
        strict: bool = True,
        ignored: tuple[str, ...] = (),
    ) -> None:
        """Unknown keys are errors (``strict``) or warnings; ``ignored`` ones pass."""
        for key in table:
            if key not in allowed and key not in ignored:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = M_(" (did you mean %(key)r?)", key=close[0]) if close else ""
                message = M_(
                    "unknown key %(key)r%(hint)s; expected one of %(choices)s",
                    key=key,
                    hint=hint,
                    choices=", ".join(allowed),
                )
                if strict:
                    self.error(where, message)
                else:
                    self.warnings.append(
                        M_("%(where)s: %(message)s (ignored)", where=where, message=message)
                    )

    def string(
        self, table: Mapping[str, Any], key: str, where: str, *, required: bool = False
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{where}.{key}", M_("is required"))
            return ""
        if not isinstance(value, str):
            self.error(
                f"{where}.{key}", M_("must be a string, not %(type)s", type=type(value).__name__)
            )
            return ""
        if required and not value.strip():
            self.error(f"{where}.{key}", M_("must not be empty"))
        return value.strip()

    def tables(self, table: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = table.get(key, [])
        if isinstance(value, dict):
            value = [value]  # [workspace] instead of [[workspace]]: accept a single one
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(
                f"{where}{'.' if where else ''}{key}", M_("must be an array of tables [[...]]")
            )
            return []
        return value

    # -- sections --------------------------------------------------------------------

    def config(self, data: Mapping[str, Any]) -> Config:
        # The hub file also holds [hub], [pipeline] and [[source]] (socialhub.settings);
        # other layers may add sections of their own, so unknown ones only warn.
        self.keys(
            data,
            "(top level)",
            ("user", "workspace", "official_account"),
            strict=False,
            ignored=HUB_SECTIONS,
        )
        cfg = Config()
        seen: set[str] = set()
        for i, table in enumerate(self.tables(data, "user", "")):
            user = self.user(table, f"user[{i}]")
            if user.username in seen:
                self.error(
                    f"user[{i}].username", M_("%(name)r is defined twice", name=user.username)
                )
            seen.add(user.username)
            cfg.users.append(user)
        slugs: set[str] = set()
        for i, table in enumerate(self.tables(data, "workspace", "")):
            ws = self.workspace(table, f"workspace[{i}]")
            if ws.slug in slugs:
                self.error(f"workspace[{i}].slug", M_("%(slug)r is defined twice", slug=ws.slug))
            slugs.add(ws.slug)
            cfg.workspaces.append(ws)
        self.official_accounts(data, cfg, slugs)
        cfg.warnings = self.warnings
        return cfg

    def official_accounts(self, data: Mapping[str, Any], cfg: Config, slugs: set[str]) -> None:
        from socialhub.engage.accounts import account_errors, account_from

        seen: set[tuple[str, str]] = set()
        for i, table in enumerate(self.tables(data, "official_account", "")):
            where = f"official_account[{i}]"
            problems = account_errors(table, where)
            self.errors.extend(problems)
            if problems:
                continue
            account = account_from(table)
            key = (account.platform, account.handle)
            if key in seen:
                self.error(where, M_("%(account)s is declared twice", account=account.label))
            seen.add(key)
            unknown = [w for w in account.workspaces if w not in slugs]
            if unknown:  # may exist in the store already: apply checks
                self.warnings.append(
                    M_(
                        "%(where)s.workspaces: %(names)s not defined in this file",
                        where=where,
                        names=", ".join(unknown),
                    )
                )
            cfg.official_accounts.append(account)

    def user(self, table: Mapping[str, Any], where: str) -> UserSpec:
        self.keys(table, where, ("username", "name", "email", "password_env"))
        username = self.string(table, "username", where, required=True)
        if username and not USERNAME_RE.match(username):
            self.error(
                f"{where}.username", M_("%(name)r: %(rule)s", name=username, rule=USERNAME_RULE)
            )
        email = self.string(table, "email", where)
        if email and "@" not in email:
            self.error(f"{where}.email", M_("%(email)r is not an e-mail address", email=email))
        env = self.string(table, "password_env", where) or None
        if env and not _ENV_NAME.match(env):
            self.error(
                f"{where}.password_env",
                M_("%(name)r is not an environment variable name", name=env),
            )
        return UserSpec(username, self.string(table, "name", where), email, env)

    def workspace(self, table: Mapping[str, Any], where: str) -> WorkspaceSpec:
        # Workspaces will grow sub-tables owned by other layers (alert rules, report
        # schedules...): unknown keys here warn, while leaf tables stay strict.
        self.keys(
            table,
            where,
            ("slug", "name", "timezone", "locale", "member", "query", "watchlist", "settings"),
            strict=False,
        )
        slug = self.string(table, "slug", where, required=True)
        if slug and not _SLUG.match(slug):
            self.error(
                f"{where}.slug", M_("%(slug)r: use lowercase letters, digits and dashes", slug=slug)
            )
        ws = WorkspaceSpec(slug=slug, name=self.string(table, "name", where, required=True))
        tz = self.string(table, "timezone", where)
        if tz:
            try:
                ZoneInfo(tz)
                ws.timezone = tz
            except (ZoneInfoNotFoundError, ValueError):
                self.error(
                    f"{where}.timezone",
                    M_("unknown time zone %(zone)r (e.g. Europe/Paris)", zone=tz),
                )
        locale = self.string(table, "locale", where)
        if locale:
            if locale in LOCALES:
                ws.locale = locale
            else:
                self.error(
                    f"{where}.locale",
                    M_("%(locale)r: one of %(choices)s", locale=locale, choices=", ".join(LOCALES)),
                )
        settings = table.get("settings", {})
        if isinstance(settings, Mapping):
            ws.settings = dict(settings)
            for key, value in ws.settings.items():
                for problem in setting_errors(key, value):
                    self.error(f"{where}.settings.{key}", problem)
        else:
            self.error(f"{where}.settings", M_("expected a table: [workspace.settings]"))
        members: set[str] = set()
        for j, member in enumerate(self.tables(table, "member", where)):
            spec = self.member(member, f"{where}.member[{j}]")
            if spec is not None:
                if spec.username in members:
                    self.error(
                        f"{where}.member[{j}]", M_("%(name)r is listed twice", name=spec.username)
                    )
                members.add(spec.username)
                ws.members.append(spec)
        names: set[str] = set()
        for j, query in enumerate(self.tables(table, "query", where)):
            spec_q = self.query(query, f"{where}.query[{j}]")
            if spec_q.name in names:
                self.error(
                    f"{where}.query[{j}].name", M_("%(name)r is defined twice", name=spec_q.name)
                )
            names.add(spec_q.name)
            ws.queries.append(spec_q)
        lists: set[str] = set()
        for j, watchlist in enumerate(self.tables(table, "watchlist", where)):
            spec_w = self.watchlist(watchlist, f"{where}.watchlist[{j}]")
            if spec_w.name.lower() in lists:  # the store keys watchlists by lowercased name
                self.error(
                    f"{where}.watchlist[{j}].name",
                    M_("%(name)r is defined twice", name=spec_w.name),
                )
            lists.add(spec_w.name.lower())
            ws.watchlists.append(spec_w)
        return ws

    def member(self, table: Mapping[str, Any], where: str) -> MemberSpec | None:
        self.keys(table, where, ("username", "role"))
        username = self.string(table, "username", where, required=True)
        role = self.string(table, "role", where, required=True)
        if role and role not in _ROLES:
            self.error(
                f"{where}.role",
                M_(
                    "%(role)r is not a role; expected one of %(choices)s",
                    role=role,
                    choices=", ".join(_ROLES),
                ),
            )
            return None
        return MemberSpec(username, Role(role)) if username and role else None

    def query(self, table: Mapping[str, Any], where: str) -> QuerySpec:
        self.keys(table, where, ("name", "definition", "description", "enabled"))
        name = self.string(table, "name", where, required=True)
        definition = self.string(table, "definition", where, required=True)
        enabled = table.get("enabled", True)
        if not isinstance(enabled, bool):
            self.error(f"{where}.enabled", M_("must be true or false"))
            enabled = True
        if definition:
            problem = query_error(definition)
            if problem:
                self.error(
                    f"{where}.definition",
                    M_("%(problem)s (query %(name)r)", problem=problem, name=name),
                )
        return QuerySpec(name, definition, self.string(table, "description", where), enabled)

    def list_type(self, value: str, where: str, default: str = "other") -> str:
        if not value:
            return default
        if value not in LIST_TYPES:
            self.error(
                where,
                M_(
                    "%(value)r is not a list type; expected one of %(choices)s",
                    value=value,
                    choices=", ".join(LIST_TYPES),
                ),
            )
            return default
        return value

    def watchlist(self, table: Mapping[str, Any], where: str) -> WatchlistSpec:
        self.keys(
            table,
            where,
            ("name", "list_type", "description", "csv", "members", "notify", "min_severity"),
        )
        spec = WatchlistSpec(
            name=self.string(table, "name", where, required=True),
            description=self.string(table, "description", where),
        )
        notify = self.string(table, "notify", where) or "digest"
        if notify not in WATCHLIST_NOTIFY:
            self.error(
                f"{where}.notify",
                M_("must be one of %(choices)s", choices=", ".join(WATCHLIST_NOTIFY)),
            )
        spec.notify = notify
        floor = table.get("min_severity", 0)
        if isinstance(floor, bool) or not isinstance(floor, int) or not 0 <= floor <= 10:
            self.error(f"{where}.min_severity", M_("must be an integer from 0 to 10"))
            floor = 0
        spec.min_severity = floor
        spec.list_type = self.list_type(
            self.string(table, "list_type", where), f"{where}.list_type"
        )
        members: list[WatchlistMember] = []
        csv_name = self.string(table, "csv", where)
        if csv_name:
            spec.csv = csv_name
            members += self.watchlist_csv(csv_name, spec.list_type, f"{where}.csv")
        inline = table.get("members", [])
        if not isinstance(inline, list) or not all(isinstance(m, dict) for m in inline):
            self.error(f"{where}.members", M_("must be an array of inline tables { handle = ... }"))
            inline = []
        for k, item in enumerate(inline):
            member_where = f"{where}.members[{k}]"
            self.keys(item, member_where, _CSV_COLUMNS)
            row = {key: self.string(item, key, member_where) for key in _CSV_COLUMNS}
            member = self.watch_member(row, spec.list_type, member_where)
            if member:
                members.append(member)
        spec.members = self.dedupe(members, where)
        return spec

    def watch_member(
        self, row: Mapping[str, str], list_type: str, where: str
    ) -> WatchlistMember | None:
        handle = row.get("handle", "").strip().lstrip("@")
        if not handle:
            self.error(where, M_("handle is required"))
            return None
        return WatchlistMember(
            platform=normalize_platform(row.get("platform", "")),
            handle=handle,
            name=row.get("name", "").strip(),
            list_type=self.list_type(row.get("list_type", "").strip(), where, list_type),
            notes=row.get("notes", "").strip(),
        )

    def dedupe(self, members: list[WatchlistMember], where: str) -> list[WatchlistMember]:
        out: dict[tuple[str, str], WatchlistMember] = {}
        for m in members:
            key = (m.platform, norm_handle(m.handle))
            if key in out:
                self.warnings.append(
                    M_(
                        "%(where)s: %(handle)r (%(platform)s) listed twice; the first is kept",
                        where=where,
                        handle=m.handle,
                        platform=m.platform or M_("any platform"),
                    )
                )
                continue
            out[key] = m
        return list(out.values())

    def watchlist_csv(self, name: str, list_type: str, where: str) -> list[WatchlistMember]:
        """Rows ``handle,platform,name,list_type[,notes]`` (a header row is optional)."""
        path = self.base_dir / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.error(
                where,
                M_("cannot read %(path)r: %(error)s", path=str(path), error=exc.strerror or exc),
            )
            return []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            self.warnings.append(
                M_("%(where)s: %(name)s is not UTF-8; read as cp1252", where=where, name=name)
            )
        lines = text.splitlines()
        delimiter = sniff_delimiter(lines[:50]) if lines else ","
        rows = list(csv.reader(lines, delimiter=delimiter))
        columns = list(_CSV_COLUMNS)
        start = 0
        if rows and rows[0] and rows[0][0].strip().lower() == "handle":
            columns = [c.strip().lower() for c in rows[0]]
            unknown = [c for c in columns if c not in _CSV_COLUMNS]
            if unknown:
                self.error(
                    where,
                    M_(
                        "%(name)s: unknown column(s) %(columns)s",
                        name=name,
                        columns=", ".join(unknown),
                    ),
                )
                return []
            start = 1
        members = []
        for n, row in enumerate(rows[start:], start=start + 1):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                self.error(
                    f"{where} ({name} line {n})",
                    M_("%(n)s fields, expected at most %(max)s", n=len(row), max=len(columns)),
                )
                continue
            member = self.watch_member(
                dict(zip(columns, row, strict=False)), list_type, f"{where} ({name} line {n})"
            )
            if member:
                members.append(member)
        return members
