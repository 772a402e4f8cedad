"""What a new user met on real data (CrisisLexT26 files, twarc2 output, a CSV handed to
`detect`): the command line's messages are in the reader's language and say what to do,
in the options the command line has (not the Python API's)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app

FR = {"SOCIALHUB_LOCALE": "fr"}
WEST = """[[workspace]]
slug = "west"
name = "Explosion de West"
locale = "fr"

  [[workspace.query]]
  name = "Explosion West"
  definition = '"west texas" OR "west explosion" OR fertilizer'
"""


def _said(result: object) -> str:
    return " ".join(getattr(result, "output", "").split())


def test_import_errors_and_notes_are_french_and_name_the_cli_option(tmp_path: Path) -> None:
    common.out.width = common.console.width = 200
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    odd = tmp_path / "odd.csv"
    odd.write_text("Message body,quand\nbonjour,2024-03-05\n", encoding="utf-8")
    run = CliRunner().invoke
    said = _said(run(app, ["import", str(odd), *db], env=FR))
    assert "le CSV n'a pas de colonne text (colonnes : Message body, quand)" in said
    assert '--map text="Message body"' in said and "mapping={" not in said
    said = _said(run(app, ["import", str(odd), "--map", "txt=quand", *db], env=FR))
    assert "correspondance : champ(s) inconnu(s) txt" in said
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    said = _said(run(app, ["import", str(empty), *db], env=FR))
    assert "remarque : le fichier est vide" in said
    english = _said(run(app, ["import", str(odd), *db], env={"SOCIALHUB_LOCALE": "en"}))
    assert "CSV has no text column (columns: Message body, quand); name it with --map" in english


def test_low_coverage_warning_is_french_with_a_french_percentage(tmp_path: Path) -> None:
    common.out.width = common.console.width = 200
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    cfg = tmp_path / "west.toml"
    cfg.write_text(WEST, encoding="utf-8")
    rows = [{"id": str(i), "text": "rien à voir" if i else "west texas", "created_at":
             "2013-04-18T01:00:00Z"} for i in range(8)]  # fmt: skip
    src = tmp_path / "posts.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = CliRunner().invoke
    assert run(app, ["apply", str(cfg), *db]).exit_code == 0
    result = run(app, ["import", str(src), *db], env=FR)
    said = _said(result)
    assert "8 enregistrements lus en" in said
    assert "avertissement : seulement 12,5 % des mentions correspondent à une requête" in said
    assert "only" not in said and "matched a query" not in said
    as_json = run(app, ["import", str(src), *db, "--json"], env=FR)
    assert json.loads(as_json.stdout)["coverage"]["warnings"] == []  # unchanged: no new rows


def test_detect_on_a_csv_stops_listing_lines_and_says_what_to_do(tmp_path: Path) -> None:
    common.out.width = common.console.width = 200
    rows = "".join(f'"{324694339240460289 + i}","west texas {i}",Outsiders\n' for i in range(40))
    src = tmp_path / "labelled.csv"
    src.write_text("Tweet ID, Tweet Text, Information Source\n" + rows, encoding="utf-8")
    result = CliRunner().invoke(app, ["detect", "-i", str(src)], env=FR)
    assert result.exit_code == 0, result.output
    said = _said(result)
    assert said.count("ignorée : JSON invalide") == 10  # then only counted
    assert "… et 31 autre(s) ligne(s) ignorée(s)" in said
    assert "Ce fichier ressemble à du CSV" in said and "socialhub import" in said
    assert "Aucun signal : le flux est vide." in said
    assert "unexpected content" not in said and "No signal" not in said


def test_detect_prints_titles_and_trends_in_french(tmp_path: Path) -> None:
    common.out.width = common.console.width = 250
    cfg = tmp_path / "west.toml"
    cfg.write_text(WEST, encoding="utf-8")
    lines = []
    for minute in range(0, 24 * 60, 6):  # a quiet day, then a burst
        lines.append({"id": f"q{minute}", "text": "west texas", "created_at":
                      f"2013-04-17T{minute // 60:02d}:{minute % 60:02d}:00Z"})  # fmt: skip
    for second in range(0, 1800, 10):
        lines.append({"id": f"b{second}", "text": "west explosion", "created_at":
                      f"2013-04-18T00:{second // 60:02d}:{second % 60:02d}Z"})  # fmt: skip
    src = tmp_path / "stream.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = CliRunner().invoke(app, ["detect", "-i", str(src), "--queries", str(cfg)], env=FR)
    assert result.exit_code == 0, result.output
    volume = [ln for ln in result.stdout.splitlines() if " volume " in ln]
    assert volume, result.output
    assert "grav." in volume[0] and "en hausse" in volume[0], volume[0]
    assert "mentions en" in volume[0] and "la normale" in volume[0], volume[0]
    assert "the usual" not in result.stdout and "rising" not in result.stdout


def test_crisislex_csv_imports_as_published_and_search_shows_no_empty_handle(
    tmp_path: Path,
) -> None:
    common.out.width = common.console.width = 250
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    cfg = tmp_path / "west.toml"
    cfg.write_text(WEST, encoding="utf-8")
    src = tmp_path / "2013_West_Texas_explosion-tweets_labeled.csv"
    src.write_text(
        "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        '"324694339240460289","Explosion reported at fertilizer plant in West",'
        "Outsiders,Other Useful Information,Related and informative\n",
        encoding="utf-8",
    )
    anonymous = tmp_path / "anonymous.jsonl"
    anonymous.write_text(
        json.dumps({"id": "a1", "text": "fertilizer again", "created_at": "2013-04-19T10:00:00Z"})
        + "\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    assert run(app, ["apply", str(cfg), *db]).exit_code == 0
    done = run(app, ["import", str(src), *db], env=FR)
    assert done.exit_code == 0, done.output
    assert "1 enregistrement lu en" in _said(done) and "insérés 1," in _said(done)
    assert "l'heure de chaque publication est lue dans son identifiant de tweet" in _said(done)
    assert run(app, ["import", str(anonymous), *db], env=FR).exit_code == 0
    found = run(app, ["search", "fertilizer", *db], env=FR)
    rows = [ln for ln in found.stdout.splitlines() if "fertilizer" in ln]
    assert len(rows) == 2, found.output
    tweet = next(r for r in rows if "2013-04-18 01:22" in r)
    assert "│ x " in tweet
    other = next(r for r in rows if "again" in r)
    assert "inconnue" in other and "unknown" not in other
    assert all("│ @ " not in r for r in rows)  # no lone "@" for a post without an author
    status = run(app, ["relevance", "status", *db], env=FR)
    assert "0,0 %" in status.stdout and "0.0%" not in status.stdout, status.output


def test_digest_shows_an_authorless_post_without_a_lone_at_sign(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'h.db'}"]
    cfg = tmp_path / "west.toml"
    cfg.write_text(WEST, encoding="utf-8")
    src = tmp_path / "texts.jsonl"
    src.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"t{i}",
                    "text": f"west texas update {i}",
                    "created_at": f"2013-04-18T0{i}:00:00Z",
                }
            )
            + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    run = CliRunner().invoke
    assert run(app, ["apply", str(cfg), *db]).exit_code == 0
    assert run(app, ["import", str(src), *db]).exit_code == 0
    html = tmp_path / "digest.html"
    period = ["--since", "2013-04-17T12:00", "--until", "2013-04-18T12:00"]
    done = run(app, ["report", "digest", "-w", "west", *period, "--html", str(html), *db], env=FR)
    assert done.exit_code == 0, done.output
    page = html.read_text(encoding="utf-8")
    assert "west texas update" in page
    assert "@ ·" not in page and "· unknown ·" not in page
    assert "inconnue ·" in page

    default = run(app, ["report", "digest", "-w", "west", *db], env=FR)  # the last period: 2026
    assert default.exit_code == 0, default.output
    said = _said(default)
    assert "Cette période ne contient aucune mention de l'espace de travail" in said, said
    assert "elles vont du 2013-04-18 00:00 au 2013-04-18 02:00" in said
    assert "(essayez --since 2013-04-18 --until 2013-04-19)" in said
    assert "Cette période" not in _said(done)  # a period with data: no warning
