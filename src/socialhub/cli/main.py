"""The `socialhub` command line (Typer + Rich). Every command has --help.

Commands are loaded when they run, not when the program starts: ``socialhub --help`` and
light commands must start in well under a second, and the heavy commands import the web
app, the models and numpy. :data:`COMMANDS` names each command's module and its one-line
help (checked against the command's own docstring by the tests).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click  # typer 0.29 vendors its own click: its types

from socialhub import __version__
from socialhub.cli import localise
from socialhub.i18n import N_, gettext, use_locale

localise.install()  # Click's own texts (Usage:, Error:…) through our gettext

# name -> (module, attribute, one-line help); the attribute is a function or a Typer app
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "hub_cmds",
        "demo",
        N_("Run the hub on the built-in demo stream: simulator -> pipeline -> store -> web app."),
    ),
    "run": (
        "hub_cmds",
        "run",
        N_("Run the hub with the sources configured in a file (Ctrl-C to stop)."),
    ),
    "search": (
        "search_cmd",
        "search",
        N_("Search stored mentions with the query language (newest first)."),
    ),
    "apply": (
        "config_cmds",
        "apply",
        N_("Create or update workspaces, users, members, queries and watchlists from a file."),
    ),
    "export-config": (
        "config_cmds",
        "export",
        N_("Write the configuration stored in the database back as TOML (`apply` reads it)."),
    ),
    "import": (
        "import_cmd",
        "import_",
        N_("Import mentions from a file. Unreadable rows go to quarantine with the reason."),
    ),
    "enrich": (
        "enrich_cmd",
        "enrich",
        N_("Enrich JSONL lines (id, text[, lang, created_at, author]) with the pipeline."),
    ),
    "detect": (
        "detect_cmd",
        "detect",
        N_("Replay a timestamped stream through the detectors on its own clock."),
    ),
    "backtest": (
        "backtest_cmd",
        "backtest",
        N_("Replay a workspace's stored history through the detectors and say when they fire."),
    ),
    "report": (
        "report_cmd",
        "report",
        N_("Build a report (digest, competitors, crisis), archive it, write or send it."),
    ),
    "scheduler": ("report_cmd", "scheduler", N_("Run the report schedules of every workspace.")),
    "sources": (
        "sources_cmds",
        "sources",
        N_("List every configured source with its health and collection completeness."),
    ),
    "collect": (
        "collect_cmd",
        "collect",
        N_("Run the configured sources and publish to the bus, or poll one source once."),
    ),
    "worker": (
        "proc_cmds",
        "worker",
        N_('Enrich raw mentions and store them (consumer group "pipeline"; acked after commit).'),
    ),
    "detect-service": (
        "proc_cmds",
        "detect_service",
        N_("Run the detectors, partitioned by workspace, with checkpoints in the database."),
    ),
    "scheduler-service": (
        "proc_cmds",
        "scheduler_service",
        N_("Send the workspaces' scheduled reports."),
    ),
    "serve": (
        "proc_cmds",
        "serve",
        N_("Run the web app and API alone (several behind a proxy share one database)."),
    ),
    "status": (
        "proc_cmds",
        "status",
        N_("Show the topology: processes alive, detector partitions, NATS lag, database size."),
    ),
    "db": ("db_cmds", "app", N_("Database maintenance.")),
    "quarantine": ("quarantine_cmd", "app", N_("Payloads that could not be parsed or normalised.")),
    "relevance": (
        "relevance_cmds",
        "app",
        N_("Relevance per query: label mentions, train the query's classifier, see status."),
    ),
    "alerts": (
        "alerts_cmds",
        "app",
        N_("Alerts: list, explain, acknowledge, resolve, give feedback."),
    ),
    "launch": (
        "launch_cmds",
        "app",
        N_("Competitor launch monitor: curves, buzz-or-fizzle score, the library of launches."),
    ),
    "users": ("users_cmds", "app", N_("Web accounts: users, roles per workspace, API tokens.")),
    "eval": ("eval_cmds", "app", N_("Evaluate the models on labelled data.")),
    "privacy": (
        "privacy_cmds",
        "app",
        N_("GDPR: erasure, subject access export, retention per workspace and source kind."),
    ),
    "legal": (
        "legal_cmds",
        "app",
        N_("Legal desk: cases, evidence capture, chain of custody, verifiable bundles."),
    ),
    "audit": (
        "audit_cmds",
        "app",
        N_("The append-only, hash-chained logs (engagement audit, chains of custody)."),
    ),
    "engage": (
        "engage_cmds",
        "app",
        N_("Engagement: the inbox, publishing approved posts, official accounts, measures."),
    ),
}


def load(name: str) -> click.Command:
    """The click command of ``name``, importing its module now."""
    module_name, attr, _ = COMMANDS[name]
    target = getattr(importlib.import_module(f"socialhub.cli.{module_name}"), attr)
    if name == "eval" and "relevance" not in getattr(target, "_socialhub_extra", ()):
        from socialhub.cli import relevance_cmds

        target.command("relevance")(relevance_cmds.eval_relevance)
        target._socialhub_extra = ("relevance",)
    if isinstance(target, typer.Typer):
        # through a parent, as add_typer did: a sub-app with one command stays a group
        parent = typer.Typer(rich_markup_mode=None)
        parent.add_typer(target, name=name)
        command = typer.main.get_command(parent).commands[name]  # type: ignore[attr-defined]
    else:
        single = typer.Typer(pretty_exceptions_show_locals=False, rich_markup_mode=None)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(typer.core.TyperGroup):
    """A group whose commands are imported when run (or asked for their own --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in COMMANDS:
            found = localise.localise(load(cmd_name))
            self.add_command(found, cmd_name)
        return found

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        # the run's language is known before any argument is parsed: --help texts and
        # usage errors are written in it (the tree's English is translated as it loads)
        with use_locale(localise.cli_locale()):
            localise.localise(self)
            return super().main(args, *a, **kw)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # the listing reads the table: importing every command to print --help is the
        # two seconds this class exists to save
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            if name in COMMANDS and name not in self.commands:
                rows.append((name, gettext(COMMANDS[name][2])))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=100)))
        if rows:
            with formatter.section(gettext("Commands")):
                formatter.write_dl(rows)


def full_tree() -> click.Command:
    """Every command of ``socialhub``, loaded, in English (imports every command module:
    slow; for the catalogue's checks)."""
    group = typer.main.get_command(app)
    ctx = click.Context(group)
    with use_locale("en"):
        for name in group.list_commands(ctx):  # type: ignore[attr-defined]
            group.get_command(ctx, name)  # type: ignore[attr-defined]
    return group


app = typer.Typer(
    name="socialhub",
    cls=LazyGroup,
    help="Self-hosted social listening hub: collect, enrich, search, detect, alert.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold secrets
    rich_markup_mode=None,  # help texts show TOML tables like [[source]] literally
)


@app.callback()
def root() -> None:
    """Self-hosted social listening hub: collect, enrich, search, detect, alert."""
    from socialhub.cli.common import human_locale

    human_locale()  # human output in $SOCIALHUB_LOCALE / $LANG (fr or en), else English


@app.command("version")
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


if __name__ == "__main__":
    app()
