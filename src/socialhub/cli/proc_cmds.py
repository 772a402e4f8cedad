"""The scale-out processes: `socialhub collect | worker | detect-service |
scheduler-service | serve | status`.

Run any number of each on any machine sharing one database (``SOCIALHUB_DB``,
PostgreSQL) and one bus (``SOCIALHUB_BUS``, NATS JetStream). Each process heartbeats
into the database, serves Prometheus metrics with ``--metrics-port`` and logs JSON with
``SOCIALHUB_LOG_FORMAT=json``. See docs/deploy/guide.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.text import Text

from socialhub.bus import RAW, mention_message_id, open_bus
from socialhub.cli.common import JsonOption, console, print_json, redact, store_from
from socialhub.connectors.push_health import run_source
from socialhub.i18n import _, localised
from socialhub.models import Mention
from socialhub.ops.logs import setup_logging
from socialhub.ops.metrics import Sample
from socialhub.processes.runtime import ProcessRuntime
from socialhub.serialize import mention_to_json
from socialhub.settings import Settings
from socialhub.store import migrations
from socialhub.store.base import Store

__all__ = ["collect", "detect_service", "scheduler_service", "serve", "status", "worker"]

log = logging.getLogger("socialhub.process")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", exists=True, dir_okay=False, help="Hub file ([hub], [pipeline], [detect], ...)."
    ),
]
DbOpt = Annotated[
    str | None, typer.Option("--db", envvar="SOCIALHUB_DB", help="Database URL (wins over file).")
]
BusOpt = Annotated[
    str | None, typer.Option("--bus", envvar="SOCIALHUB_BUS", help="nats://host:4222[?prefix=..]")
]
NameOpt = Annotated[str | None, typer.Option("--name", help="Shown by `socialhub status`.")]
MetricsPortOpt = Annotated[
    int | None,
    typer.Option(
        "--metrics-port",
        envvar="SOCIALHUB_METRICS_PORT",
        help="Serve Prometheus /metrics on this port (0: any free port).",
    ),
]
MetricsHostOpt = Annotated[
    str, typer.Option("--metrics-host", envvar="SOCIALHUB_METRICS_HOST", help="Metrics address.")
]
MigrateOpt = Annotated[
    bool, typer.Option("--migrate", help="Apply pending migrations at start (one machine).")
]


def _settings(config: Path | None, db: str | None, bus: str | None) -> Settings:
    try:
        if config is not None:
            return Settings.from_file(config, db=db, bus=bus)
        return Settings.from_env(db=db, bus=bus)
    except ValueError as exc:
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc


def _open(settings: Settings, migrate: bool, role: str, name: str | None) -> Store:
    """The store; refuses a database with pending migrations unless ``--migrate``.

    Its PostgreSQL sessions are named ``socialhub-<role>:<name>`` (``PGAPPNAME``, unless
    set), so an operator finds a process's connections in ``pg_stat_activity``."""
    os.environ.setdefault("PGAPPNAME", f"socialhub-{role}:{name or role}"[:63])
    store = store_from(settings.db, migrate=migrate)
    dialect = "postgres" if settings.db.startswith(("postgresql:", "postgres:")) else "sqlite"
    pending = migrations.pending(dialect, store.applied_migrations())
    if pending:
        store.close()
        names = ", ".join(m.name for m in pending)
        console.print(
            Text(
                _("%(db)s needs migrations (%(names)s): run `socialhub db upgrade` first")
                % {"db": redact(settings.db), "names": names},
                "red",
            )
        )
        raise typer.Exit(2)
    return store


def _runtime(role: str, store: Store, name: str | None, port: int | None, host: str) -> Any:
    setup_logging(logging.INFO, role=role)
    beat = float(os.environ.get("SOCIALHUB_BEAT_SECONDS", "5"))  # heartbeat period
    return ProcessRuntime(
        role, store, name=name, metrics_port=port, metrics_host=host, beat_every=beat
    )


