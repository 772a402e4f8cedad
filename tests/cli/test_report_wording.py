"""The press digest has one French name everywhere: the web's and the catalogue's
"revue de presse", in the report's title and in `socialhub report --help` alike (it read
"Digest presse" in one and "synthèse" in the other); `-w` says what it takes."""

from __future__ import annotations

from typer.testing import CliRunner

from socialhub import i18n
from socialhub.cli.main import app

FR = {"SOCIALHUB_LOCALE": "fr"}
DIGEST_MSGIDS = ("Press digest", "press digest", "digest")


def test_the_digest_reads_revue_de_presse_in_every_french_text() -> None:
    fr = i18n.catalogue("fr")
    assert {fr[m] for m in DIGEST_MSGIDS} == {"Revue de presse", "revue de presse"}
    from socialhub.reports.texts import MESSAGES  # the report's own title

    with i18n.use_locale("fr"):
        assert i18n.gettext(MESSAGES["digest_title"]) == "Revue de presse"
    said = [str(v).lower() for k, v in fr.items() if "digest" in str(k).lower()]
    assert not [s for s in said if "synthèse" in s or "digest presse" in s], said


def test_report_help_names_the_digest_and_explains_w() -> None:
    done = CliRunner().invoke(app, ["report", "--help"], env=FR)
    text = " ".join(done.output.split())
    assert done.exit_code == 0
    assert "revue de presse" in text and "synthèse" not in text
    w_help = "Slug de l'espace de travail (obligatoire s'il y en a plusieurs)"
    assert f"-w, --workspace <str> {w_help}" in text
    done = CliRunner().invoke(app, ["alerts", "list", "--help"], env=FR)
    assert "Slug de l'espace de travail (par défaut : tous)" in " ".join(done.output.split())
