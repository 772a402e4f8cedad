"""`socialhub import`, `socialhub report` and `socialhub scheduler` speak French to a
French reader (``SOCIALHUB_LOCALE=fr``): the import summary, its quarantine and routing
lines, the report's heading and the scheduler's refusals; English stays English."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli import common
from socialhub.cli.main import app
from web.french import english_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(tmp_path: Path, locale: str) -> str:
    common.out.width = 200  # see test_cli_french: wrapped lines would split the words
    db = ["--db", f"sqlite:///{tmp_path / 'hub.db'}"]
    env = {"SOCIALHUB_LOCALE": locale, "SOCIALHUB_SMTP_HOST": ""}
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        (EXAMPLES / "tweets.jsonl").read_text(encoding="utf-8") + "{not json\n", encoding="utf-8"
    )
    run = CliRunner().invoke
    outputs = []
    for args in (
        ["apply", str(EXAMPLES / "telecom.toml")],
        ["import", str(posts)],
        ["report", "digest", "--workspace", "nowhere"],
        [
            "report",
            "digest",
            "-w",
            "mirabelle-com",
            "--since",
            "2026-12-01T00:00",
            "--until",
            "2026-12-02T00:00",
        ],
        ["report", "digest", "-w", "mirabelle-qos", "--since", "2026-12-01T00:00", "--send"],
        ["scheduler", "--once"],
    ):
        done = run(app, [*args, *db], env=env)
        outputs.append(done.output)
    return "\n".join(outputs)


def test_import_and_report_speak_french(tmp_path: Path) -> None:
    text = _run(tmp_path, "fr")
    shown = text.replace(str(tmp_path), "/tmp")  # the test's own name is English
    lines = [" ".join(line.split()) for line in shown.splitlines() if line.strip()]
    assert english_in([ln for ln in lines if not ln.startswith(("Usage:", "Try "))]) == []
    for french in (
        "46 changements",
        "requêtes        ajouts 18, modifications 0, sans changement 0, suppressions 0",
        "ajout : requête mirabelle-com/Marque Mirabelle",
        "utilisateurs sans mot de passe",
        "avertissement : utilisateur alice : $SOCIALHUB_PASSWORD_ALICE n'est pas défini",
        "enregistrements lus en",
        "JSON invalide",
        "Marque Mirabelle : 79 (52,7 %)",
        "insérés",
        "en quarantaine 1",
        "rapport 1 : Revue de presse",
        "pour les voir : socialhub quarantine list",
        "rattachées à une requête :",
        "aucun espace 'nowhere'",
        "aucun destinataire : donnez --to",
        "n'est pas défini : les rapports sont archivés",
    ):
        assert french in text, (french, text)


def test_english_stays_english(tmp_path: Path) -> None:
    text = _run(tmp_path, "en")
    for english in (
        "46 changes",
        "created query mirabelle-com/Marque Mirabelle",
        "warning: user alice: $SOCIALHUB_PASSWORD_ALICE is not set; password not changed",
        "records read in",
        "invalid JSON",
        "quarantined 1",
        "see them with: socialhub quarantine list",
        "routed to a query:",
        "no workspace 'nowhere'",
        "report 1:",
        "no recipient: give --to",
    ):
        assert english in text, (english, text)
    assert "enregistrements" not in text