def collect(
    config: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Hub file with [[source]] entries.")
    ],
    db: DbOpt = None,
    bus: BusOpt = None,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
) -> None:
    """Run the configured sources and publish what they collect to the bus (mentions.raw).

    Exits when every source has ended (e.g. a demo source with a limit)."""
    from socialhub.processes.wiring import build_sources

    settings = _settings(config, db, bus)
    store = _open(settings, migrate, "collect", name)
    try:
        sources = build_sources(settings, store)  # connectors keep cursors in the store
    except ValueError as exc:
        store.close()
        console.print(f"[red]{escape(localised(exc))}[/red]")
        raise typer.Exit(2) from exc
    if not sources:
        store.close()
        console.print(Text(_("no [[source]] in the file: nothing to collect"), "red"))
        raise typer.Exit(2)
    rt = _runtime("collect", store, name, metrics_port, metrics_host)
    counts = {s.name: 0 for s in sources}
    rt.info_sources.append(lambda: {"published": sum(counts.values())})
    rt.registry.add(lambda: [
        Sample("socialhub_collect_published_total", n, {"source": src}, "counter",
               "Mentions published to mentions.raw") for src, n in counts.items()
    ])  # fmt: skip

    async def body(stop: asyncio.Event) -> None:
        the_bus = open_bus(settings.bus)

        async def collect_from(src: Any) -> None:
            async def emit(m: Mention) -> None:
                # the mention's version (id + counts) as Nats-Msg-Id: a collector
                # restarted within the duplicate window re-publishes without a second
                # copy on the stream
                await the_bus.publish(RAW, mention_to_json(m), {"id": mention_message_id(m)})
                counts[src.name] += 1

            try:
                await run_source(src, emit, stop, store)
            except Exception:
                log.exception("source %s failed", src.name)

        try:
            await asyncio.gather(*(collect_from(s) for s in sources))
        finally:
            await the_bus.close()
        log.info("sources ended: %s", counts)

    try:
        asyncio.run(rt.run(body))
    finally:
        store.close()
    console.print(
        Text(
            _("published %(n)s mention(s): %(counts)s")
            % {"n": sum(counts.values()), "counts": counts}
        )
    )


def worker(
    config: ConfigOption = None,
    db: DbOpt = None,
    bus: BusOpt = None,
    mode: Annotated[
        str | None, typer.Option(help="Enrichment mode: full or fast (default: the file's).")
    ] = None,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
) -> None:
    """Enrich raw mentions and store them (consumer group "pipeline"; acked after commit)."""
    from socialhub.processes.wiring import build_pipeline, pipeline_service

    settings = _settings(config, db, bus)
    if mode:
        settings.pipeline["mode"] = mode
    store = _open(settings, migrate, "worker", name)
    rt = _runtime("worker", store, name, metrics_port, metrics_host)
    pipeline = build_pipeline(settings, store)
    the_bus = open_bus(settings.bus)
    service = pipeline_service(settings, the_bus, store, pipeline)
    rt.info_sources.append(
        lambda: {
            "stored": service.stored,
            **service.health(),
            "store_reconnects": getattr(getattr(store, "db", None), "reconnects", 0),
        }
    )
    rt.registry.add(lambda: _pipeline_samples(service))

    async def body(stop: asyncio.Event) -> None:
        try:
            await service.run(stop)
        finally:
            pipeline.close()
            await the_bus.close()

    try:
        asyncio.run(rt.run(body))
    finally:
        store.close()


