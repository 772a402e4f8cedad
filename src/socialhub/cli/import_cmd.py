"""`socialhub import FILE`: bulk import with a progress bar, routing and quarantine."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    print_json,
    store_from,
)
from socialhub.i18n import _, format_number, format_percent, localised
from socialhub.ingest import FORMATS, ImportFormatError, import_file
from socialhub.ingest.coverage import Coverage
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import DEFAULT_ENRICHERS, MODES, Pipeline, Result
from socialhub.store.base import Store


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`--map text=body --map created_at=date` -> {"text": "body", ...}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise typer.BadParameter(f"--map expects FIELD=COLUMN, got {pair!r}")
        mapping[field.strip()] = column.strip()
    return mapping


def _router(
    store: Store, mode: str, coverage: Coverage
) -> tuple[Pipeline, Callable[[list[Mention]], list[Mention]], Callable[[], None]]:
    """The enrichment chain, so imported mentions get their queries like live ones; the
    second function tells it a batch is written (its duplicate filter learns it then).
    ``coverage`` counts the routed mentions per query."""
    pipeline = Pipeline.from_settings(Context(store, {"mode": mode}), DEFAULT_ENRICHERS)
    pending: list[Result] = []

    def transform(batch: list[Mention]) -> list[Mention]:
        result = pipeline.process(batch)
        pending.append(result)
        if result.quarantined:
            store.sources.quarantine(result.quarantined)
        coverage.add(result.kept)
        return result.kept

    def committed() -> None:
        while pending:
            pipeline.commit(pending.pop(0))

    return pipeline, transform, committed


@contextlib.contextmanager
def _bulk_gc() -> Iterator[None]:
    """Fewer garbage collections for a bulk run (issue 21): what is loaded so far
    (models, lexicons, tables) is long-lived and leaves the collector's generations
    (``gc.freeze``), and the young generation is collected every 50,000 net
    allocations instead of 700. The stage tables hold millions of objects, which every
    full collection walked: ~10 % of a routed import's CPU at 20,000 mentions, growing
    with the tables. Reference cycles are still collected, only less often; the
    collector's settings are restored afterwards (the command may run in-process)."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV, JSONL/NDJSON, X API v2 page(s) or twarc2 output.",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"One of {', '.join(FORMATS)} (default: detected)."),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="CSV column mapping FIELD=COLUMN (repeatable), e.g. --map text=Message."
        ),
    ] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of naive dates in the file.")] = "UTC",
    batch_size: Annotated[int, typer.Option(min=1, max=100_000, help="Mentions per write.")] = 2000,
    route: Annotated[
        bool, typer.Option(help="Run the enrichment pipeline (routing, language, sentiment...).")
    ] = True,
    mode: Annotated[
        str,
        typer.Option(help="Pipeline mode: fast (bulk history, no encoder) or full (accurate)."),
    ] = "fast",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Import mentions from a file. Unreadable rows go to quarantine with the reason.

    A record (one line) may be up to 64 MiB; a larger one is quarantined whole.
    """
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    mapping = parse_mapping(map_ or [])
    store = store_from(db)
    limit_memory = getattr(store, "limit_memory", None)  # SQLite: flat resident memory
    if callable(limit_memory):
        limit_memory()
    if mode not in MODES:
        raise typer.BadParameter(f"--mode must be one of {', '.join(MODES)}")
    coverage = Coverage()
    routes: dict[str, Any] | None = None
    pipeline, transform, committed = _router(store, mode, coverage) if route else (None, None, None)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[n]} " + _("mentions")),
        TimeRemainingColumn(),
        console=console,
        disable=json or not console.is_terminal,
        transient=False,
    )
    try:
        with progress, _bulk_gc():
            task = progress.add_task(
                _("import %(file)s") % {"file": escape(file.name)},
                total=file.stat().st_size,
                n=0,
            )

            def tick(done: int, total: int, n: int) -> None:
                progress.update(task, completed=done, total=total, n=n)

            report = import_file(
                file,
                store,
                fmt=fmt,
                mapping=mapping,
                batch_size=batch_size,
                progress=tick,
                transform=transform,
                timezone=timezone,
                committed=committed,
            )
        routes = coverage.report(store.workspaces.list_queries()) if route else None
    except ImportFormatError as exc:
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc
    finally:
        if pipeline is not None:
            pipeline.close()
        store.close()
    if json:
        print_json({**report.to_dict(), "coverage": routes})
        if routes:
            for warning in routes["warnings"]:
                console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
        return
    out.print(escape(report.summary()))
    if report.quarantined:
        out.print(_("  see them with: socialhub quarantine list"))
    if routes and routes["mentions"]:
        out.print(
            _("routed to a query: %(routed)s of %(mentions)s (%(share)s)")
            % {
                "routed": format_number(routes["routed"]),
                "mentions": format_number(routes["mentions"]),
                "share": format_percent(routes["routed_share"], 1),
            }
        )
        for row in routes["per_query"]:
            if row["mentions"]:
                share = format_percent(row["share"], 1)
                values = {"name": escape(str(row["query"])), "share": share}
                values["count"] = format_number(row["mentions"])
                out.print(_("  %(name)s: %(count)s (%(share)s)") % values)
        for warning in routes["warnings"]:
            said = _("  warning: %(text)s") % {"text": localised(warning)}
            console.print(f"[yellow]{escape(said.strip())}[/yellow]")
