"""`socialhub quarantine list`: what could not be parsed, with the reason and raw payload;
`socialhub quarantine dead-letters`: what the connectors rejected, the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from socialhub.cli.common import DEFAULT_DB, DbOption, JsonOption, out, print_json, store_from
from socialhub.i18n import _, ngettext
from socialhub.models import QuarantineItem
from socialhub.records.quarantine import display_location, display_reason
from socialhub.records.sources import DeadLetter

app = typer.Typer(help="Payloads that could not be parsed or normalised.", no_args_is_help=True)


@app.command("list")
def list_(
    source: Annotated[
        str | None, typer.Option(help="Only this source, e.g. import:csv:file.csv.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="Maximum rows shown.")] = 50,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Newest quarantined payloads first."""
    store = store_from(db)
    try:
        total = store.sources.count_quarantine(source)
        items = store.sources.list_quarantine(limit=limit, source=source)
    finally:
        store.close()
    if json:
        print_json(
            {
                "count": total,
                "items": [
                    {
                        "id": q.id,
                        "source": q.source,
                        "reason": q.reason,
                        "reason_code": q.reason_code,
                        "location": q.location,
                        "created_at": q.created_at.isoformat(),
                        "raw": q.raw,
                    }
                    for q in items
                ],
            }
        )
        return
    title = ngettext("%(n)s quarantined payload", "%(n)s quarantined payloads", total)
    _print_rows(title % {"n": total}, items)


@app.command("dead-letters")
def dead_letters(
    source: Annotated[str | None, typer.Option(help="Only this source, e.g. rss.lemonde.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="Maximum rows shown.")] = 50,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Newest dead letters first: what a connector fetched and could not use."""
    store = store_from(db)
    try:
        total = store.sources.count_dead_letters(source)
        letters = store.sources.list_dead_letters(source, limit=limit)
    finally:
        store.close()
    if json:
        print_json({"count": total, "items": [d.to_dict() for d in letters]})
        return
    _print_rows(ngettext("%(n)s dead letter", "%(n)s dead letters", total) % {"n": total}, letters)


def _print_rows(title: str, rows: Sequence[QuarantineItem | DeadLetter]) -> None:
    """Quarantined payloads and dead letters read the same way: when, where, why, what."""
    table = Table(title=title)
    for col in (_("when (UTC)"), _("source"), _("where"), _("reason"), _("raw")):
        table.add_column(col, overflow="fold")
    for r in rows:
        when = r.created_at.strftime("%Y-%m-%d %H:%M") if r.created_at else "-"
        table.add_row(  # raw payloads are hostile: plain text, never markup
            when,
            Text(r.source),
            Text(display_location(r.location)),
            Text(display_reason(r.reason, r.reason_code, r.reason_params)),
            Text(r.raw[:200]),
        )
    out.print(table)
