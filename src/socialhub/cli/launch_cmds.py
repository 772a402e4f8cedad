"""`socialhub launch add|report|list|seed-demo`: did a competitor's launch buzz or fizzle?"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from socialhub.analytics.launches import LaunchReport
from socialhub.analytics.launches_library import report as measure_report
from socialhub.analytics.launches_library import seed_demo
from socialhub.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    console,
    out,
    parse_when,
    print_json,
    store_from,
)
from socialhub.i18n import N_, _, localised
from socialhub.query import parse
from socialhub.query.errors import QuerySyntaxError
from socialhub.records.launches import OUTCOMES, LaunchRecord
from socialhub.store.base import WorkspaceStore

app = typer.Typer(
    help="Competitor launch monitor: curves, buzz-or-fizzle score, the library of launches.",
    no_args_is_help=True,
)

_UNITS = {"m": 60, "h": 3600, "d": 86400}


#: The verdicts (analytics.launches), translated when shown.
VERDICTS = (N_("buzz"), N_("fizzle"), N_("mixed"))


def _duration(value: str, name: str) -> int:
    """'30m', '6h', '2d' -> seconds."""
    if value[-1:] in _UNITS and value[:-1].isdigit() and int(value[:-1]) > 0:
        return int(value[:-1]) * _UNITS[value[-1]]
    raise typer.BadParameter(
        _("%(name)s: expected a duration like 30m, 6h or 2d, got %(value)r")
        % {"name": name, "value": value}
    )


def _definition(workspaces: WorkspaceStore, text: str, workspace_id: int | None) -> str:
    """A stored query's definition when ``text`` names one, else ``text`` itself."""
    for q in workspaces.list_queries(workspace_id):
        if q.name == text:
            return q.definition
    try:
        parse(text)
    except QuerySyntaxError as exc:
        raise typer.BadParameter(
            _("not a query name nor a valid query: %(error)s")
            % {
                "error": _("%(message)s (column %(column)s)")
                % {"message": localised(exc.message), "column": exc.column}
            }
        ) from exc
    return text


