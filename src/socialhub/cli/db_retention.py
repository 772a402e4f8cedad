"""`socialhub db retention`: forget mentions older than N months."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.text import Text

from socialhub.cli.common import DbOption, JsonOption, out, print_json, redact, store_from
from socialhub.i18n import _
from socialhub.store.retention import apply_retention, cutoff_for


def retention(
    keep_months: Annotated[
        int,
        typer.Option(
            "--keep-months",
            min=0,
            help="Whole UTC months to keep before the current one (0: current month only).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would go; change nothing.")
    ] = False,
    db: DbOption = "sqlite:///data/socialhub.db",
    json: JsonOption = False,
) -> None:
    """Drop mentions created before the first day of the month N months ago, with
    their routes, workspace rows and relevance labels.

    Mentions under legal hold (a case that is not closed) are kept and listed.
    PostgreSQL drops whole month partitions (instant, no vacuum) and creates the
    partitions of this month and the next. SQLite has no partitions: the same command
    DELETEs the rows (with their full-text index entries), in chunks.
    """
    cutoff = cutoff_for(datetime.now(UTC), keep_months)
    store = store_from(db)
    try:
        report = apply_retention(store, cutoff, dry_run=dry_run)
    finally:
        store.close()
    if json:
        print_json({"db": redact(db), **report.to_dict()})
        return
    values = {
        "db": redact(db),
        "n": report.mentions,
        "cutoff": report.cutoff.date().isoformat(),
        "parts": len(report.partitions_dropped),
    }
    if dry_run:
        line = _("%(db)s: would drop %(n)s mention(s) created before %(cutoff)s") % values
    else:
        line = _("%(db)s: dropped %(n)s mention(s) created before %(cutoff)s") % values
    if report.backend == "postgres":
        line += " " + _("(%(parts)s partition(s))") % values
    out.print(Text(line))
    for name in report.partitions_dropped:
        if dry_run:
            out.print(Text("  " + _("would drop partition %(name)s") % {"name": name}))
        else:
            out.print(Text("  " + _("dropped partition %(name)s") % {"name": name}))
    for name in report.partitions_created:
        out.print(Text("  " + _("partition ready: %(name)s") % {"name": name}))
    for held in report.held:
        out.print(Text("  " + _("kept under legal hold: %(item)s") % {"item": held}))
