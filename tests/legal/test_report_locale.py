"""The case report speaks the language asked for, through gettext: French has no
English message id left in it (the net of tests/web/french.py), English is English,
the case's codes are named in the language, and an unknown language is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialhub.i18n import current_locale, use_locale
from socialhub.legal.desk import LegalDesk
from socialhub.legal.report import render_html
from socialhub.store.base import Store
from web.french import english_in, visible_text

from .test_bundle import _case

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _html(desk: LegalDesk, case_id: int, lang: str) -> str:
    return render_html(
        desk.case(case_id),
        desk.repo.list_items(case_id),
        desk.repo.list_captures(case_id),
        desk.repo.list_notes(case_id),
        desk.custody.entries(case_id),
        lang=lang,
        exported_by="juriste",
        exported_at=NOW,
    )


def test_the_case_report_in_french_and_in_english(store: Store, tmp_path: Path) -> None:
    desk, case_id = _case(store, tmp_path)
    with use_locale("en"):  # the report's language wins over the context's
        fr = _html(desk, case_id, "fr")
        assert current_locale() == "en"  # and the context is restored
    nodes = visible_text(fr)
    # Post texts, names and codes of the test world are data, not product text.
    allowed = frozenset(n for n in nodes if n.startswith(("mention", "Billet")))
    assert english_in(nodes, allowed) == []
    assert '<html lang="fr">' in fr
    assert any(n.startswith("Dossier 1 — ") for n in nodes)
    for french in ("Motif", "diffamation", "en instruction", "Éléments",
                   "Chaîne de conservation", "SHA-256 de la charge brute"):  # fmt: skip
        assert any(n == french or n.startswith(f"{french} (") for n in nodes), french
    assert not any(n.startswith("Chain of custody") for n in nodes)

    with use_locale("fr"):
        en = _html(desk, case_id, "en")
    nodes = visible_text(en)
    assert any(n.startswith("Case 1 — ") for n in nodes)
    for english in ("Reason", "defamation", "investigating", "Chain of custody"):
        assert any(n == english or n.startswith(f"{english} (") for n in nodes), english
    assert "diffamation" not in nodes
    assert not any(n.startswith("Chaîne de conservation") for n in nodes)


def test_an_unknown_report_language_is_refused(store: Store, tmp_path: Path) -> None:
    desk, case_id = _case(store, tmp_path)
    with pytest.raises(ValueError, match="report language"):
        _html(desk, case_id, "de")
