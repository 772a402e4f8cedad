"""`socialhub audit verify` and `socialhub audit export`: the hash-chained logs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
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
from socialhub.i18n import _

app = typer.Typer(
    help="The append-only, hash-chained logs (engagement audit, chains of custody).",
    no_args_is_help=True,
)

ChainOption = Annotated[
    str | None,
    typer.Option("--chain", help="One chain, e.g. audit or custody:<case>; default: all chains."),
]


@app.command("verify")
def verify(chain: ChainOption = None, db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """Recompute every hash; exit 1 naming the first entry that does not verify."""
    store = store_from(db)
    try:
        repo = store.chain
        names = [chain] if chain else repo.chains()
        report = []
        broken = None
        for name in names:
            count = sum(1 for _ in repo.iter_entries(name))
            head = repo.head(name)
            problem = repo.verify(name)
            report.append(
                {
                    "chain": name,
                    "entries": count,
                    "head": head.entry_hash if head else None,
                    "ok": problem is None,
                    "problem": None if problem is None else problem.describe(),
                    "row_id": None if problem is None else problem.id,
                    "seq": None if problem is None else problem.seq,
                }
            )
            broken = broken or problem
    finally:
        store.close()
    if json:
        print_json({"ok": broken is None, "chains": report})
    else:
        for r in report:
            if r["ok"]:
                out.print(
                    Text(
                        _("ok %(chain)s: %(n)s entries, head %(head)s")
                        % {"chain": r["chain"], "n": r["entries"], "head": r["head"]},
                        "green",
                    )
                )
            else:
                out.print(Text(_("BROKEN %(problem)s") % {"problem": r["problem"]}, "red"))
        if not report:
            out.print(_("no chain has any entry yet"))
    if broken is not None:
        raise typer.Exit(1)


@app.command("export")
def export(
    chain: Annotated[str, typer.Option("--chain", help="The chain to export.")] = "audit",
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="JSON Lines file (default: stdout).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write a chain as JSON Lines, one entry per line with prev_hash and entry_hash.

    The last line is {"head": ..., "entries": N}: keep it elsewhere (an e-mail, a
    ticket) to detect later removals at the tail. Anyone can re-verify an export:
    entry_hash = sha256(prev_hash + canonical JSON of the entry's other fields).
    """
    store = store_from(db)
    handle = sys.stdout.buffer if output is None else output.open("wb")
    n = 0
    try:
        repo = store.chain
        last = None
        for entry in repo.iter_entries(chain):
            handle.write(orjson.dumps(entry.to_dict()) + b"\n")
            last = entry
            n += 1
        handle.write(
            orjson.dumps({"chain": chain, "entries": n, "head": last.entry_hash if last else None})
            + b"\n"
        )
    finally:
        if output is not None:
            handle.close()
        store.close()
    if output is not None:
        console.print(
            Text(
                _("%(n)s entries of %(chain)s written to %(file)s")
                % {"n": n, "chain": chain, "file": str(output)}
            )
        )
