"""`socialhub search QUERY`: the query language over the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from socialhub.cli.common import (
    DbOption,
    JsonOption,
    console,
    out,
    parse_when,
    print_json,
    store_from,
)
from socialhub.i18n import _, localised, ngettext
from socialhub.query import lint
from socialhub.query.errors import QuerySyntaxError
from socialhub.serialize import mention_to_dict


def search(
    query: Annotated[
        str, typer.Argument(help="Boolean query, e.g. 'mirabelle AND (panne OR \"pas de réseau\")'")
    ],
    workspace: Annotated[str | None, typer.Option(help="Workspace slug (default: all).")] = None,
    since: Annotated[
        str | None, typer.Option(help="From (ISO date/time or age like 24h, 7d).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Until, exclusive (ISO or age).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Maximum mentions shown.")] = 20,
    count_only: Annotated[
        bool, typer.Option("--count", help="Only print the number of matches.")
    ] = False,
    db: DbOption = "sqlite:///data/socialhub.db",
    json: JsonOption = False,
) -> None:
    """Search stored mentions with the query language (newest first)."""
    try:
        messages = lint(query)
    except QuerySyntaxError as exc:  # over a size limit: nothing else is looked at
        console.print(Text(_("error: %(m)s") % {"m": localised(exc.message)}, "red"))
        raise typer.Exit(2) from exc
    for msg in messages:
        if msg.level == "error":
            console.print(
                Text(
                    _("error at column %(c)s: %(m)s")
                    % {"c": msg.column, "m": localised(msg.message)},
                    "red",
                )
            )
            console.print(Text(f"  {query}\n  {' ' * max(0, msg.column - 1)}^"))
            raise typer.Exit(2)
        if not json:
            console.print(
                Text(
                    _("warning at column %(c)s: %(m)s")
                    % {"c": msg.column, "m": localised(msg.message)},
                    "yellow",
                )
            )
    store = store_from(db)
    try:
        ws_id = None
        if workspace:
            ws = store.workspaces.get_workspace(workspace)
            if ws is None:
                console.print(Text(_("unknown workspace %(slug)r") % {"slug": workspace}, "red"))
                raise typer.Exit(2)
            ws_id = ws.id
        t0, t1 = parse_when(since, "--since"), parse_when(until, "--until")
        try:
            total = store.mentions.count(query, workspace_id=ws_id, since=t0, until=t1)
            found = (
                []
                if count_only
                else store.mentions.search(
                    query, workspace_id=ws_id, since=t0, until=t1, limit=limit
                )
            )
        except QuerySyntaxError as exc:
            console.print(
                Text(
                    _("error at column %(c)s: %(m)s")
                    % {"c": exc.column, "m": localised(exc.message)},
                    "red",
                )
            )
            raise typer.Exit(2) from exc
    finally:
        store.close()
    if json:
        print_json(
            {
                "query": query,
                "count": total,
                "items": [mention_to_dict(m, include_raw=False) for m in found],
            }
        )
        return
    if count_only:
        out.print(total)
        return
    table = Table(
        title=ngettext("%(n)s mention matches", "%(n)s mentions match", total) % {"n": total},
        show_lines=False,
    )
    for col in (_("created (UTC)"), _("platform"), _("author"), _("text")):
        table.add_column(col, overflow="fold")
    for m in found:
        # post text and names are hostile: Text() renders them literally, never as markup
        table.add_row(
            m.created_at.strftime("%Y-%m-%d %H:%M"),
            _("unknown") if m.platform == "unknown" else m.platform,
            Text("@" + m.author_handle if m.author_handle else "—"),
            Text(m.text[:280]),
        )
    out.print(table)
