"""`socialhub db ...`: schema migrations."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from socialhub.cli import db_retention
from socialhub.cli.common import (
    DbOption,
    JsonOption,
    console,
    out,
    print_json,
    redact,
    store_from,
)
from socialhub.i18n import _, format_number, ngettext

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.command("retention")(db_retention.retention)


@app.command("upgrade")
def upgrade(db: DbOption = "sqlite:///data/socialhub.db", json: JsonOption = False) -> None:
    """Apply pending named migrations, then any search re-index they ask for."""
    store = store_from(db, migrate=False)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=json or not console.is_terminal,
    )
    reindexed = 0

    def tick(done: int, total: int) -> None:
        nonlocal reindexed
        if not progress.tasks:
            progress.add_task(_("re-indexing the search"), total=total)
        progress.update(progress.tasks[0].id, completed=done, total=total)
        reindexed = done

    try:
        with progress:
            applied = store.migrate(progress=tick)
        all_names = store.applied_migrations()
    finally:
        store.close()
    if json:
        print_json(
            {"db": redact(db), "applied_now": applied, "applied": all_names, "reindexed": reindexed}
        )
        return
    if applied:
        out.print(
            ngettext(
                "Applied %(n)s migration to %(db)s: %(names)s",
                "Applied %(n)s migrations to %(db)s: %(names)s",
                len(applied),
            )
            % {"n": len(applied), "db": redact(db), "names": ", ".join(applied)}
        )
        if reindexed:
            out.print(
                ngettext(
                    "Search re-indexed: %(n)s mention.",
                    "Search re-indexed: %(n)s mentions.",
                    reindexed,
                )
                % {"n": format_number(reindexed)}
            )
    else:
        out.print(
            _("%(db)s is up to date (%(n)s migrations).") % {"db": redact(db), "n": len(all_names)}
        )
