"""The command line's human output in French (``SOCIALHUB_LOCALE=fr``): messages,
table headers and errors of several commands carry no English message id that has a
French translation (the net of tests/web/french.py), English stays English, and
``--json`` output is the same in both languages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app
from web.french import english_in

FR = {"SOCIALHUB_LOCALE": "fr", "PW": "correct horse battery staple 42"}
EN = {"SOCIALHUB_LOCALE": "en", "PW": "correct horse battery staple 42"}


def _lines(output: str) -> list[str]:
    """Each printed line, and each table cell, as a text node."""
    nodes = []
    for line in output.splitlines():
        for cell in line.replace("│", "┃").split("┃"):
            cell = " ".join(cell.strip(" ─━┏┓┗┛┡┩└┘┌┐╇╈┳┻┼╋├┤").split())
            if cell:
                nodes.append(cell)
    return nodes


def _session(tmp_path: Path, env: dict[str, str]) -> list[str]:
    # the console's width is fixed when the CLI is first imported, which under xdist may
    # be a narrow terminal's: wrapped headers would split the words this test looks for
    common.out.width = 200
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    run = CliRunner().invoke
    outputs = []
    for args in (
        ["db", "upgrade"],
        ["db", "upgrade"],
        ["users", "add", "alice", "--password-env", "PW"],
        ["users", "add", "alice", "--password-env", "PW"],  # exists: an error
        ["users", "list"],
        ["users", "token", "alice"],
        ["users", "deactivate", "alice"],
        ["users", "deactivate", "alice"],
        ["users", "set-role", "nobody", "ws", "analyst"],
        ["search", "panne"],
        ["search", "panne AND"],
        ["search", "panne", "--workspace", "nowhere"],
        ["alerts", "list"],
        ["alerts", "show", "42"],
        ["alerts", "list", "--order", "loudest"],
        ["audit", "verify"],
        ["legal", "list"],
        ["engage", "measures", "nowhere"],
        ["privacy", "retention", "set", "nowhere", "--days", "30"],
        ["privacy", "retention", "run"],
        ["launch", "seed-demo"],
        ["launch", "list"],
        ["launch", "report", "demo-lancement-telvia-s42", "--no-save"],
    ):
        done = run(app, [*args, *db], env=env)
        outputs.append(done.output)
    return outputs


def test_the_command_line_speaks_french(tmp_path: Path) -> None:
    outputs = _session(tmp_path, FR)
    text = "\n".join(outputs)
    nodes = [
        n
        for n in _lines(text)
        if not n.startswith(("Usage:", "Try ", "sqlite:")) and "0001_" not in n
    ]
    assert english_in(nodes) == []
    assert "erreur à la colonne 7 : AND attend un terme après lui" in text  # the parser's
    for french in ("identifiant", "mot de passe", "aucun utilisateur", "existe",
                   "utilisateur alice désactivé", "était déjà inactif",
                   "espace inconnu", "aucune alerte 42", "aucune chaîne",
                   "0 dossier", "mis à jour (UTC)", "bibliothèque", "demi-vie après le pic",
                   "aucun espace 'nowhere'"):  # fmt: skip
        assert french in text, french


def test_english_when_asked_and_json_unchanged(tmp_path: Path) -> None:
    text = "\n".join(_session(tmp_path / "en", EN))
    for english in ("username", "no user", "user alice deactivated", "unknown workspace"):
        assert english in text, english
    assert "identifiant" not in text
    db = ["--db", f"sqlite:///{tmp_path / 'en' / 'hub.db'}"]
    run = CliRunner().invoke
    fr = run(app, ["users", "list", "--json", *db], env=FR).stdout
    en = run(app, ["users", "list", "--json", *db], env=EN).stdout
    assert json.loads(fr) == json.loads(en) and json.loads(fr)[0]["username"] == "alice"
