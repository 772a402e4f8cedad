"""`socialhub alerts list|show|ack|resolve|feedback`: the alert inbox from the shell."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from socialhub.alerts import render
from socialhub.alerts.manager import AlertManager, AlertStateError
from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    print_json,
    store_from,
)
from socialhub.i18n import _
from socialhub.records.alerts import Alert
from socialhub.store.base import Store

app = typer.Typer(
    help="Alerts: list, explain, acknowledge, resolve, give feedback.", no_args_is_help=True
)

IdArg = Annotated[int, typer.Argument(help="Alert id.")]
UserOption = Annotated[str | None, typer.Option("--user", help="Who acts (default: $USER).")]


def _user(user: str | None) -> str:
    if user:
        return user
    try:
        return os.environ.get("SOCIALHUB_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _get(store: Store, alert_id: int) -> Alert:
    alert = store.alerts.get_alert(alert_id)
    if alert is None:
        console.print(Text(_("no alert %(id)s") % {"id": alert_id}, "red"))
        raise typer.Exit(1)
    return alert


@app.command("list")
def list_alerts(
    state: Annotated[
        str | None, typer.Option(help="open, acknowledged, resolved or active.")
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Workspace slug (default: all).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 50,
    order: Annotated[
        str, typer.Option(help="recent (newest first) or severity (most severe first).")
    ] = "recent",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Alerts, newest first (or most severe first with --order severity)."""
    if state not in (None, "open", "acknowledged", "resolved", "active"):
        raise typer.BadParameter(_("state must be open, acknowledged, resolved or active"))
    if order not in ("recent", "severity"):
        raise typer.BadParameter(_("order must be recent or severity"))
    store = store_from(db)
    try:
        ws_id = None
        if workspace is not None:
            ws = store.workspaces.get_workspace(workspace)
            if ws is None:
                raise typer.BadParameter(_("no workspace %(slug)r") % {"slug": workspace})
            ws_id = ws.id
        alerts = store.alerts.list_alerts(workspace_id=ws_id, state=state, limit=limit, order=order)
    finally:
        store.close()
    if json:
        print_json([a.to_dict() for a in alerts])
        return
    table = Table("id", _("sev"), _("state"), _("detector"), _("key"), _("last signal"), _("title"))
    for a in alerts:
        # Titles may quote post text: rich Text, never markup.
        table.add_row(
            str(a.id),
            str(a.severity),
            _(a.state),
            Text(a.detector),
            Text(a.key),
            f"{a.last_t:%Y-%m-%d %H:%M}",
            Text(render.one_line(render.title(a), 80)),  # in the reader's language
        )
    out.print(table)


ShowIdArg = Annotated[
    int | None, typer.Argument(help="Alert id (default: the most important alert).")
]


@app.command("show")
def show(alert_id: ShowIdArg = None, db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """The explanation: detector, observed vs baseline, first posts, amplifiers, history."""
    store = store_from(db)
    try:
        if alert_id is None:
            top = store.alerts.list_alerts(order="importance", limit=1)
            if not top:
                # nothing to explain is an answer, not an error
                if json:
                    print_json(None)
                else:
                    out.print(Text(_("no alert yet")))
                return
            alert_id = top[0].id or 0
        alert = _get(store, alert_id)
        events = store.alerts.list_alert_events(alert_id)
        deliveries = store.alerts.list_deliveries(alert_id=alert_id)
    finally:
        store.close()
    if json:
        print_json(
            {
                "alert": alert.to_dict(),
                "explanation": render.as_text(alert),
                "events": [e.to_dict() for e in events],
                "deliveries": [d.to_dict() for d in deliveries],
            }
        )
        return
    out.print(Text(render.as_text(alert)))
    out.print(Text(_("History:"), "bold"))
    for e in events:
        when = f"{e.t:%Y-%m-%d %H:%M:%S}"
        out.print(
            Text(
                "- "
                + _("%(at)s %(kind)s by %(actor)s") % {"at": when, "kind": e.kind, "actor": e.actor}
            )
        )


def _act(db: str, json: bool, action: str, alert_id: int, **kwargs: object) -> None:
    store = store_from(db)
    try:
        _get(store, alert_id)
        manager = AlertManager(store)
        extra: dict[str, float] = {}
        try:
            if action == "ack":
                alert = manager.acknowledge(alert_id, str(kwargs["by"]))
            elif action == "resolve":
                alert = manager.resolve(alert_id, str(kwargs["by"]), note=str(kwargs["note"]))
            else:
                alert, tuning = manager.feedback(
                    alert_id,
                    bool(kwargs["true_alarm"]),
                    str(kwargs["by"]),
                    note=str(kwargs["note"]),
                )
                extra = {"multiplier": tuning.multiplier}
        except AlertStateError as exc:
            console.print(Text(str(exc), "red"))
            raise typer.Exit(1) from exc
    finally:
        store.close()
    if json:
        print_json({**alert.to_dict(), **extra})
    else:
        msg = _("alert %(id)s: %(state)s") % {"id": alert.id, "state": _(alert.state)}
        if "multiplier" in extra:
            verdict = _("true alarm") if alert.feedback else _("false alarm")
            msg += _(", %(verdict)s; rule threshold multiplier now %(m)s") % {
                "verdict": verdict,
                "m": f"{extra['multiplier']:g}",
            }
        out.print(Text(msg))


@app.command("ack")
def ack(
    alert_id: IdArg, user: UserOption = None, db: DbOption = DEFAULT_DB, json: JsonOption = False
) -> None:
    """Acknowledge an open alert (someone is on it)."""
    _act(db, json, "ack", alert_id, by=_user(user))


@app.command("resolve")
def resolve(
    alert_id: IdArg,
    note: Annotated[str, typer.Option(help="Why it is resolved.")] = "",
    user: UserOption = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Resolve an open or acknowledged alert."""
    _act(db, json, "resolve", alert_id, by=_user(user), note=note)


@app.command("feedback")
def feedback(
    alert_id: IdArg,
    true_alarm: Annotated[
        bool, typer.Option("--true-alarm/--false-alarm", help="Was the alert worth it?")
    ],
    note: Annotated[str, typer.Option(help="Why.")] = "",
    user: UserOption = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Record a verdict; it retunes the threshold of the alert's rule."""
    _act(db, json, "feedback", alert_id, by=_user(user), true_alarm=true_alarm, note=note)
