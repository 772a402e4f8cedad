"""`socialhub db ...`: schema migrations."""

from __future__ import annotations

import typer

from socialhub.cli import db_retention
from socialhub.cli.common import DbOption, JsonOption, out, print_json, redact, store_from

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.command("retention")(db_retention.retention)


@app.command("upgrade")
def upgrade(db: DbOption = "sqlite:///data/socialhub.db", json: JsonOption = False) -> None:
    """Apply pending named migrations (recorded in schema_migrations)."""
    store = store_from(db, migrate=False)
    try:
        applied = store.migrate()
        all_names = store.applied_migrations()
    finally:
        store.close()
    if json:
        print_json({"db": redact(db), "applied_now": applied, "applied": all_names})
        return
    if applied:
        out.print(f"Applied {len(applied)} migration(s) to {redact(db)}: {', '.join(applied)}")
    else:
        out.print(f"{redact(db)} is up to date ({len(all_names)} migrations).")
