"""`socialhub legal ...`: cases, evidence capture, export bundles and their verification."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from socialhub.cli.common import DEFAULT_DB, DbOption, JsonOption, out, print_json, store_from
from socialhub.i18n import _, localised, ngettext
from socialhub.legal.bundle import export_bundle, verify_bundle
from socialhub.legal.desk import LegalConfig, LegalDesk, LegalError
from socialhub.legal.report import REASON_NAMES, STATUS_NAMES
from socialhub.store.legal import REASONS, STATUSES

app = typer.Typer(
    help="Legal desk: cases, evidence capture, chain of custody, verifiable bundles.",
    no_args_is_help=True,
)

ByOption = Annotated[str, typer.Option("--by", help="Who acts (default: cli:<login>).")]
CaseArg = Annotated[int, typer.Argument(help="Case number.")]


def _by(by: str) -> str:
    return by or f"cli:{getpass.getuser()}"


def _fail(exc: Exception) -> typer.Exit:
    out.print(Text(_("error: %(m)s") % {"m": localised(exc)}, "red"))
    return typer.Exit(2)


@app.command("list")
def list_(
    workspace: Annotated[str | None, typer.Option(help="Only this workspace (slug).")] = None,
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(STATUSES)}.")] = None,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Cases, open ones first then the most recently touched."""
    store = store_from(db)
    try:
        ws_id = None
        if workspace is not None:
            ws = store.workspaces.get_workspace(workspace)
            if ws is None:
                raise _fail(LegalError(_("no workspace %(slug)r") % {"slug": workspace}))
            ws_id = ws.id
        desk = LegalDesk(store, LegalConfig.from_env())
        cases = desk.repo.list_cases(workspace_id=ws_id, status=status)
        counts = {c.id: len(desk.repo.list_items(c.id or 0)) for c in cases}
    finally:
        store.close()
    if json:
        print_json([{**c.to_dict(), "items": counts[c.id]} for c in cases])
        return
    table = Table(title=ngettext("%(n)s case", "%(n)s cases", len(cases)) % {"n": len(cases)})
    for col in (
        "#",
        _("status"),
        _("reason"),
        _("title"),
        _("owner"),
        _("items"),
        _("updated (UTC)"),
    ):
        table.add_column(col, overflow="fold")
    for c in cases:
        when = f"{c.updated_at:%Y-%m-%d %H:%M}" if c.updated_at else ""
        table.add_row(str(c.id), _(STATUS_NAMES.get(c.status, c.status)),
                      _(REASON_NAMES.get(c.reason, c.reason)), Text(c.title), Text(c.owner),
                      str(counts[c.id]), when)  # fmt: skip
    out.print(table)


@app.command("show")
def show(
    case: CaseArg, by: ByOption = "", db: DbOption = DEFAULT_DB, json: JsonOption = False
) -> None:
    """A case with its items, captures, notes and custody log (the view is recorded)."""
    store = store_from(db)
    try:
        desk = LegalDesk(store, LegalConfig.from_env())
        try:
            found = desk.view(case, _by(by))
        except LegalError as exc:
            raise _fail(exc) from None
        items, captures = desk.repo.list_items(case), desk.repo.list_captures(case)
        notes, custody = desk.repo.list_notes(case), desk.custody.entries(case)
        broken = desk.custody.verify(case)
    finally:
        store.close()
    if json:
        print_json({
            "case": found.to_dict(),
            "items": [{k: v for k, v in i.to_dict().items() if k != "raw"} for i in items],
            "captures": [c.to_dict() for c in captures],
            "notes": [{"author": n.author, "body": n.body, "at": n.created_at.isoformat()}
                      for n in notes],
            "custody": [e.to_dict() for e in custody],
            "custody_ok": broken is None,
        })  # fmt: skip
        return
    out.print(
        Text(
            _("case %(id)s [%(status)s] %(reason)s: %(title)s (owner: %(owner)s)")
            % {
                "id": found.id,
                "status": _(STATUS_NAMES.get(found.status, found.status)),
                "reason": _(REASON_NAMES.get(found.reason, found.reason)),
                "title": found.title,
                "owner": found.owner or "-",
            }
        )
    )
    for i in items:
        out.print(
            Text(
                "  "
                + _("item %(kind)s %(id)s raw sha256 %(sha)s %(url)s")
                % {"kind": i.kind, "id": i.item_id, "sha": i.raw_sha256 or "-", "url": i.url}
            )
        )
    for c in captures:
        out.print(
            Text(
                "  "
                + _("capture %(id)s %(kind)s %(status)s %(sha)s")
                % {
                    "id": c.item_id,
                    "kind": c.artifact,
                    "status": c.status,
                    "sha": c.sha256 or c.error,
                }
            )
        )
    for n in notes:
        out.print(
            Text(
                "  "
                + _("note %(author)s %(at)s: %(body)s")
                % {"author": n.author, "at": f"{n.created_at:%Y-%m-%d %H:%M}", "body": n.body}
            )
        )
    out.print(
        Text(
            "  "
            + _("custody: %(n)s entries, %(state)s")
            % {
                "n": len(custody),
                "state": _("chain verifies") if broken is None else broken.describe(),
            }
        )
    )


