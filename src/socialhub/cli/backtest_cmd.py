"""`socialhub backtest`: run the detectors over stored history, on its own clock.

"Would this rule have fired during last month's outage, and when?" The workspace's
mentions in the window are read from the store a day at a time, oldest first, with the
query routes they were stored with, and fed to a fresh detector set configured like the
live one (``--config``: the ``[detect]`` table of a hub file, or a detector TOML); each
signal is printed with the stream time at which it fired. Nothing is written.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.text import Text

from socialhub.analytics.detectors.runner import DetectorSet
from socialhub.cli.common import DEFAULT_DB, DbOption, JsonOption, console, out, parse_when
from socialhub.cli.common import store_from as open_cli_store
from socialhub.cli.detect_cmd import signal_line
from socialhub.i18n import _, localised
from socialhub.models import Mention
from socialhub.store.base import Store
from socialhub.store.extent import mention_extent

PAGE = 2_000


def history(
    store: Store, workspace_id: int, since: datetime, until: datetime, step: timedelta
) -> Iterator[Mention]:
    """The workspace's stored mentions in ``[since, until)``, oldest first, a slice at a
    time (memory holds one slice)."""
    start = since
    while start < until:
        end = min(start + step, until)
        found: list[Mention] = []
        after: str | None = None
        while True:
            page, after = store.dashboard.search_page(
                None, workspace_id=workspace_id, since=start, until=end, after=after, limit=PAGE
            )
            found += page
            if after is None:
                break
        found.sort(key=lambda m: (m.created_at, m.id))
        yield from found
        start = end


def _settings(config: Path | None) -> dict[str, Any]:
    if config is None:
        return {}
    try:
        doc = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        console.print(
            Text(_("cannot read %(file)s: %(error)s") % {"file": config, "error": exc}, "red")
        )
        raise typer.Exit(2) from exc
    return dict(doc.get("detect", doc))


def backtest(
    workspace: Annotated[str, typer.Option(help="Workspace slug.")],
    since: Annotated[str, typer.Option(help="From (ISO date/time or an age like 30d).")],
    until: Annotated[
        str | None, typer.Option(help="Until, exclusive (ISO or age; default: now).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Detector settings: a hub file's [detect] table or a detector TOML."),
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(help="Only this detector, or a detector:key prefix (volume:query:3)."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Replay a workspace's stored history through the detectors and say when they fire."""
    t0 = parse_when(since, "--since")
    if t0 is None:
        raise typer.BadParameter(_("--since is required"))
    t1 = parse_when(until, "--until") or datetime.now(UTC)
    settings = _settings(config)
    store = open_cli_store(db)
    try:
        ws = store.workspaces.get_workspace(workspace)
        if ws is None or ws.id is None:
            console.print(Text(_("unknown workspace %(slug)r") % {"slug": workspace}, "red"))
            raise typer.Exit(2)
        queries = store.workspaces.list_queries(ws.id)
        settings.setdefault("workspaces", {q.id: ws.id for q in queries if q.id is not None})
        labels = {f"query:{q.id}": q.name for q in queries}
        labels[f"workspace:{ws.id}"] = ws.name  # the workspace-wide volume, as `detect` names it
        settings.setdefault("labels", labels)
        lists = store.workspaces.list_watchlists(ws.id)
        settings.setdefault("lists", {wl.name: wl.list_type for wl in lists})
        try:
            detectors = DetectorSet.from_config(settings)
        except (TypeError, ValueError) as exc:
            console.print(
                Text(_("bad detector settings: %(error)s") % {"error": localised(exc)}, "red")
            )
            raise typer.Exit(2) from exc
        own = set(settings["workspaces"])
        count = fired = 0
        extent = None
        for m in history(store, ws.id, t0, t1, timedelta(days=1)):
            m.query_ids = [q for q in m.query_ids if q in own]  # this workspace's routes only
            count += 1
            for sig in detectors.feed(m):
                fired += _emit(sig, rule, json)
        if count:
            for sig in detectors.advance(datetime.fromtimestamp(detectors.clock + 60, UTC)):
                fired += _emit(sig, rule, json)
        else:
            extent = mention_extent(store.db, ws.id)  # type: ignore[attr-defined]
    finally:
        store.close()
    sys.stdout.flush()
    console.print(
        Text(
            _("%(n)s stored mentions replayed from %(t0)s to %(t1)s; %(fired)s signal(s) shown.")
            % {
                "n": count,
                "t0": f"{t0:%Y-%m-%d %H:%M}",
                "t1": f"{t1:%Y-%m-%d %H:%M}",
                "fired": fired,
            }
        )
    )
    if not fired:
        console.print(escape(_why_nothing(rule, count, extent)))


def _why_nothing(rule: str | None, count: int, extent: tuple[datetime, datetime] | None) -> str:
    """Why a backtest printed no signal, and where the workspace's data is when the
    period held none (an imported archive is often years old)."""
    if count:
        if rule:
            return _(
                "No signal: nothing in this period would have fired for the rule %(rule)r"
                " (the volume and tone stayed within their baselines)."
            ) % {"rule": rule}
        return _(
            "No signal: nothing in this period would have fired (the volume and tone stayed"
            " within their baselines)."
        )
    if extent is None:
        return _("No signal: the workspace has no stored mention yet (see `socialhub import`).")
    first, last = extent
    return _(
        "No signal: the workspace has no stored mention in this period; its mentions run"
        " from %(first)s to %(last)s (try --since %(since)s --until %(until)s)."
    ) % {
        "first": f"{first:%Y-%m-%d %H:%M}",
        "last": f"{last:%Y-%m-%d %H:%M}",
        "since": f"{first:%Y-%m-%d}",
        "until": f"{last + timedelta(days=1):%Y-%m-%d}",
    }


def _emit(sig: Any, rule: str | None, json: bool) -> int:
    if rule:
        detector, _, key = rule.partition(":")
        if sig.detector != detector or not sig.key.startswith(key):
            return 0
    if json:
        sys.stdout.write(orjson.dumps(sig.to_dict(), default=str).decode() + "\n")
    else:
        out.print(escape(signal_line(sig)), soft_wrap=True, highlight=False)
    return 1