def _pipeline_samples(service: Any) -> list[Sample]:
    out = [Sample("socialhub_pipeline_stored_total", service.stored, {}, "counter",
                  "Mentions enriched and committed by this worker"),
           Sample("socialhub_store_up", 0 if service.paused else 1, {}, "gauge",
                  "1 while the worker reaches its store, 0 while it is away"),
           Sample("socialhub_worker_paused", 1 if service.paused else 0, {}, "gauge",
                  "1 while the worker holds its batch and fetches nothing (store away)"),
           Sample("socialhub_store_failures_total", service.store_failures, {}, "counter",
                  "Batch attempts that found the store away (retried, never nak'ed)"),
           Sample("socialhub_store_reconnects_total",
                  getattr(getattr(service.store, "db", None), "reconnects", 0),
                  {}, "counter", "Database connections reopened after a loss"),
           Sample("socialhub_worker_paused_seconds_total", service.paused_seconds, {},
                  "counter", "Seconds paused because the store was away"),
           Sample("socialhub_pipeline_failed_batches_total", service.failed_batches, {},
                  "counter", "Batches nak'ed for an error of their own")]  # fmt: skip
    if service.sub is not None:
        out.append(Sample("socialhub_bus_lag", service.sub.pending(),
                          {"group": service.group, "subject": RAW},
                          help="Messages waiting or unacked for the group"))  # fmt: skip
    for stage, st in service.pipeline.stats.stages.items():
        labels = {"stage": stage}
        out.append(Sample("socialhub_stage_seconds_total", st.seconds, labels, "counter",
                          "Time spent in each pipeline stage"))  # fmt: skip
        out.append(Sample("socialhub_stage_received_total", st.received, labels, "counter"))
        out.append(Sample("socialhub_stage_kept_total", st.kept, labels, "counter"))
        out.append(Sample("socialhub_stage_dropped_total", sum(st.dropped.values()) +
                          st.quarantined, labels, "counter"))  # fmt: skip
    return out


def detect_service(
    config: ConfigOption = None,
    db: DbOpt = None,
    bus: BusOpt = None,
    workspace: Annotated[
        list[str] | None,
        typer.Option("--workspace", "-w", help="Only these workspace slugs (default: a share)."),
    ] = None,
    lease_seconds: Annotated[float, typer.Option(help="Partition lease length.")] = 30.0,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
) -> None:
    """Run the detectors, partitioned by workspace, with checkpoints in the database.

    Detector processes share the workspaces between them (leases in the database); a
    partition whose process died is taken over after --lease-seconds."""
    from socialhub.processes.detect import PartitionRunner

    settings = _settings(config, db, bus)
    store = _open(settings, migrate, "detect", name)
    rt = _runtime("detect", store, name, metrics_port, metrics_host)
    the_bus = open_bus(settings.bus)
    runner = PartitionRunner(
        the_bus,
        store,
        settings.detect,
        rt.id,
        workspaces=workspace,
        lease_seconds=lease_seconds,
        renew_every=max(1.0, lease_seconds / 3),
    )
    rt.info_sources.append(runner.info)
    rt.registry.add(runner.samples)

    async def body(stop: asyncio.Event) -> None:
        try:
            await runner.run(stop)
        finally:
            await the_bus.close()

    try:
        asyncio.run(rt.run(body))
    finally:
        store.close()