@app.command("open")
def open_(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    item: Annotated[str, typer.Argument(help="Mention id (platform:native_id) or alert id.")],
    reason: Annotated[str, typer.Option(help=f"One of {', '.join(REASONS)}.")] = "other",
    title: Annotated[str, typer.Option(help="Case title.")] = "",
    kind: Annotated[str, typer.Option(help="mention or alert.")] = "mention",
    case: Annotated[int | None, typer.Option("--case", help="Add to this case instead.")] = None,
    note: Annotated[str, typer.Option(help="A first note.")] = "",
    by: ByOption = "",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Send an item to legal: open a case with it, or add it to --case."""
    store = store_from(db)
    try:
        ws = store.workspaces.get_workspace(workspace)
        if ws is None or ws.id is None:
            raise _fail(LegalError(_("no workspace %(slug)r") % {"slug": workspace}))
        try:
            found, added = LegalDesk(store, LegalConfig.from_env()).send(
                ws.id, kind, item, by=_by(by), reason=reason, title=title, case_id=case, note=note
            )
        except LegalError as exc:
            raise _fail(exc) from None
    finally:
        store.close()
    if json:
        print_json({**found.to_dict(), "added": added})
        return
    done = _("case %(id)s: %(item)s added") if added else _("case %(id)s: %(item)s already there")
    out.print(Text(done % {"id": found.id, "item": item}))


@app.command("note")
def note(case: CaseArg, text: Annotated[str, typer.Argument(help="The note.")], by: ByOption = "",
         db: DbOption = DEFAULT_DB) -> None:  # fmt: skip
    """Add a note to a case."""
    store = store_from(db)
    try:
        LegalDesk(store, LegalConfig.from_env()).add_note(case, _by(by), text)
    except LegalError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    out.print(Text(_("case %(id)s: note added") % {"id": case}))


@app.command("update")
def update(
    case: CaseArg,
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(STATUSES)}.")] = None,
    owner: Annotated[str | None, typer.Option(help="The legal owner (username).")] = None,
    title: Annotated[str | None, typer.Option(help="A new title.")] = None,
    reason: Annotated[str | None, typer.Option(help=f"One of {', '.join(REASONS)}.")] = None,
    by: ByOption = "",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Change a case's status, owner, title or reason (closing releases its legal hold)."""
    store = store_from(db)
    try:
        found = LegalDesk(store, LegalConfig.from_env()).update(
            case, _by(by), status=status, owner=owner, title=title, reason=reason
        )
    except LegalError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    out.print(
        Text(
            _("case %(id)s: %(status)s, owner %(owner)s")
            % {
                "id": found.id,
                "status": _(STATUS_NAMES.get(found.status, found.status)),
                "owner": found.owner or "-",
            }
        )
    )


@app.command("capture")
def capture(
    case: CaseArg,
    item: Annotated[str | None, typer.Argument(help="Item id (default: every item).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="WARC only.")] = False,
    by: ByOption = "",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Capture the public page of items: WARC, screenshot and PDF (Chromium), through
    the address guard (private and loopback addresses refused, redirects checked)."""
    store = store_from(db)
    results = []
    try:
        desk = LegalDesk(store, LegalConfig.from_env(browser=not no_browser))
        try:
            ids = [item] if item else [i.item_id for i in desk.repo.list_items(case) if i.url]
            for item_id in ids:
                results.append((item_id, desk.capture(case, item_id, _by(by))))
        except LegalError as exc:
            raise _fail(exc) from None
    finally:
        store.close()
    if json:
        print_json([{"item": i, "refused": r.refused, "captures": [c.to_dict() for c in r.captures]}
                    for i, r in results])  # fmt: skip
        return
    for item_id, result in results:
        for c in result.captures:
            out.print(Text(f"{item_id} {c.artifact}: {c.status} {c.sha256 or c.error}"))
    if any(r.refused for _, r in results):
        raise typer.Exit(1)


@app.command("export")
def export(
    case: CaseArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Zip path.")] = None,
    lang: Annotated[str, typer.Option(help="Report language: fr or en.")] = "fr",
    by: ByOption = "",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the case's verifiable bundle (zip)."""
    target = output or Path(f"case-{case}.zip")
    store = store_from(db)
    try:
        desk = LegalDesk(store, LegalConfig.from_env())
        try:
            export_bundle(desk, case, _by(by), target, lang=lang)
        except (LegalError, ValueError) as exc:
            raise _fail(exc) from None
    finally:
        store.close()
    out.print(Text(_("case %(id)s: bundle written to %(file)s") % {"id": case, "file": target}))


@app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by `legal export`.")],
    json: JsonOption = False,
) -> None:
    """Check every hash of a bundle and its chain of custody; exit 1 naming what fails."""
    verdict = verify_bundle(bundle)
    if json:
        print_json(verdict.to_dict())
    elif verdict.ok:
        out.print(
            Text(
                _("%(file)s: OK (%(files)s files, %(entries)s custody entries)")
                % {
                    "file": bundle,
                    "files": verdict.checked_files,
                    "entries": verdict.custody_entries,
                },
                "green",
            )
        )
    else:
        for problem in verdict.problems:
            out.print(Text(_("FAILED %(problem)s") % {"problem": problem}, "red"))
    if not verdict.ok:
        raise typer.Exit(1)


@app.command("scan")
def scan_cmd(
    hours: Annotated[float, typer.Option(min=0.1, help="Look back this many hours.")] = 24,
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Run the flagging classifier over recent mentions and propose cases (the scheduler
    does it every few minutes). Nothing is opened: legal accepts or dismisses."""
    from datetime import timedelta

    from socialhub.legal.proposals import scan
    from socialhub.models import utcnow

    now = utcnow()
    store = store_from(db)
    try:
        found = scan(store, now - timedelta(hours=hours), now, now=now)
    finally:
        store.close()
    if json:
        print_json(found)
        return
    for slug, n in found.items():
        out.print(
            Text(
                ngettext("%(ws)s: %(n)s new proposal", "%(ws)s: %(n)s new proposals", n)
                % {"ws": slug, "n": n}
            )
        )


@app.command("proposals")
def proposals_cmd(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    status: Annotated[str, typer.Option(help="proposed, accepted or dismissed.")] = "proposed",
    db: DbOption = DEFAULT_DB,
    json: JsonOption = False,
) -> None:
    """Posts the classifier proposes (threats first, then defamation, then insults;
    strongest first within each), with the cues that made them."""
    from socialhub.store.legal_proposals import ProposalRepo

    store = store_from(db)
    try:
        ws = store.workspaces.get_workspace(workspace)
        if ws is None or ws.id is None:
            raise _fail(LegalError(_("no workspace %(slug)r") % {"slug": workspace}))
        items = ProposalRepo(store).list_proposals(ws.id, status)
    finally:
        store.close()
    if json:
        print_json([{"id": p.id, "mention": p.mention_id, "label": p.label, "score": p.score,
                     "cues": p.cues, "status": p.status, "case": p.case_id}
                    for p in items])  # fmt: skip
        return
    for p in items:
        out.print(Text(f"#{p.id} {p.label} {p.score:.1f} {p.mention_id}: {', '.join(p.cues)}"))


@app.command("decide")
def decide_cmd(
    workspace: Annotated[str, typer.Argument(help="Workspace slug.")],
    proposal: Annotated[int, typer.Argument(help="Proposal number.")],
    accept: Annotated[bool, typer.Option("--accept/--dismiss", help="Open a case, or not.")],
    by: ByOption = "",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Accept a proposal (a case opens with it) or dismiss it."""
    from socialhub.legal.proposals import accept as accept_proposal
    from socialhub.legal.proposals import dismiss
    from socialhub.models import utcnow

    store = store_from(db)
    try:
        ws = store.workspaces.get_workspace(workspace)
        if ws is None or ws.id is None:
            raise _fail(LegalError(_("no workspace %(slug)r") % {"slug": workspace}))
        try:
            if accept:
                case = accept_proposal(
                    LegalDesk(store, LegalConfig.from_env()), ws.id, proposal, _by(by)
                )
                out.print(
                    Text(_("proposal %(p)s: case %(id)s opened") % {"p": proposal, "id": case.id})
                )
            else:
                dismiss(store, ws.id, proposal, _by(by), utcnow())
                out.print(Text(_("proposal %(p)s: dismissed") % {"p": proposal}))
        except LegalError as exc:
            raise _fail(exc) from None
    finally:
        store.close()
