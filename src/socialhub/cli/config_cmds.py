"""`socialhub apply FILE.toml` and `socialhub export-config`: configuration as code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
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
from socialhub.config import ConfigError, apply_config, export_config, load_config
from socialhub.i18n import _, localised


def apply(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Configuration file (TOML).")
    ],
    prune: Annotated[
        bool,
        typer.Option(
            help="Delete queries, watchlists and members of these workspaces"
            " that the file does not list."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Create or update workspaces, users, members, queries and watchlists from a file.

    The database stays the source of truth; applying the same file twice changes nothing.
    Passwords are never in the file: a user's `password_env` names an environment variable.
    """
    try:
        cfg = load_config(file)
    except ConfigError as exc:
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc
    store = store_from(db)
    try:
        report = apply_config(cfg, store, prune=prune, dry_run=dry_run)
    except ConfigError as exc:
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc
    finally:
        store.close()
    if json:
        print_json(report.to_dict())
        return
    out.print(escape(report.summary()))
    if report.changes and not json:
        for change in report.change_lines()[:50]:
            out.print(f"  {escape(change)}")
        if len(report.changes) > 50:
            out.print(
                "  "
                + _("... and %(n)s more (use --json for all)") % {"n": len(report.changes) - 50}
            )


def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    workspace: Annotated[
        list[str] | None, typer.Option(help="Only this workspace slug (repeatable).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the configuration stored in the database back as TOML (`apply` reads it)."""
    store = store_from(db)
    try:
        text = export_config(store, workspaces=workspace or None)
    finally:
        store.close()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(Text(_("wrote %(file)s") % {"file": str(output)}))
