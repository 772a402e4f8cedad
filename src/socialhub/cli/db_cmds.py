"""`socialhub db ...`: schema migrations."""

from __future__ import annotations

import typer

from socialhub.cli import db_retention
from socialhub.cli.common import DbOption, JsonOption, out, print_json, redact, store_from
from socialhub.i18n import _, ngettext

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
        out.print(
            ngettext(
                "Applied %(n)s migration to %(db)s: %(names)s",
                "Applied %(n)s migrations to %(db)s: %(names)s",
                len(applied),
            )
            % {"n": len(applied), "db": redact(db), "names": ", ".join(applied)}
        )
    else:
        out.print(
            _("%(db)s is up to date (%(n)s migrations).") % {"db": redact(db), "n": len(all_names)}
        )
