"""Quarantine rows keep their reason's code and parameters (migration 0022), on both
stores; a row written before the migration (no code) reads back as its text alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.i18n import use_locale
from socialhub.models import QuarantineItem
from socialhub.records.quarantine import Reason, display_reason
from socialhub.store.base import Store

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_reason_keeps_its_code_and_parameters(store: Store) -> None:
    why = Reason("unreadable_date", field="created_at", value="'32/13/2024 25:00'")
    big = Reason("record_too_large", limit=64, size=70_000_000, kept=65_536).read_as("cp1252")
    store.sources.quarantine(
        [QuarantineItem("import:csv:a.csv", why, "x;y", "line 3", T0),
         QuarantineItem("import:jsonl:b.jsonl", big, "{", "line 9", T0 + timedelta(1))]
    )  # fmt: skip
    newest, oldest = store.sources.list_quarantine()
    assert oldest.reason == "unparseable created_at: cannot read '32/13/2024 25:00' as a date"
    assert oldest.reason_code == "unreadable_date"
    assert oldest.reason_params == {"field": "created_at", "value": "'32/13/2024 25:00'"}
    assert newest.reason_params == {"limit": 64, "size": 70_000_000, "kept": 65_536,
                                    "read_as": "cp1252"}  # fmt: skip
    assert newest.reason == big  # the English text, as before
    with use_locale("fr"):
        shown = [display_reason(i.reason, i.reason_code, i.reason_params) for i in (newest, oldest)]
    assert shown[1] == (
        "created_at illisible : impossible de lire '32/13/2024 25:00' comme une date"
    )
    assert shown[0].startswith("enregistrement de plus de 64 Mio : 70\u202f000\u202f000 octets")
    assert shown[0].endswith("(ligne lue en cp1252, pas en UTF-8)")


def test_a_row_stored_before_codes_reads_as_stored(store: Store) -> None:
    # written as the code before migration 0022 did: no reason_code, no reason_params
    db = store.db  # type: ignore[attr-defined]
    with db._tx() as cur:
        cur.execute(
            db._sql(
                "INSERT INTO quarantine (source, location, reason, raw, created_at) "
                "VALUES (?, ?, ?, ?, ?)"
            ),
            ("import:jsonl:old.jsonl", "line 1", "missing field 'text'", "{}", db._ts(T0)),
        )
    store.sources.quarantine([QuarantineItem("rss.lemonde", "no date", "<item/>")])  # no code
    rows = {i.source: i for i in store.sources.list_quarantine()}
    old = rows["import:jsonl:old.jsonl"]
    assert (old.reason, old.reason_code, old.reason_params) == ("missing field 'text'", "", {})
    plain = rows["rss.lemonde"]
    assert (plain.reason_code, plain.reason_params) == ("", {})
    with use_locale("fr"):
        assert display_reason(old.reason, old.reason_code, old.reason_params) == (
            "missing field 'text'"
        )
