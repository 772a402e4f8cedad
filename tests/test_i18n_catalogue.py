"""The French catalogue is complete: every msgid the sources use (Python ``_()``,
``ngettext()``, ``N_()``, the Jinja templates, the page scripts' ``SH._()``), found by
Babel's extractors, has a French translation (``scripts/i18n_check.py`` lists what is
missing), and the extractor does see a string nobody translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from socialhub import i18n
from socialhub.web.locale_web import js_catalogue, js_msgids

ROOT = Path(__file__).resolve().parents[1]


def test_every_msgid_of_the_sources_has_a_french_translation() -> None:
    i18n.catalogue.cache_clear()
    found = i18n.extract_msgids()
    assert len(found) > 400  # the extractors do read the sources
    assert "Log out" in found and "Acknowledge" in found  # a template, a page script
    missing = i18n.missing_translations("fr")
    assert missing == {}, "\n".join(f"{w[0]}: {m}" for m, w in missing.items())


def test_the_page_scripts_get_every_string_they_use_in_french() -> None:
    ids = js_msgids()
    assert "No open alert." in ids and "%(n)s alert" in ids
    fr = js_catalogue("fr")
    assert set(ids) <= set(fr), sorted(set(ids) - set(fr))
    assert fr["No open alert."] == "Aucune alerte ouverte."
    assert fr["%(n)s alert"] == ["%(n)s alerte", "%(n)s alertes"]
    assert js_catalogue("en") == {}  # English is the msgid itself


def test_a_string_nobody_translated_is_reported(tmp_path: Path) -> None:
    (tmp_path / "feature.py").write_text(
        "from socialhub.i18n import _\n\nTEXT = _('Alerts')\nNEW = _('A brand new sentence')\n"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>{{ _('Another new one') }}</p>\n")
    (tmp_path / "page.js").write_text('el.textContent = SH._("And a third");\n')
    missing = i18n.missing_translations("fr", tmp_path)
    assert sorted(missing) == ["A brand new sentence", "And a third", "Another new one"]
    assert missing["Another new one"] == ["templates/page.html:1"]


def test_the_check_script_lists_nothing_missing() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n_check.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert "0 string(s) without a fr translation" in done.stderr


def test_no_msgid_is_translated_differently_in_two_files() -> None:
    # the catalogue keeps the last file's translation: the other would be lost unseen
    assert i18n.conflicting_translations("fr") == {}
