"""What the import quarantines carries a reason code, read in French by a French reader;
the English text (and so the import's per-category counts) is unchanged."""

from __future__ import annotations

from pathlib import Path

from socialhub.i18n import use_locale
from socialhub.ingest import import_file
from socialhub.records.quarantine import display_reason
from socialhub.store.base import Store
from web.french import english_in

from .helpers import read_all

BROKEN = ("broken.csv", "records.jsonl", "twarc2_flat.jsonl", "x_v2_pages.jsonl")


def test_every_fixture_reason_has_a_code_and_reads_french() -> None:
    codes = set()
    for name in BROKEN:
        _mentions, quarantined, _f = read_all(name)
        assert quarantined, name
        for item in quarantined:
            assert item.reason_code, (name, item.reason)
            codes.add(item.reason_code)
            with use_locale("en"):
                assert display_reason(item.reason, item.reason_code, item.reason_params) == (
                    item.reason
                )
            with use_locale("fr"):
                shown = display_reason(item.reason, item.reason_code, item.reason_params)
            # "Too Many Requests" is the X API's own words, shown as it came
            assert english_in([shown.replace("Too Many Requests", "")], fragments=True) == []
            assert shown != item.reason
    expected = {"csv_field_count", "csv_stray_cr", "missing_text", "missing_field",
                "unreadable_date", "invalid_json", "not_an_object", "x_error_page"}  # fmt: skip
    assert expected <= codes


def test_an_import_stores_codes_and_counts_categories_as_before(
    sqlite_store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "ok", "created_at": "2026-03-01T10:00:00Z", "id": "1"}\n'
        '{"text": "", "created_at": "2026-03-01T10:00:00Z"}\n'
        '{"text": "sans date"}\n'
        "[1, 2]\n"
        '{"text": "cassé"\n',
        encoding="utf-8",
    )
    report = import_file(bad, sqlite_store)
    assert report.quarantine_reasons == {
        "missing text": 1,
        "missing created_at": 1,
        "unsupported record": 1,
        "invalid JSON": 1,
    }
    rows = sorted(sqlite_store.sources.list_quarantine(), key=lambda i: i.location)
    assert [(i.location, i.reason_code) for i in rows] == [
        ("line 2", "missing_text"),
        ("line 3", "missing_field"),
        ("line 4", "not_an_object"),
        ("line 5", "invalid_json"),
    ]
    with use_locale("fr"):
        shown = [display_reason(i.reason, i.reason_code, i.reason_params) for i in rows]
    assert shown[:3] == [
        "texte manquant : le texte est vide",
        "created_at manquant : aucune valeur pour created_at",
        "enregistrement non pris en charge : objet JSON attendu, reçu list",
    ]
    assert shown[3].startswith("JSON invalide : fin de données inattendue (ligne 1, colonne ")
    assert rows[3].reason.startswith("invalid JSON: unexpected end of data: line 1 column ")
