"""`socialhub quarantine dead-letters` writes each reason in the reader's language
(``SOCIALHUB_LOCALE``); ``--json`` keeps the English as stored, with the reason's code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app
from socialhub.records.quarantine import Reason
from socialhub.records.sources import DeadLetter
from socialhub.store import open_store
from web.french import english_in


def _db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    done = CliRunner().invoke(app, ["db", "upgrade", "--db", db])
    assert done.exit_code == 0, done.output
    store = open_store(db)
    try:
        add = store.sources.add_dead_letter
        add(DeadLetter("reddit", Reason("reddit_missing_text"), "{}", "t3_a"))
        add(DeadLetter("bsky", Reason("bluesky_author_without_did"), "{}", "feed"))
        add(DeadLetter("old", "no date", "<item/>", "feed"))  # stored before reason codes
    finally:
        store.close()
    return db


def test_dead_letters_speak_the_readers_language(tmp_path: Path) -> None:
    common.out.width = 250  # one table row per line
    db = _db(tmp_path)
    run = CliRunner().invoke
    fr = run(app, ["quarantine", "dead-letters", "--db", db], env={"SOCIALHUB_LOCALE": "fr"})
    assert fr.exit_code == 0, fr.output
    assert "3 rejets" in fr.output
    assert "texte manquant : titre et corps vides" in fr.output
    assert "auteur sans did" in fr.output
    assert "no date" in fr.output  # stored before codes: as stored
    rows = [" ".join(line.split()) for line in fr.output.splitlines() if " {}" in line]
    assert len(rows) == 2 and english_in(rows) == []
    en = run(app, ["quarantine", "dead-letters", "--db", db], env={"SOCIALHUB_LOCALE": "en"})
    assert "3 dead letters" in en.output
    assert "missing text: empty title and body" in en.output and "texte" not in en.output
    one = run(app, ["quarantine", "dead-letters", "--db", db, "--source", "bsky"],
              env={"SOCIALHUB_LOCALE": "fr"})  # fmt: skip
    assert "1 rejet" in one.output and "titre" not in one.output
    raw = run(
        app, ["quarantine", "dead-letters", "--db", db, "--json"], env={"SOCIALHUB_LOCALE": "fr"}
    )
    body = json.loads(raw.stdout)
    assert body["count"] == 3
    assert {(i["reason"], i["reason_code"]) for i in body["items"]} == {
        ("missing text: empty title and body", "reddit_missing_text"),
        ("author without a did", "bluesky_author_without_did"),
        ("no date", ""),
    }
