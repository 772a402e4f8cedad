"""`socialhub sources` (health and completeness of every configured source) and
`socialhub collect --source NAME --once` (one poll of one source, enriched and stored)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from socialhub import plugins
from socialhub.cli.common import JsonOption, console, out, print_json, store_from
from socialhub.connectors.sources import build_coordinator
from socialhub.i18n import _, localised
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import DEFAULT_ENRICHERS, Pipeline
from socialhub.settings import Settings
from socialhub.store.base import Store

ConfigOption = Annotated[
    Path,
    typer.Option(
        exists=True,
        dir_okay=False,
        help="Hub configuration (TOML with [[source]] tables).",
    ),
]
OptionalDb = Annotated[
    str | None,
    typer.Option("--db", envvar="SOCIALHUB_DB", help="Database URL (overrides [hub].db)."),
]
BATCH = 500


def _settings(config: Path, db: str | None) -> Settings:
    try:
        return Settings.from_file(config, db=db)
    except (OSError, ValueError) as exc:
        console.print(f"[red]{escape(str(config))}: {escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc


def source_rows(settings: Settings, store: Store) -> list[dict[str, Any]]:
    """One row per configured source (and per source with saved health but no config)."""
    health = store.sources.list_source_health()
    connectors = plugins.connectors()
    rows: list[dict[str, Any]] = []
    for src in settings.sources:
        doc = health.pop(src.name, {})
        rows.append(_row(src.name, src.type, doc, store, configured=True))
        if src.type not in connectors and not doc:
            rows[-1]["status"] = "built-in" if src.type in plugins.sources() else "unknown type"
    rows.extend(_row(name, doc.get("connector", ""), doc, store, configured=False)
                for name, doc in health.items())  # fmt: skip
    return rows


def _row(
    name: str, kind: str, doc: dict[str, Any], store: Store, *, configured: bool
) -> dict[str, Any]:
    completeness = doc.get("completeness", {})
    return {
        "name": name,
        "type": kind,
        "configured": configured,
        "status": doc.get("status", "never run"),
        "last_success": doc.get("last_success"),
        "last_error": doc.get("last_error", ""),
        "last_error_at": doc.get("last_error_at"),
        "items_per_hour": doc.get("items_per_hour", 0),
        "items": doc.get("items", 0),
        "pages": doc.get("pages", 0),
        "errors": doc.get("errors", {}),
        "rate_remaining": doc.get("rate_remaining"),
        "rate_reset": doc.get("rate_reset"),
        "dead_letters": store.sources.count_dead_letters(name),
        "completeness": completeness,
        "statement": completeness.get("statement", "no collection recorded yet"),
    }


def sources(config: ConfigOption, db: OptionalDb = None, json: JsonOption = False) -> None:
    """List every configured source with its health and collection completeness."""
    settings = _settings(config, db)
    store = store_from(settings.db)
    try:
        rows = source_rows(settings, store)
    finally:
        store.close()
    if json:
        print_json(rows)
        return
    table = Table(title=_("sources"))
    for col in (
        _("name"),
        _("type"),
        _("status"),
        _("last success"),
        _("items/h"),
        _("errors"),
        _("dead"),
        _("completeness"),
    ):
        table.add_column(col)
    for r in rows:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "-"
        table.add_row(
            escape(r["name"]) + ("" if r["configured"] else " " + _("(not configured)")),
            escape(r["type"]),
            escape(r["status"]),
            escape(str(r["last_success"] or "-")),
            str(r["items_per_hour"]),
            escape(errors),
            str(r["dead_letters"]),
            escape(r["statement"]),
        )
    out.print(table)


def collect(
    source: Annotated[str, typer.Option("--source", help="The [[source]] name to run.")],
    once: Annotated[
        bool, typer.Option("--once", help="One poll of every target, then exit.")
    ] = False,
    config: ConfigOption = Path("socialhub.toml"),
    db: OptionalDb = None,
    json: JsonOption = False,
) -> None:
    """Run one source once: poll its targets to the end, enrich (fast mode) and store."""
    if not once:
        console.print(
            Text(_("only --once is supported here; `socialhub run` collects continuously"), "red")
        )
        raise typer.Exit(2)
    settings = _settings(config, db)
    matches = [s for s in settings.sources if s.name == source]
    if not matches:
        names = ", ".join(s.name for s in settings.sources) or "none"
        console.print(
            Text(
                _("no source %(name)r in %(file)s (known: %(known)s)")
                % {"name": source, "file": str(config), "known": names},
                "red",
            )
        )
        raise typer.Exit(2)
    src = matches[0]
    registry = plugins.connectors()
    if src.type not in registry:
        known = ", ".join(sorted(registry)) or "none registered"
        console.print(
            Text(
                _("source %(name)r has type %(type)r, not a connector (%(known)s)")
                % {"name": source, "type": src.type, "known": known},
                "red",
            )
        )
        raise typer.Exit(2)
    store = store_from(settings.db)
    pipeline: Pipeline | None = None
    try:
        try:
            coordinator = build_coordinator(src, store, registry=registry)
        except ValueError as exc:
            console.print(f"[red]{escape(localised(exc))}[/red]")
            raise typer.Exit(2) from exc
        dead_before = store.sources.count_dead_letters(src.name)
        collected: list[Mention] = []

        async def emit(mention: Mention) -> None:
            collected.append(mention)

        health = asyncio.run(coordinator.run_once(emit))
        pipeline = Pipeline.from_settings(Context(store, {"mode": "fast"}), DEFAULT_ENRICHERS)
        summary = _store_enriched(collected, pipeline, store)
        doc = health.to_dict()
        summary.update(
            source=src.name,
            type=src.type,
            collected=len(collected),
            dead_letters=store.sources.count_dead_letters(src.name) - dead_before,
            status=doc["status"],
            last_error=doc["last_error"],
            errors=doc["errors"],
            pages=sum(t["pages"] for t in doc["targets"].values()),
            statement=doc["completeness"]["statement"],
        )
    finally:
        if pipeline is not None:
            pipeline.close()
        store.close()
    if json:
        print_json(summary)
    else:
        out.print(
            Text(
                _(
                    "%(name)s: %(collected)s collected, %(inserted)s new, %(updated)s updated, "
                    "%(dropped)s dropped, %(quarantined)s quarantined, "
                    "%(dead_letters)s dead-lettered"
                )
                % {"name": src.name, **summary}
            )
        )
        out.print(Text(_("completeness: %(s)s") % {"s": summary["statement"]}))
        if summary["last_error"]:
            console.print(Text(_("last error: %(e)s") % {"e": summary["last_error"]}, "yellow"))
    if summary["status"] == "stopped":
        raise typer.Exit(1)


def _store_enriched(batch: list[Mention], pipeline: Pipeline, store: Store) -> dict[str, Any]:
    counts = {"inserted": 0, "updated": 0, "dropped": 0, "quarantined": 0}
    for start in range(0, len(batch), BATCH):
        result = pipeline.process(batch[start : start + BATCH])
        if result.quarantined:
            store.sources.quarantine(result.quarantined)
        added = store.mentions.add(result.kept)
        pipeline.commit(result)  # stored: the duplicate filter may learn the batch now
        counts["inserted"] += added.inserted
        counts["updated"] += added.updated
        counts["dropped"] += len(result.dropped)
        counts["quarantined"] += len(result.quarantined)
    return counts
