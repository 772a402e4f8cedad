"""Dead letters keep their reason's code and parameters (migration
0022_deadletters_reason_code), on both stores; a row written before the migration (no
code) reads back as its text alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.i18n import use_locale
from socialhub.records.quarantine import Reason, display_reason
from socialhub.records.sources import DeadLetter
from socialhub.store.base import Store

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_dead_letter_keeps_its_code_and_parameters(store: Store) -> None:
    why = Reason("youtube_bad_published_at", id="dQw4w9WgXcQ")
    big = Reason("broadcast_too_large", file="journal.vtt", limit=20_000_000)
    store.sources.add_dead_letter(DeadLetter("yt", why, "{}", "search", T0))
    store.sources.add_dead_letter(DeadLetter("tv", big, "WEBVTT", "/srv", T0 + timedelta(1)))
    tv, yt = store.sources.list_dead_letters()
    assert yt.reason == "dQw4w9WgXcQ: missing or invalid publishedAt"  # English, as before
    assert (yt.reason_code, yt.reason_params) == ("youtube_bad_published_at",
                                                  {"id": "dQw4w9WgXcQ"})  # fmt: skip
    assert (tv.reason, tv.reason_params) == (
        "journal.vtt: larger than 20000000 bytes",
        {"file": "journal.vtt", "limit": 20_000_000},
    )
    assert store.sources.count_dead_letters() == 2 and store.sources.count_dead_letters("yt") == 1
    with use_locale("fr"):
        shown = [display_reason(d.reason, d.reason_code, d.reason_params) for d in (tv, yt)]
    assert shown == [
        "journal.vtt : plus de 20000000 octets",
        "dQw4w9WgXcQ : publishedAt manquant ou invalide",
    ]


def test_hostile_parameters_are_stored_cleanly(store: Store) -> None:
    why = Reason("item_refused", error="bad\x00byte " + "x" * 5000)
    store.sources.add_dead_letter(DeadLetter("rss", why, "raw", "feed"))
    (letter,) = store.sources.list_dead_letters("rss")
    assert letter.reason_code == "item_refused"
    assert (
        letter.reason_params["error"].startswith("badbyte x")
        and len(letter.reason_params["error"]) == 2000
    )


def test_a_row_stored_before_codes_reads_as_stored(store: Store) -> None:
    # written as the code before migration 0022 did: no reason_code, no reason_params
    db = store.db  # type: ignore[attr-defined]
    with db._tx() as cur:
        cur.execute(
            db._sql(
                "INSERT INTO dead_letters (source, reason, raw, location, created_at) "
                "VALUES (?, ?, ?, ?, ?)"
            ),
            ("reddit", "deleted: comment t1_a was [removed]", "{}", "t1_a", db._ts(T0)),
        )
    store.sources.add_dead_letter(DeadLetter("rss", "no date", "<item/>"))  # a plain str
    rows = {d.source: d for d in store.sources.list_dead_letters()}
    old = rows["reddit"]
    assert (old.reason, old.reason_code, old.reason_params) == (
        "deleted: comment t1_a was [removed]",
        "",
        {},
    )
    assert (rows["rss"].reason_code, rows["rss"].reason_params) == ("", {})
    with use_locale("fr"):
        assert display_reason(old.reason, old.reason_code, old.reason_params) == old.reason