@app.command("add")
def add(
    query: Annotated[str, typer.Argument(help="A stored query's name, or a boolean query.")],
    at: Annotated[str, typer.Option("--at", help="Launch time (ISO; UTC when naive).")],
    name: Annotated[str, typer.Option("--name", help="Unique name of the launch.")],
    brand: Annotated[
        str | None, typer.Option(help="Our brand's query (name or boolean) to compare with.")
    ] = None,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w")] = None,
    window: Annotated[str, typer.Option(help="How long to follow it: 6h, 2d...")] = "6h",
    bucket: Annotated[str, typer.Option(help="Curve resolution: 15m, 30m, 1h...")] = "30m",
    outcome: Annotated[
        str | None, typer.Option(help="Known verdict (buzz, fizzle, mixed), for the library.")
    ] = None,
    library: Annotated[
        bool, typer.Option("--library/--no-library", help="Rank later launches against it.")
    ] = True,
    notes: Annotated[str, typer.Option(help="Free text.")] = "",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Record a launch (a query and a time); `report` measures it."""
    when = parse_when(at, "--at")
    assert when is not None
    if outcome is not None and outcome not in OUTCOMES:
        raise typer.BadParameter(
            _("--outcome must be one of %(values)s") % {"values": ", ".join(OUTCOMES)}
        )
    window_s, bucket_s = _duration(window, "--window"), _duration(bucket, "--bucket")
    if bucket_s > window_s:
        raise typer.BadParameter(_("--bucket must not be longer than --window"))
    store = store_from(db)
    try:
        ws_id = None
        if workspace is not None:
            ws = store.workspaces.get_workspace(workspace)
            if ws is None:
                raise typer.BadParameter(_("no workspace %(slug)r") % {"slug": workspace})
            ws_id = ws.id
        record = store.launches.save_launch(
            LaunchRecord(
                name=name,
                query=_definition(store.workspaces, query, ws_id),
                launch_at=when,
                workspace_id=ws_id,
                brand_query=_definition(store.workspaces, brand, ws_id) if brand else "",
                window_s=window_s,
                bucket_s=bucket_s,
                outcome=outcome,
                in_library=library,
                notes=notes,
            )
        )
    finally:
        store.close()
    if json:
        print_json(record.to_dict())
    else:
        console.print(
            Text(
                _("launch %(name)r saved (id %(id)s)") % {"name": record.name, "id": record.id},
                "green",
            )
        )


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return _("not within the window")
    return f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _print_report(launch: LaunchRecord, r: LaunchReport) -> None:
    colour = {"buzz": "green", "fizzle": "red"}.get(r.verdict, "yellow")
    out.print(
        Text.assemble(
            (f"{launch.name}", "bold"),
            " — "
            + _("launched %(at)s, window %(h)s h in %(m)s min buckets")
            % {
                "at": launch.launch_at.isoformat(),
                "h": f"{launch.window_s / 3600:g}",
                "m": launch.bucket_s // 60,
            },
        )
    )
    out.print(Text(_("query: %(q)s") % {"q": launch.query}, "dim"))
    rank = (
        _("percentile %(p)s of %(n)s past launches")
        % {"p": f"{r.percentile:.0f}", "n": r.library_size}
        if r.percentile is not None
        else _("no past launches to rank against")
    )
    out.print(
        Text.assemble(
            _("verdict: "),
            (_(r.verdict).upper(), f"bold {colour}"),
            " — " + _("score %(s)s/100, %(rank)s") % {"s": f"{r.score:.1f}", "rank": rank},
        )
    )
    table = Table(_("measure"), _("value"), show_header=False)
    rows: list[tuple[str, str]] = [
        (_("mentions (expected without the launch)"), f"{r.mentions:,.0f} ({r.expected:,.1f})"),
        (_("volume lift"), f"×{r.lift:.2f}"),
        (
            _("peak"),
            _("%(peak)s mentions/bucket, ×%(lift)s the expected")
            % {"peak": f"{r.shape.peak:,.0f}", "lift": f"{r.peak_lift:.1f}"},
        ),
        (_("time to peak"), _fmt_s(r.shape.time_to_peak_s)),
        (_("half-life after the peak"), _fmt_s(r.shape.half_life_s)),
        (_("sustain (buckets after the peak still ≥2× expected)"), _pct(r.sustain)),
        (
            _("reach (sum of followers)"),
            _("%(v)s (lift %(lift)s)") % {"v": f"{r.reach:,.0f}", "lift": _num(r.reach_lift)},
        ),
        (_("engagement"), f"{r.engagement:,.0f}"),
        (
            _("engagement per post"),
            _("%(v)s (lift %(lift)s)")
            % {"v": _num(r.engagement_per_post), "lift": _num(r.engagement_lift)},
        ),
        (_("share of voice vs our brand"), _pct(r.share_of_voice)),
        (_("engagement per post vs our brand"), _num(r.engagement_vs_brand)),
        (
            _("baseline from"),
            ", ".join(r.curve.reference.get("periods", []))
            + " "
            + _("(%(n)s mentions)") % {"n": r.curve.reference.get("mentions", 0)},
        ),
    ]
    for label, value in rows:
        table.add_row(label, value)
    out.print(table)
    peak = max(r.curve.mentions, default=0) or 1
    curve = Table("t+", _("mentions"), _("expected"), _("brand"), _("reach"), _("engagement"), "")
    for i, count in enumerate(r.curve.mentions):
        brand = r.curve.brand[i] if r.curve.brand else None
        curve.add_row(
            _fmt_s(i * r.curve.bucket_s) if i else "0",
            f"{count:.0f}",
            f"{r.curve.expected[i]:.1f}",
            "-" if brand is None else f"{brand:.0f}",
            f"{r.curve.reach[i]:,.0f}",
            f"{r.curve.engagement[i]:,.0f}",
            "█" * round(20 * count / peak),
        )
    out.print(curve)


@app.command("report")
def report(
    name: Annotated[str, typer.Argument(help="The launch's name.")],
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Keep the measured curve in the library.")
    ] = True,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Measure a launch: curve, peak, time to peak, half-life, share of voice, score."""
    store = store_from(db)
    try:
        launch, result = measure_report(store, name, save=save)
    except KeyError:
        console.print(Text(_("no launch %(name)r") % {"name": name}, "red"))
        raise typer.Exit(1) from None
    finally:
        store.close()
    if json:
        data: dict[str, Any] = {
            "launch": launch.to_dict() | {"curve": None, "metrics": None},
            "report": result.summary(),
            "curve": result.curve.to_dict(),
        }
        print_json(data)
        return
    _print_report(launch, result)


@app.command("list")
def list_launches(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Recorded launches, oldest first, with their last measured score."""
    store = store_from(db)
    try:
        launches = store.launches.list_launches()
    finally:
        store.close()
    if json:
        print_json([launch.to_dict() | {"curve": None} for launch in launches])
        return
    table = Table(
        _("name"),
        _("launched"),
        _("window"),
        _("score"),
        _("verdict"),
        _("known"),
        _("library"),
        _("source"),
    )
    for launch in launches:
        metrics = launch.metrics or {}
        table.add_row(
            launch.name,
            launch.launch_at.isoformat(timespec="minutes"),
            f"{launch.window_s / 3600:g} h",
            _num(launch.score, 1),
            _(str(metrics.get("verdict", "-"))),
            _(launch.outcome) if launch.outcome else "-",
            _("yes") if launch.in_library else _("no"),
            launch.source,
        )
    out.print(table)


@app.command("seed-demo")
def seed(
    seeds: Annotated[str, typer.Option(help="Simulator seeds, comma-separated.")] = "42",
    rate: Annotated[float, typer.Option(help="Simulated mentions per minute.")] = 4.0,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Put the demo simulator's launch and campaign into the library (synthetic)."""
    try:
        numbers = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError as exc:
        raise typer.BadParameter(_("--seeds: comma-separated integers")) from exc
    store = store_from(db)
    try:
        saved = seed_demo(store.launches, numbers, rate_per_minute=rate)
    finally:
        store.close()
    for launch in saved:
        verdict = (launch.metrics or {}).get("verdict")
        console.print(
            Text(
                _("%(name)s: score %(s)s (%(verdict)s)")
                % {"name": launch.name, "s": f"{launch.score:.1f}", "verdict": _(str(verdict))}
            )
        )
