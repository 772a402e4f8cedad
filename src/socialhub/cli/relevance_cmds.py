"""`socialhub relevance label|train|status` and `socialhub eval relevance`.

Labels teach each query what it is really after (the operator, not the plum); the
hub proposes the mentions whose label would teach it most (active learning).
"""

from __future__ import annotations

import csv
import getpass
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
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
from socialhub.i18n import M_, _, format_number, format_percent, localised, ngettext
from socialhub.models import Query
from socialhub.records.relevance import RelevanceLabel
from socialhub.store.base import Store, WorkspaceStore

app = typer.Typer(
    help="Relevance per query: label mentions, train the query's classifier, see status.",
    no_args_is_help=True,
)

QueryArg = Annotated[str, typer.Argument(help="Query id, or name (see --workspace).")]
WorkspaceOption = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace slug, to find a query by name.")
]
_TRUE = {"1", "y", "yes", "true", "relevant", "r", "oui", "pertinent"}
_FALSE = {"0", "n", "no", "false", "not relevant", "irrelevant", "non", "non pertinent"}


def _user() -> str:
    try:
        return os.environ.get("SOCIALHUB_USER") or getpass.getuser()
    except (KeyError, OSError):
        return ""


def find_query(workspaces: WorkspaceStore, ref: str, workspace: str | None = None) -> Query:
    """A query by id or by name (unique across workspaces, or within ``workspace``)."""
    ws_id = None
    if workspace is not None:
        ws = workspaces.get_workspace(workspace)
        if ws is None:
            raise typer.BadParameter(_("no workspace %(slug)r") % {"slug": workspace})
        ws_id = ws.id
    queries = workspaces.list_queries(ws_id)
    if ref.isdigit():
        found = [q for q in queries if q.id == int(ref)]
    else:
        found = [q for q in queries if q.name.casefold() == ref.casefold()]
    if not found:
        raise typer.BadParameter(_("no query %(ref)r") % {"ref": ref})
    if len(found) > 1:
        raise typer.BadParameter(
            _("several queries named %(ref)r: pass --workspace or the id") % {"ref": ref}
        )
    return found[0]


