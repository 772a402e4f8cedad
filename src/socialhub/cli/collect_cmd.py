"""`socialhub collect`: the collector process, or one source polled once.

``socialhub collect --config hub.toml`` runs every configured source and publishes to
the bus (the scale-out collector). ``--source NAME --once`` polls one source's targets
to the end, enriches in the fast mode and stores directly (a check, or a cron job).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from socialhub.cli import proc_cmds, sources_cmds
from socialhub.cli.common import JsonOption
from socialhub.cli.proc_cmds import (
    BusOpt,
    DbOpt,
    MetricsHostOpt,
    MetricsPortOpt,
    MigrateOpt,
    NameOpt,
)
from socialhub.i18n import _


def collect(
    config: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Hub file with [[source]] entries.")
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="With --once: the source to poll.")
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Poll --source once, store, and exit.")
    ] = False,
    db: DbOpt = None,
    bus: BusOpt = None,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
    json: JsonOption = False,
) -> None:
    """Run the configured sources and publish to the bus, or poll one source once."""
    if once or source:
        if not (once and source):
            raise typer.BadParameter(_("--source and --once go together"))
        sources_cmds.collect(source=source, once=True, config=config, db=db, json=json)
        return
    proc_cmds.collect(
        config=config,
        db=db,
        bus=bus,
        name=name,
        metrics_port=metrics_port,
        metrics_host=metrics_host,
        migrate=migrate,
    )
