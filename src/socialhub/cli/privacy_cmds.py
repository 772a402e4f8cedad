"""`socialhub privacy ...`: erase a person, export what is stored about them, retention."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.text import Text

from socialhub.cli.common import DEFAULT_DB, DbOption, JsonOption, out, print_json, store_from
from socialhub.i18n import _
from socialhub.privacy.access import subject_access
from socialhub.privacy.erase import erase_author
from socialhub.privacy.retention import SETTING, Policy, run_policies
from socialhub.store.privacy import Subject

app = typer.Typer(
    help="GDPR: erasure, subject access export, retention per workspace and source kind.",
    no_args_is_help=True,
)
retention_app = typer.Typer(help="Retention policies per workspace.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")

PlatformOption = Annotated[
    str | None, typer.Option(help="Only this platform (default: every platform).")
]


@app.command("erase")
def erase(
    handle: Annotated[str, typer.Argument(help="The person's handle (with or without @).")],
    platform: PlatformOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    by: Annotated[str, typer.Option(help="Who asked (recorded).")] = "",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Erase a person: their posts and profile everywhere (index, rollups, alerts,
    reports, quarantine...), except posts under legal hold, which are listed with the
    case's reason."""
    if not dry_run and not yes:
        question = _("Erase every trace of %(handle)s (%(platform)s)?") % {
            "handle": handle,
            "platform": platform or _("all platforms"),
        }
        typer.confirm(question, abort=True)
    store = store_from(db)
    try:
        report = erase_author(
            store, Subject(handle, platform), by=by or f"cli:{getpass.getuser()}", dry_run=dry_run
        )
    finally:
        store.close()
    if json:
        print_json(report.to_dict())
        return
    counts = {"posts": report.mentions, "profiles": report.authors}
    if dry_run:
        out.print(Text(_("would erase %(posts)s post(s), %(profiles)s profile(s)") % counts))
    else:
        out.print(Text(_("erased %(posts)s post(s), %(profiles)s profile(s)") % counts))
    if not dry_run:
        changed = sum(report.redacted.values()) + sum(report.deleted_rows.values())
        out.print(
            Text(
                _("%(rows)s derived row(s) redacted or deleted; %(pdfs)s report PDF(s) rebuilt")
                % {"rows": changed, "pdfs": len(report.reports_rebuilt)}
            )
        )
    for hold in report.held:
        out.print(
            Text(
                "  "
                + _("kept under legal hold: %(id)s — %(why)s")
                % {"id": hold.item_id, "why": hold.describe()}
            )
        )


@app.command("export")
def export(
    handle: Annotated[str, typer.Argument(help="The person's handle.")],
    platform: PlatformOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Subject access export: everything stored about a handle, as JSON."""
    store = store_from(db)
    try:
        data = subject_access(store, Subject(handle, platform))
    finally:
        store.close()
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        out.print(
            Text(
                _("%(posts)s post(s) and %(profiles)s profile(s) written to %(file)s")
                % {
                    "posts": len(data["mentions"]),
                    "profiles": len(data["profiles"]),
                    "file": output,
                }
            )
        )


@retention_app.command("set")
def retention_set(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    days: Annotated[
        int | None, typer.Option(min=1, help="Days kept for every source kind not listed.")
    ] = None,
    platform: Annotated[
        list[str] | None,
        typer.Option("--platform", help="KIND=DAYS, e.g. x=90 (repeatable)."),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Set a workspace's retention policy (run by the scheduler, or `retention run`)."""
    platforms: dict[str, int] = {}
    for item in platform or []:
        kind, sep, value = item.partition("=")
        if not sep or not value.isdigit():
            raise typer.BadParameter(
                _("expected KIND=DAYS, got %(item)r") % {"item": item}, param_hint="--platform"
            )
        platforms[kind.strip()] = int(value)
    policy = Policy.from_setting({"days": days, "platforms": platforms})
    assert policy is not None
    store = store_from(db)
    try:
        ws = store.workspaces.get_workspace(workspace)
        if ws is None or ws.id is None:
            raise typer.BadParameter(
                _("no workspace %(slug)r") % {"slug": workspace}, param_hint="WORKSPACE"
            )
        store.workspaces.set_workspace_setting(ws.id, SETTING, policy.to_setting())
    finally:
        store.close()
    out.print(
        Text(_("%(ws)s: retention %(policy)s") % {"ws": workspace, "policy": policy.to_setting()})
    )


@retention_app.command("run")
def retention_run(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Apply every workspace's retention policy now."""
    store = store_from(db)
    try:
        runs = run_policies(store)
    finally:
        store.close()
    if json:
        print_json([r.to_dict() for r in runs])
        return
    for r in runs:
        out.print(
            Text(
                _(
                    "%(ws)s: %(routes)s route(s) and %(posts)s post(s) dropped, "
                    "%(held)s kept under legal hold"
                )
                % {"ws": r.workspace, "routes": r.routes, "posts": r.mentions, "held": len(r.held)}
            )
        )
