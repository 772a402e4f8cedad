"""The `socialhub` command line (Typer + Rich). Every command has --help."""

from __future__ import annotations

import typer

from socialhub import __version__
from socialhub.cli import (
    alerts_cmds,
    audit_cmds,
    backtest_cmd,
    collect_cmd,
    config_cmds,
    db_cmds,
    detect_cmd,
    engage_cmds,
    enrich_cmd,
    eval_cmds,
    hub_cmds,
    import_cmd,
    launch_cmds,
    legal_cmds,
    privacy_cmds,
    proc_cmds,
    quarantine_cmd,
    relevance_cmds,
    report_cmd,
    search_cmd,
    sources_cmds,
    users_cmds,
)

app = typer.Typer(
    name="socialhub",
    help="Self-hosted social listening hub: collect, enrich, search, detect, alert.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold secrets
    rich_markup_mode=None,  # help texts show TOML tables like [[source]] literally
)
app.command("demo")(hub_cmds.demo)
app.command("run")(hub_cmds.run)
app.command("search")(search_cmd.search)
app.command("apply")(config_cmds.apply)
app.command("export-config")(config_cmds.export)
app.command("import")(import_cmd.import_)
app.command("enrich")(enrich_cmd.enrich)
app.command("detect")(detect_cmd.detect)
app.command("backtest")(backtest_cmd.backtest)
app.command("report")(report_cmd.report)
app.command("scheduler")(report_cmd.scheduler)
app.command("sources")(sources_cmds.sources)
app.command("collect")(collect_cmd.collect)
app.command("worker")(proc_cmds.worker)
app.command("detect-service")(proc_cmds.detect_service)
app.command("scheduler-service")(proc_cmds.scheduler_service)
app.command("serve")(proc_cmds.serve)
app.command("status")(proc_cmds.status)
app.add_typer(db_cmds.app, name="db")
app.add_typer(quarantine_cmd.app, name="quarantine")
app.add_typer(relevance_cmds.app, name="relevance")
app.add_typer(alerts_cmds.app, name="alerts")
app.add_typer(launch_cmds.app, name="launch")
app.add_typer(users_cmds.app, name="users")
app.add_typer(privacy_cmds.app, name="privacy")
app.add_typer(legal_cmds.app, name="legal")
app.add_typer(audit_cmds.app, name="audit")
app.add_typer(engage_cmds.app, name="engage")
eval_cmds.app.command("relevance")(relevance_cmds.eval_relevance)
app.add_typer(eval_cmds.app, name="eval")


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


if __name__ == "__main__":
    app()
