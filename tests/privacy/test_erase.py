"""Erasing a person on SQLite and PostgreSQL: afterwards no table, index or derived
store holds their handle, name, author ids or texts, except the held post (listed with
its case's reason)."""

from __future__ import annotations

from typing import Any

import pytest

from socialhub.privacy.access import subject_access
from socialhub.privacy.erase import erase_author
from socialhub.reports.pdf import html_to_pdf
from socialhub.store.base import Store
from socialhub.store.legal import LegalRepo
from socialhub.store.privacy import Subject
from socialhub.store.traces import find_traces, fts_terms, text_columns

from .helpers import HANDLE, HELD_TEXT, NAME, OTHER_TEXT, TEXTS, fill, needles, rollups_exact


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return html_to_pdf("<p>Corinne Vasseur</p>")


def _held_row(table: str, row: dict[str, Any], held_id: str, held_seq: int) -> bool:
    """A row that exists because of the held post (or its kept profile)."""
    flat = " ".join(str(v) for v in row.values())
    if held_id in flat:
        return True
    if table in ("mention_workspaces", "mention_queries"):
        return int(row["mention_seq"]) == held_seq
    if table == "rollup_author_days":  # the held post's count in its author's day
        return row["author_id"] == "x:u1" and int(row["n"]) == 1
    if table == "rollup_author_weeks":  # the same, in its block of 7 days (0021)
        return row["author_id"] == "x:u1" and sum(int(row[f"n{i}"]) for i in range(7)) == 1
    return table == "authors" and row["id"] == "x:u1"


def test_every_table_is_searched(store: Store) -> None:
    tables = {c.table for c in text_columns(store)}
    # The schema is read, not listed: the tables of every feature are in.
    assert {
        "mentions",
        "authors",
        "alerts",
        "reports",
        "quarantine",
        "legal_case_items",
        "notifications",
        "dead_letters",
    } <= tables


def test_erase_leaves_nothing_but_held_items(store: Store, pdf: bytes) -> None:
    filled = fill(store, pdf)
    held_seq = int(store.db._rows("SELECT seq FROM mentions WHERE id = ?", ["x:5"])[0][0])  # type: ignore[attr-defined]
    before = find_traces(store, needles())  # type: ignore[arg-type]
    assert {t.table for t in before} >= {
        "mentions",
        "authors",
        "alerts",
        "notifications",
        "quarantine",
        "reports",
        "watchlist_members",
        "legal_case_items",
    }
    # The full-text index holds the words before (tsvector column, or FTS5 vocabulary).
    indexed = [t for t in before if t.column == "search" and t.needle == "zorglubesque"]
    assert indexed or fts_terms(store, ["zorglubesque"]) == {"zorglubesque": 2}  # type: ignore[arg-type]

    report = erase_author(store, Subject(f"@{HANDLE}"), by="dpo")

    assert report.mentions == 4
    assert [(h.item_id, h.reason, h.case_id) for h in report.held] == [
        ("x:5", "defamation", filled.held_case)
    ]
    after = find_traces(store, needles())  # type: ignore[arg-type]
    stray = [
        (t.table, t.column, t.needle)
        for t in after
        if not _held_row(t.table, t.row, "x:5", held_seq)
    ]
    assert stray == []
    # Texts of erased posts are nowhere at all, not even next to the held one.
    assert find_traces(store, TEXTS) == []  # type: ignore[arg-type]
    assert fts_terms(store, ["zorglubesque", "escrocs", "bluesky"]) == {}  # type: ignore[arg-type]

    # The held post is whole; the other author's post too; counts stay exact.
    held = store.mentions.get_mention("x:5")
    assert held is not None and held.text == HELD_TEXT and held.author is not None
    assert store.mentions.get_mention("x:6") is not None
    assert store.mentions.count("acme", workspace_id=filled.workspace_id) == 2
    assert store.mentions.count("voleur") == 1 and store.mentions.count("zorglubesque") == 0
    rollups_exact(store)
    alert = store.alerts.get_alert(filled.alert_id)
    assert alert is not None and alert.evidence == ["x:6"]
    assert NAME not in str(alert.provenance) and HANDLE not in alert.title
    archived = store.reports.get_report(filled.report_id)
    assert archived is not None and OTHER_TEXT in archived.html and NAME not in archived.html
    assert archived.pdf is not None and archived.pdf != filled.old_pdf
    assert report.reports_rebuilt == [filled.report_id]
    assert store.sources.count_quarantine() == 0
    # The exemption is recorded with its reason.
    events = LegalRepo(store).hold_events(filled.held_case)
    assert [(i, a) for i, a, _, _ in events] == [("x:5", "erasure")]
    assert "defamation" in events[0][2]


def test_erase_without_hold_removes_the_profile_too(store: Store, pdf: bytes) -> None:
    filled = fill(store, pdf)
    legal = LegalRepo(store)
    case = legal.get_case(filled.held_case)
    assert case is not None
    case.status = "closed"
    legal.update_case(case)
    report = erase_author(store, Subject(HANDLE, platform=None), by="dpo")
    assert report.held == [] and report.mentions == 5 and report.authors == 2
    assert find_traces(store, [*needles(), HELD_TEXT]) == []  # type: ignore[arg-type]
    rollups_exact(store)


def test_erase_on_one_platform_keeps_the_other(store: Store, pdf: bytes) -> None:
    fill(store, pdf)
    report = erase_author(store, Subject(HANDLE, platform="bluesky"), by="dpo")
    assert report.mentions == 1
    assert (
        store.mentions.get_mention("bluesky:4") is None
        and store.mentions.get_mention("x:1") is not None
    )


def test_subject_access_export(store: Store, pdf: bytes) -> None:
    fill(store, pdf)
    export = subject_access(store, Subject(HANDLE))
    assert {p["id"] for p in export["profiles"]} == {"x:u1", "bluesky:did:plc:cv"}
    ids = {m["id"]: m for m in export["mentions"]}
    assert set(ids) == {"x:1", "x:2", "x:3", "bluesky:4", "x:5"}
    assert ids["x:5"]["legal_hold"]["reason"] == "defamation"
    assert ids["x:1"]["raw"] and ids["x:1"]["legal_hold"] is None
    assert export["watchlists"][0]["watchlist"] == "militants"
    assert {"alerts", "notifications", "quarantine", "reports"} <= set(export["other_records"])
    import orjson

    orjson.dumps(export)  # plain JSON all through
