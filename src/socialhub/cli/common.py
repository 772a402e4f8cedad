"""Shared CLI bits: the --db option, the console, JSON output, date parsing."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.text import Text
from typer._click.globals import get_current_context

from socialhub.cli.localise import cli_locale
from socialhub.i18n import _, use_locale
from socialhub.store import open_store
from socialhub.store.base import Store

# Piped into a file or `less`, Rich would squeeze tables to 80 columns and wrap every
# cell: when stdout is not a terminal (and COLUMNS is not set) tables take the width
# they need.
PIPED_WIDTH = 1000
console = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH)

DEFAULT_DB = "sqlite:///data/socialhub.db"

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="SOCIALHUB_DB",
        help="Database URL: sqlite:///path.db (default) or postgresql://user@host/db.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def example_config() -> Path:
    """The bundled example workspace (fictional telecom operator) used by the demo."""
    for candidate in (
        Path.cwd() / "examples" / "telecom.toml",
        repo_root() / "examples" / "telecom.toml",
    ):
        if candidate.exists():
            return candidate
    raise typer.BadParameter(_("examples/telecom.toml not found; pass --config FILE"))


def human_locale() -> None:
    """Run the current command in :func:`cli_locale`, restored when the command ends."""
    ctx = get_current_context(silent=True)
    if ctx is None:
        return
    root = ctx.find_root()
    if not root.meta.get("socialhub.locale"):
        root.meta["socialhub.locale"] = True
        root.with_resource(use_locale(cli_locale()))


def store_from(db: str, *, migrate: bool = True) -> Store:
    human_locale()
    try:
        store = open_store(db)
    except Exception as exc:
        console.print(
            Text(
                _("cannot open database %(db)s: %(error)s") % {"db": redact(db), "error": exc},
                "red",
            )
        )
        raise typer.Exit(2) from exc
    if migrate:
        store.migrate()
    return store


def redact(url: str) -> str:
    """A database URL without its password, safe to print or log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def parse_when(value: str | None, name: str) -> datetime | None:
    """ISO dates/times (UTC when naive) or relative ages like 24h, 7d, 30m."""
    if not value:
        return None
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    if value[-1:] in units and value[:-1].isdigit():
        return datetime.now(UTC) - timedelta(**{units[value[-1]]: int(value[:-1])})
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(
            _("%(name)s: expected ISO date/time or an age like 24h, got %(value)r")
            % {"name": name, "value": value}
        ) from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, default=str, option=orjson.OPT_INDENT_2).decode() + "\n")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
