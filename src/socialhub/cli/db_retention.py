"""`socialhub db retention`: forget mentions older than N months."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.text import Text

from socialhub.cli.common import DbOption, JsonOption, out, print_json, redact, store_from
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
    verb = "would drop" if dry_run else "dropped"
    out.print(
        f"{redact(db)}: {verb} {report.mentions} mention(s) created before "
        f"{report.cutoff.date().isoformat()}"
        + (
            f" ({len(report.partitions_dropped)} partition(s))"
            if report.backend == "postgres"
            else ""
        )
    )
    for name in report.partitions_dropped:
        out.print(f"  {verb} partition {name}")
    for name in report.partitions_created:
        out.print(f"  partition ready: {name}")
    for held in report.held:
        out.print(Text(f"  kept under legal hold: {held}"))
