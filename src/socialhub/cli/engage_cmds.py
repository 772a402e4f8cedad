"""`socialhub engage ...`: the inbox, publishing the outbox, accounts, measures."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    print_json,
    store_from,
)
from socialhub.models import Workspace, utcnow
from socialhub.store.base import WorkspaceStore

app = typer.Typer(
    help="Engagement: the inbox, publishing approved posts, official accounts, measures.",
    no_args_is_help=True,
)


def _workspace(workspaces: WorkspaceStore, slug: str) -> Workspace:
    ws = workspaces.get_workspace(slug)
    if ws is None:
        console.print(f"no workspace {slug!r}")
        raise typer.Exit(2)
    return ws


@app.command("inbox")
def inbox(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    refresh: Annotated[bool, typer.Option(help="Triage recent mentions first.")] = True,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """What needs a human in a workspace, most important first, with why."""
    from socialhub.engage.inbox import sla_state
    from socialhub.engage.service import Engagement

    store = store_from(db)
    try:
        ws = _workspace(store.workspaces, workspace)
        eng = Engagement(store)
        added = eng.refresh_inbox(ws) if refresh else 0
        minutes = eng.policy(ws).first_response_minutes
        items = eng.repo.list_items(ws.id, ("new", "assigned", "waiting_approval"), limit)
    finally:
        store.close()
    now = utcnow()
    if json:
        print_json(
            {
                "added": added,
                "items": [
                    {
                        "id": i.id,
                        "mention": i.mention_id,
                        "reason": i.reason,
                        "priority": i.priority,
                        "why": i.why,
                        "status": i.status,
                        "assignee": i.assignee,
                        "author": i.author,
                        "text": i.text,
                        "sla": sla_state(i, minutes, now)[0],
                    }
                    for i in items
                ],
            }
        )
        return
    table = Table(title=f"{len(items)} item(s) to handle ({added} new)")
    for col in ("id", "priority", "reason", "status", "SLA", "author", "text"):
        table.add_column(col, overflow="fold")
    for i in items:
        state, left = sla_state(i, minutes, now)
        table.add_row(
            str(i.id),
            f"{i.priority:.0f}",
            i.reason,
            i.status,
            f"{state} {left:+.0f}m",
            Text(i.author),
            Text(i.text[:120]),
        )
    out.print(table)


@app.command("publish")
def publish(
    loop: Annotated[bool, typer.Option(help="Keep publishing due posts until stopped.")] = False,
    interval: Annotated[float, typer.Option(min=1, help="Seconds between runs with --loop.")] = 30,
    lease_seconds: Annotated[
        float,
        typer.Option(min=0, help="Take over a post left mid-publication after this long."),
    ] = 120,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Publish approved posts whose time has come (scheduled ones included), once each.

    A post left mid-publication by a stopped process is taken over after the lease: the
    platform is asked whether it went out before anything is sent again.
    """
    from socialhub.engage.service import Engagement

    store = store_from(db)
    try:
        eng = Engagement(store, lease=timedelta(seconds=lease_seconds))
        while True:
            done = eng.publish_due()
            rows = [
                {
                    "draft": d,
                    "published_id": o.published.id if o and o.published else None,
                    "error": o.error if o else "busy",
                }
                for d, o in done
            ]
            if json:
                print_json(rows)
            else:
                for r in rows:
                    state = f"published {r['published_id']}" if r["published_id"] else r["error"]
                    console.print(f"draft {r['draft']}: {state}")
            if not loop:
                break
            time.sleep(interval)
    finally:
        store.close()


@app.command("accounts")
def accounts(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """The declared official accounts (credential variable NAMES, never values)."""

    store = store_from(db)
    try:
        found = store.engage.list_accounts(active_only=False)
    finally:
        store.close()
    rows: list[dict[str, Any]] = [
        {
            "id": a.id,
            "account": a.label,
            "workspaces": a.workspaces,
            "active": a.active,
            "credentials": a.credentials,
            "two_approvers": a.two_approvers,
        }
        for a in found
    ]
    if json:
        print_json(rows)
        return
    for r in rows:
        out.print(
            Text(
                f"{r['id']}  {r['account']}  {', '.join(r['workspaces'])}"
                f"{'' if r['active'] else '  (inactive)'}"
            )
        )


@app.command("measures")
def measures(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    days: Annotated[int, typer.Option(min=1, max=366)] = 7,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """First-response time and answered share per workspace, account and person."""
    from socialhub.engage.measures import engagement_measures
    from socialhub.engage.service import Engagement

    store = store_from(db)
    try:
        ws = _workspace(store.workspaces, workspace)
        eng = Engagement(store)
        now = utcnow()
        data = engagement_measures(
            eng.repo,
            ws.id or 0,
            now - timedelta(days=days),
            now,
            eng.policy(ws).first_response_minutes,
        )
    finally:
        store.close()
    if json:
        print_json(data)
        return
    table = Table(title=f"{workspace}: last {days} day(s)")
    for col in ("scope", "items", "answered", "share", "median min", "within SLA"):
        table.add_column(col)
    rows = [("workspace", data["workspace"])]
    rows += [(f"account {k}", v) for k, v in data["accounts"].items()]
    rows += [(f"person {k}", v) for k, v in data["people"].items()]
    for name, m in rows:
        table.add_row(
            Text(name),
            str(m["items"]),
            str(m["answered"]),
            f"{m['answered_share']:.0%}",
            str(m["median_first_response_minutes"]),
            str(m["within_sla"]),
        )
    out.print(table)