def parse_label(value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(
        M_("not a relevance label: %(value)r (use 1/0, yes/no, relevant/irrelevant)", value=value)
    )


def read_label_csv(path: Path) -> list[tuple[str, bool]]:
    """Rows ``mention_id,label`` (header optional; label 1/0, yes/no, relevant/...)."""
    rows: list[tuple[str, bool]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, row in enumerate(csv.reader(f), start=1):
            if not row or not row[0].strip():
                continue
            if line_no == 1 and row[0].strip().lower() in ("mention_id", "id", "mention"):
                continue
            if len(row) < 2:
                raise typer.BadParameter(f"{path}:{line_no}: " + _("expected mention_id,label"))
            try:
                rows.append((row[0].strip(), parse_label(row[1])))
            except ValueError as exc:
                raise typer.BadParameter(f"{path}:{line_no}: {localised(exc)}") from exc
    return rows


def _save(store: Store, query: Query, labels: list[tuple[str, bool]], user: str) -> int:
    assert query.id is not None
    known = [mid for mid, _ in labels if store.mentions.get_mention(mid) is not None]
    missing = sorted({mid for mid, _ in labels} - set(known))
    if missing:
        shown = ", ".join(missing[:5])
        raise typer.BadParameter(
            _("%(n)s mention(s) not in the database: %(shown)s")
            % {"n": len(missing), "shown": shown}
        )
    return store.relevance.add_labels(
        [RelevanceLabel(query.id, mid, lab, user) for mid, lab in labels]
    )


@app.command("label")
def label(
    query: QueryArg,
    mention: Annotated[
        str | None, typer.Option("--mention", help="Label this mention (non-interactive).")
    ] = None,
    relevant: Annotated[
        bool | None,
        typer.Option("--relevant/--not-relevant", help="The label given with --mention."),
    ] = None,
    from_csv: Annotated[
        Path | None,
        typer.Option("--from-csv", exists=True, dir_okay=False, help="CSV: mention_id,label."),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="Mentions proposed.")] = 10,
    workspace: WorkspaceOption = None,
    user: Annotated[str | None, typer.Option(help="Who labels (default: $USER).")] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Label mentions of a query as relevant or not.

    Without --mention or --from-csv, shows the mentions whose label would teach the
    query's model most and asks: y (relevant), n (not relevant), s (skip), q (quit).
    """
    from socialhub.relevance.training import next_to_label

    who = user or _user()
    store = store_from(db)
    try:
        q = find_query(store.workspaces, query, workspace)
        if mention is not None or from_csv is not None:
            labels: list[tuple[str, bool]] = []
            if mention is not None:
                if relevant is None:
                    raise typer.BadParameter(_("--mention needs --relevant or --not-relevant"))
                labels.append((mention, relevant))
            if from_csv is not None:
                labels.extend(read_label_csv(from_csv))
            saved = _save(store, q, labels, who)
            if json:
                print_json({"query_id": q.id, "labelled": saved})
            else:
                out.print(
                    Text(
                        _("%(n)s label(s) saved for query %(id)s (%(name)s)")
                        % {"n": saved, "id": q.id, "name": q.name}
                    )
                )
            return
        proposals = next_to_label(store.relevance, q, k=count)
        if json:
            print_json(
                {
                    "query_id": q.id,
                    "proposals": [
                        {"mention_id": p.mention_id, "score": round(p.score, 4), "text": p.text}
                        for p in proposals
                    ],
                }
            )
            return
        if not proposals:
            out.print(
                Text(
                    _("nothing left to label for query %(id)s (%(name)s)")
                    % {"id": q.id, "name": q.name}
                )
            )
            return
        saved = 0
        for i, p in enumerate(proposals, start=1):
            header = Text(f"[{i}/{len(proposals)}] {p.mention_id}  score {p.score:.2f}", "bold")
            out.print(header)
            out.print(Text(p.text))  # mention text is hostile: never rendered as markup
            answer = typer.prompt(_("relevant? y/n/s(kip)/q"), default="s").strip().lower()
            if answer.startswith("q"):
                break
            if answer.startswith(("y", "o")):
                saved += _save(store, q, [(p.mention_id, True)], who)
            elif answer.startswith("n"):
                saved += _save(store, q, [(p.mention_id, False)], who)
        out.print(
            Text(
                _("%(n)s label(s) saved for query %(id)s (%(name)s)")
                % {"n": saved, "id": q.id, "name": q.name}
            )
        )
    finally:
        store.close()


@app.command("train")
def train(
    query: Annotated[
        str | None, typer.Argument(help="Query id or name; default: every labelled query.")
    ] = None,
    workspace: WorkspaceOption = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Train the query's classifier from its labels: cross-validated scores, then save."""
    from socialhub.relevance.training import NotEnoughLabels, train_query

    store = store_from(db)
    results: list[dict[str, Any]] = []
    failed = False
    try:
        if query is not None:
            queries = [find_query(store.workspaces, query, workspace)]
        else:
            labelled = store.relevance.relevance_label_counts()
            queries = [q for q in store.workspaces.list_queries() if q.id in labelled]
        for q in queries:
            assert q.id is not None
            try:
                done = train_query(store.relevance, q.id)
            except NotEnoughLabels as exc:
                failed = True
                results.append({"query_id": q.id, "query": q.name, "error": str(exc)})
                continue
            results.append(
                {
                    "query_id": q.id,
                    "query": q.name,
                    "version": done.version,
                    "n_labels": done.n_labels,
                }
                | {k: done.metrics.get(k) for k in ("folds", "precision", "recall", "f1")}
            )
    finally:
        store.close()
    if not queries:  # nothing labelled yet: say how to start, not an empty table
        console.print(
            _(
                "No query has relevance labels yet: label some mentions first "
                '(socialhub relevance label "QUERY NAME"), then train.'
            )
        )
    if json:
        print_json({"trained": results})
    elif results:
        table = Table(title=_("relevance models (cross-validated, class 'relevant')"))
        for col in (
            _("query"),
            _("version"),
            _("labels"),
            _("folds"),
            _("precision"),
            _("recall"),
            "F1",
        ):
            table.add_column(col)
        for r in results:
            if "error" in r:
                console.print(
                    Text(
                        _("query %(id)s: %(error)s") % {"id": r["query_id"], "error": r["error"]},
                        "yellow",
                    )
                )
                continue
            table.add_row(
                Text(f"{r['query_id']} {r['query']}"),
                str(r["version"]),
                str(r["n_labels"]),
                str(r["folds"]),
                *(_fmt(r[k]) for k in ("precision", "recall", "f1")),
            )
        out.print(table)
    if failed and query is not None:
        raise typer.Exit(1)


def _fmt(value: Any) -> str:
    """A score with three decimals in the reader's number format ("0,927" in French)."""
    return "-" if value is None else format_number(float(value), 3)


@app.command("status")
def status(
    workspace: WorkspaceOption = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Per query: labels, model version, cross-validated scores, share scored < 0.5."""
    store = store_from(db)
    rows: list[dict[str, Any]] = []
    try:
        ws_id = None
        if workspace is not None:
            ws = store.workspaces.get_workspace(workspace)
            if ws is None:
                raise typer.BadParameter(_("no workspace %(slug)r") % {"slug": workspace})
            ws_id = ws.id
        counts = store.relevance.relevance_label_counts()
        for q in store.workspaces.list_queries(ws_id):
            assert q.id is not None
            pos, neg = counts.get(q.id, (0, 0))
            record = store.relevance.load_relevance_model(q.id)
            scored = store.relevance.relevance_counts(q.id)
            metrics = record.metrics if record else {}
            rows.append(
                {
                    "query_id": q.id,
                    "query": q.name,
                    "labels_relevant": pos,
                    "labels_not_relevant": neg,
                    "model_version": record.version if record else None,
                    "trained_at": record.trained_at.isoformat() if record else None,
                    "mode": "model" if record else "rules",
                    "cv": {k: metrics.get(k) for k in ("folds", "precision", "recall", "f1")},
                    "mentions": scored.mentions,
                    "scored": scored.scored,
                    "share_below_half": (
                        round(scored.below_half / scored.scored, 4) if scored.scored else None
                    ),
                }
            )
    finally:
        store.close()
    if json:
        print_json({"queries": rows})
        return
    table = Table(title=_("relevance per query"))
    for col in (_("query"), _("labels +/-"), _("model"), "CV P/R/F1", _("mentions"), "< 0.5"):
        table.add_column(col)
    for r in rows:
        cv = r["cv"]
        share = r["share_below_half"]
        table.add_row(
            Text(f"{r['query_id']} {r['query']}"),
            f"{r['labels_relevant']}/{r['labels_not_relevant']}",
            f"v{r['model_version']}" if r["model_version"] else _("rules"),
            "/".join(_fmt(cv[k]) for k in ("precision", "recall", "f1")),
            str(r["mentions"]),
            "-" if share is None else format_percent(share, 1),
        )
    out.print(table)


def eval_relevance(
    data: Annotated[
        Path, typer.Option("--data", exists=True, file_okay=False, help="CrisisLexT26 folder.")
    ],
    sizes: Annotated[str, typer.Option(help="Label budgets, comma-separated.")] = "50,100,200",
    json: JsonOption = False,
    repeats: Annotated[int, typer.Option(min=1, help="Random draws per point.")] = 3,
    pooled: Annotated[bool, typer.Option("--pooled/--no-pooled", help="All events.")] = True,
    per_event: Annotated[
        bool, typer.Option("--per-event/--no-per-event", help="Each event.")
    ] = True,
) -> None:
    """Learning curve on CrisisLexT26: random vs active-learning labels, P/R/F1."""
    from socialhub.relevance.crisislex import learning_curve

    try:
        budget = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError as exc:
        raise typer.BadParameter(
            _("--sizes: expected integers like 50,100,200: %(sizes)r") % {"sizes": sizes}
        ) from exc
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=json or not console.is_terminal,
    )
    pooled_events = _("pooled events")

    def tick(done: int, total: int, event: str) -> None:
        if not bar.tasks:
            bar.add_task("", total=total)
        what = escape(event) if event else pooled_events
        description = _("learning curve: %(what)s") % {"what": what}
        bar.update(bar.tasks[0].id, completed=done, total=total, description=description)

    with bar:
        report = learning_curve(
            data, budget, pooled=pooled, per_event=per_event, repeats=repeats, progress=tick
        )
    if json:
        print_json(report)
        return
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    if "macro" in report:
        n_events = len(report["events"])
        mean_of = ngettext("mean of %(n)s event", "mean of %(n)s events", n_events)
        sections.append((mean_of % {"n": n_events}, report["macro"]))
    if "pooled" in report:
        sections.append((pooled_events, report["pooled"]["rows"]))
    strategies = {"random": _("random labels"), "active": _("active learning")}
    for title, rows in sections:
        table = Table(
            title=_("CrisisLexT26, %(what)s: class 'relevant' (holdout | rest)") % {"what": title}
        )
        for col in (
            _("strategy"), "N", "P", "R", "F1", _("F1 noise"), _("F1 all-relevant"), _("F1 rest")
        ):  # fmt: skip
            table.add_column(col)
        for r in rows:
            table.add_row(
                strategies.get(r["strategy"], r["strategy"]),
                str(r["n_labels"]),
                *(
                    _fmt(r[f"holdout_{k}"])
                    for k in ("precision", "recall", "f1", "f1_not_relevant", "f1_all_relevant")
                ),
                _fmt(r["rest_f1"]),
            )
        out.print(table)
