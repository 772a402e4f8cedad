"""`socialhub quarantine list` writes each reason in the reader's language
(``SOCIALHUB_LOCALE``); ``--json`` keeps the English as stored, with the reason's code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app
from socialhub.models import QuarantineItem
from socialhub.store import open_store
from web.french import english_in


def _db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": ""}\n[1]\n', encoding="utf-8")
    done = CliRunner().invoke(app, ["import", str(bad), "--db", db])
    assert done.exit_code == 0, done.output
    store = open_store(db)
    try:  # a row stored before reason codes
        store.sources.quarantine([QuarantineItem("import:jsonl:old.jsonl", "no date", "{}")])
    finally:
        store.close()
    return db


def test_quarantine_list_speaks_the_readers_language(tmp_path: Path) -> None:
    common.out.width = 250  # one table row per line
    db = _db(tmp_path)
    run = CliRunner().invoke
    fr = run(app, ["quarantine", "list", "--db", db], env={"SOCIALHUB_LOCALE": "fr"})
    assert fr.exit_code == 0, fr.output
    assert "texte manquant : le texte est vide" in fr.output
    assert "enregistrement non pris en charge : objet JSON attendu, reçu list" in fr.output
    assert "no date" in fr.output  # stored before codes: as stored
    assert "ligne 1" in fr.output and "ligne 2" in fr.output and "line " not in fr.output
    rows = [" ".join(line.split()) for line in fr.output.splitlines() if "import:" in line]
    assert len(rows) == 3 and english_in([r.replace("no date", "") for r in rows]) == []
    en = run(app, ["quarantine", "list", "--db", db], env={"SOCIALHUB_LOCALE": "en"})
    assert "missing text: the text is empty" in en.output and "texte" not in en.output
    assert "line 2" in en.output and "ligne" not in en.output
    raw = run(app, ["quarantine", "list", "--db", db, "--json"], env={"SOCIALHUB_LOCALE": "fr"})
    items = {i["source"] + i["location"]: i for i in json.loads(raw.stdout)["items"]}
    assert {(i["reason"], i["reason_code"]) for i in items.values()} == {
        ("missing text: the text is empty", "missing_text"),
        ("unsupported record: expected a JSON object, got list", "not_an_object"),
        ("no date", ""),
    }
    assert {i["location"] for i in items.values()} == {"line 1", "line 2", ""}  # as stored