def scheduler_service(
    db: DbOpt = None,
    interval: Annotated[float, typer.Option(help="Seconds between runs.", min=1)] = 60.0,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
) -> None:
    """Send the workspaces' scheduled reports and publish approved, due posts; with
    several running, one is active (a PostgreSQL advisory lock) and the others stand by."""
    from socialhub.processes.leader import leadership_for
    from socialhub.reports.delivery import Mailer
    from socialhub.reports.scheduler import Scheduler

    settings = _settings(None, db, None)
    store = _open(settings, migrate, "scheduler", name)
    rt = _runtime("scheduler", store, name, metrics_port, metrics_host)
    try:
        mailer: Mailer | None = Mailer.from_env()
    except ValueError:
        mailer = None
        log.warning("SOCIALHUB_SMTP_HOST not set: reports are archived, not sent")
    from socialhub.legal.proposals import FlaggingJob
    from socialhub.privacy.retention import RetentionJob

    runner = Scheduler(store, mailer, jobs=[RetentionJob(store), FlaggingJob(store)])
    leader = leadership_for(settings.db)
    done: dict[str, int] = {}
    rt.info_sources.append(lambda: {"leader": bool(getattr(leader, "held", False) or
                                                   getattr(leader, "_fh", None))})  # fmt: skip
    rt.registry.add(lambda: [Sample("socialhub_reports_total", n, {"status": k}, "counter")
                             for k, n in done.items()])  # fmt: skip

    async def body(stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                if await asyncio.to_thread(leader.acquire):
                    try:
                        for outcome in await asyncio.to_thread(runner.run_due):
                            done[outcome.status] = done.get(outcome.status, 0) + 1
                            log.info("report %s", outcome)
                        await asyncio.to_thread(runner.publish_posts)  # scheduled posts
                    except Exception:
                        log.exception("scheduler run failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)
        finally:
            leader.release()

    try:
        asyncio.run(rt.run(body))
    finally:
        store.close()


def serve(
    config: ConfigOption = None,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(envvar="SOCIALHUB_HOST", help="Web address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="SOCIALHUB_PORT", help="Web port.")] = 8000,
    name: NameOpt = None,
    metrics_port: MetricsPortOpt = None,
    metrics_host: MetricsHostOpt = "127.0.0.1",
    migrate: MigrateOpt = False,
    bus: BusOpt = None,
) -> None:
    """Run the web app and API alone (several behind a proxy share one database).

    With a NATS bus, live views (dashboards, walls) follow what the workers store.
    """

    from socialhub.hub import _QuietServer, web_config
    from socialhub.web.app import create_app
    from socialhub.web.clientip import parse_proxies
    from socialhub.web.relay import relay_stored
    from socialhub.web.security import AuthConfig

    settings = _settings(config, db, bus)
    store = _open(settings, migrate, "serve", name)
    rt = _runtime("serve", store, name, metrics_port, metrics_host)
    rt.info["url"] = f"http://{host}:{port}/"
    proxies = parse_proxies(settings.trusted_proxies)
    app = create_app(store, auth=AuthConfig(trusted_proxies=proxies), bootstrap_admin=True)
    app.state.sources = list(settings.sources)  # Admin -> Sources lists them
    server = _QuietServer(web_config(app, host, port))

    async def body(stop: asyncio.Event) -> None:
        task = asyncio.create_task(server.serve())
        relay: asyncio.Task[int] | None = None
        the_bus = None
        if settings.bus != "memory":  # an in-process bus has no workers to hear from
            the_bus = open_bus(settings.bus)
            relay = asyncio.create_task(relay_stored(the_bus, app.state.live, stop))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stop.set()
        stopper.cancel()
        await task
        if relay is not None and the_bus is not None:
            await relay
            await the_bus.close()

    try:
        asyncio.run(rt.run(body))
    finally:
        store.close()


def status(
    db: DbOpt = None,
    bus: BusOpt = None,
    stale_after: Annotated[
        float, typer.Option(help="Seconds without a heartbeat before a process is dead.")
    ] = 30.0,
    json: JsonOption = False,
) -> None:
    """Show the topology: processes alive, detector partitions, NATS lag, database size."""
    from socialhub.cli.common import out
    from socialhub.ops.status import gather, render

    settings = _settings(None, db, bus)
    store = store_from(settings.db, migrate=False)
    try:
        data = gather(store, settings.db, settings.bus, stale_after=stale_after)
    finally:
        store.close()
    data["database"]["url"] = redact(settings.db)
    if json:
        print_json(data)
    else:
        render(data, out)


# `python -m socialhub.cli.proc_cmds ...` runs these commands alone (same options)
app = typer.Typer(help="socialhub scale-out processes.", no_args_is_help=True)
app.command("collect")(collect)
app.command("worker")(worker)
app.command("detect-service")(detect_service)
app.command("scheduler-service")(scheduler_service)
app.command("serve")(serve)
app.command("status")(status)

if __name__ == "__main__":
    app()
