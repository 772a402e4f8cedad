"""`socialhub demo` and `socialhub run`: the embedded hub in one process."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from socialhub.cli.common import DbOption, console, example_config, redact
from socialhub.config import ConfigError, apply_config, load_config
from socialhub.connectors.demo import DemoSource
from socialhub.hub import Hub
from socialhub.i18n import _, localised
from socialhub.pipeline.chain import MODES
from socialhub.settings import Settings
from socialhub.store.base import Store

HostOption = Annotated[str, typer.Option(envvar="SOCIALHUB_HOST", help="Web server address.")]
PortOption = Annotated[int, typer.Option(envvar="SOCIALHUB_PORT", help="Web server port.")]


def _serve(hub: Hub, *, until_done: bool) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await hub.run(stop, until_sources_done=until_done)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass  # a second Ctrl-C during shutdown: still close cleanly below
    finally:
        stats = hub.pipeline.stats.as_dict()
        hub.close()
        console.print(stopped_message(stats["stages"]))


def stopped_message(stages: dict[str, dict[str, object]]) -> str:
    """One plain sentence for Ctrl-C, not a dump of the pipeline's counters.

    >>> stopped_message({"dedup": {"received": 10, "kept": 8, "dropped": {"dup": 2},
    ...                  "quarantined": 0, "seconds": 0.1},
    ...                  "store": {"received": 8, "kept": 8, "dropped": {}, "quarantined": 1,
    ...                  "seconds": 0.2}})
    'Stopped. 10 mentions received, 8 stored, 2 dropped as duplicates or noise, 1 quarantined.'
    """
    if not stages:
        return "Stopped."
    first, last = next(iter(stages.values())), list(stages.values())[-1]
    dropped = sum(
        sum(v.values()) for st in stages.values() if isinstance(v := st.get("dropped"), dict)
    )
    quarantined = sum(int(str(st.get("quarantined") or 0)) for st in stages.values())
    return (
        f"Stopped. {first.get('received', 0)} mentions received, {last.get('kept', 0)} stored, "
        f"{dropped} dropped as duplicates or noise, {quarantined} quarantined."
    )


def _applier(config: Path) -> Callable[[Store], None]:
    def setup(store: Store) -> None:
        try:
            report = apply_config(load_config(config), store)
        except ConfigError as exc:
            console.print(f"[red]{escape(localised(exc))}[/red]")
            raise typer.Exit(2) from exc
        console.print(
            Text(
                _("configuration %(file)s: %(n)s change(s)")
                % {"file": str(config), "n": report.changed}
            )
        )
        no_password = [w for w in report.warnings if w.endswith("password not changed")]
        for warning in report.warnings:
            if warning not in no_password:
                shown = _("warning: %(m)s") % {"m": localised(warning)}
                console.print(Text("  " + shown, "yellow"))
        if no_password:
            console.print(
                "  "
                + _(
                    "%(n)s user(s) have no password yet (see `password_env` in the file; "
                    "`socialhub apply` sets it)"
                )
                % {"n": len(no_password)}
            )

    return setup


def demo(
    seed: Annotated[
        int, typer.Option(help="Simulator seed: the same seed gives the same stream.")
    ] = 42,
    speed: Annotated[
        float,
        typer.Option(
            help="Time compression after the backfill (60 = a simulated minute per second)."
        ),
    ] = 1.0,
    backfill_hours: Annotated[
        float, typer.Option(help="Hours of history played at once before going live.")
    ] = 24.0,
    limit: Annotated[
        int | None, typer.Option(help="Stop after this many mentions (default: run until Ctrl-C).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Workspace configuration to apply (default: examples/telecom.toml)."),
    ] = None,
    ground_truth: Annotated[
        Path | None,
        typer.Option(help="Write the simulator's episodes (ground truth) to this JSON file."),
    ] = None,
    web: Annotated[bool, typer.Option(help="Serve the live page.")] = True,
    mode: Annotated[
        str,
        typer.Option(
            help="Enrichment: full (encoder; fast while a backlog waits) or fast (bulk only)."
        ),
    ] = "full",
    db: DbOption = "sqlite:///data/socialhub.db",
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
) -> None:
    """Run the hub on the built-in demo stream: simulator -> pipeline -> store -> web app."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings.from_env(db=db, host=host, port=port)
    if mode not in MODES:
        raise typer.BadParameter(
            _("--mode must be one of %(values)s") % {"values": ", ".join(MODES)}
        )
    settings.pipeline["mode"] = mode
    source = DemoSource(seed=seed, speed=speed, backfill_hours=backfill_hours, limit=limit)
    if ground_truth:
        source.simulator.write_ground_truth(ground_truth)
    hub = Hub.build(settings, sources=[source], web=web, setup=_applier(config or example_config()))
    # the Reports page is not empty: the backfilled history's digests are archived, then
    # each edition as it falls due (no mail is sent)
    hub.reports, hub.reports_since = True, source.start
    console.print(Text(_("database: %(db)s") % {"db": redact(settings.db)}))
    if web:
        console.print(
            Text(
                _("socialhub demo running: %(url)s")
                % {"url": f"http://{settings.host}:{settings.port}/"},
                "bold",
            ),
            "  " + _("(Ctrl-C to stop)"),
        )
    _serve(hub, until_done=limit is not None)


def run(
    config: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Hub configuration (TOML: [hub], [pipeline], [[source]], workspaces).",
        ),
    ],
    web: Annotated[bool, typer.Option(help="Serve the web app.")] = True,
    db: Annotated[
        str | None, typer.Option(envvar="SOCIALHUB_DB", help="Database URL (overrides [hub].db).")
    ] = None,
) -> None:
    """Run the hub with the sources configured in a file (Ctrl-C to stop)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_file(config, db=db)
        hub = Hub.build(settings, web=web, setup=_applier(config))
    except ValueError as exc:
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc
    if not hub.sources:
        console.print(
            Text(_("no [[source]] configured: only the web app and API will run"), "yellow")
        )
    if web:
        console.print(
            Text(
                _("socialhub running: %(url)s")
                % {"url": f"http://{settings.host}:{settings.port}/"},
                "bold",
            )
        )
    _serve(hub, until_done=False)
