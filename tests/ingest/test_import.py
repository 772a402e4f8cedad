"""import_file against real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialhub.ingest import ImportFormatError, import_file
from socialhub.models import Mention
from socialhub.store.base import Store

from .helpers import FIXTURES, T1, T3, T5

# fixture -> (format, read, unique mentions, duplicates in file, quarantined)
EXPECTED = {
    "x_v2_page.json": ("x-v2", 5, 5, 0, 0),
    "x_v2_pages.jsonl": ("x-v2", 11, 7, 1, 3),
    "twarc2_pages.jsonl": ("twarc2", 9, 7, 1, 1),
    "twarc2_flat.jsonl": ("twarc2", 9, 7, 1, 1),
    "records.jsonl": ("jsonl", 9, 3, 1, 5),
    "mentions_utf8.csv": ("csv", 5, 5, 0, 0),
    "mentions_cp1252.csv": ("csv", 3, 3, 0, 0),
    "broken.csv": ("csv", 14, 4, 1, 9),
    "mapped.csv": ("csv", 2, 2, 0, 0),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_import_each_fixture_then_reimport_inserts_nothing(store: Store, name: str) -> None:
    fmt, read, unique, dups, quarantined = EXPECTED[name]
    mapping = (
        {"author": "user", "platform": "network", "id": "post"} if name == "mapped.csv" else None
    )
    report = import_file(FIXTURES / name, store, mapping=mapping, batch_size=3)
    assert (report.format, report.read, report.mentions) == (fmt, read, unique)
    assert (report.duplicates, report.quarantined) == (dups, quarantined)
    assert report.inserted == unique and report.updated == 0
    assert report.read == report.accounted()  # nothing lost
    assert sum(report.quarantine_reasons.values()) == quarantined
    assert report.bytes_read == report.total_bytes == (FIXTURES / name).stat().st_size
    assert store.mentions.count() == unique
    assert store.sources.count_quarantine(source=report.source) == quarantined

    again = import_file(FIXTURES / name, store, mapping=mapping)
    assert again.inserted == again.updated == 0
    assert again.unchanged == unique  # same raw payload: skipped, not "updated"
    assert store.mentions.count() == unique
    assert again.read == again.accounted()
    assert store.sources.count_quarantine(source=report.source) == quarantined  # not twice


def test_imported_x_mentions_read_back_whole(store: Store) -> None:
    import_file(FIXTURES / "twarc2_pages.jsonl", store)
    post = store.mentions.get_mention(f"x:{T1}")
    assert post is not None
    assert post.author is not None and post.author.handle == "hmarchetti"
    assert post.place == "Lyon, France" and post.engagement.views == 18230
    assert post.collected_via == "import:twarc2"
    assert post.raw_sha256 and post.raw is not None
    repost = store.mentions.get_mention(f"x:{T3}")
    assert repost is not None and repost.repost_of == f"x:{T1}"
    assert store.mentions.search("mirabelle AND lyon") != []


def test_quarantine_rows_are_stored_with_reason_and_raw(store: Store) -> None:
    report = import_file(FIXTURES / "broken.csv", store)
    items = store.sources.list_quarantine(limit=50, source="import:csv:broken.csv")
    assert len(items) == report.quarantined == 9
    by_location = {q.location: q for q in items}
    assert by_location["line 3"].raw == "2,2024-03-06T10:02:00Z,user2"
    assert by_location["line 7"].reason.startswith("unparseable created_at")
    assert report.quarantine_reasons == {
        "wrong field count": 5,  # too few, too many, unbalanced quote, 2 junk lines
        "missing text": 1,
        "missing created_at": 1,
        "unparseable created_at": 1,
        "broken row": 1,  # junk with a bare carriage return
    }
    assert any("cp1252" in note for note in report.notes)


def test_progress_and_transform(sqlite_store: Store) -> None:
    calls: list[tuple[int, int, int]] = []
    seen_batches: list[int] = []

    def drop_english(batch: list[Mention]) -> list[Mention]:
        seen_batches.append(len(batch))
        for m in batch:
            m.keyphrases = ["panne"]
        return [m for m in batch if m.lang != "en"]

    report = import_file(
        FIXTURES / "x_v2_pages.jsonl",
        sqlite_store,
        batch_size=2,
        progress=lambda done, total, n: calls.append((done, total, n)),
        transform=drop_english,
    )
    assert sum(seen_batches) == report.mentions == 7 and max(seen_batches) == 2
    assert report.dropped == 1 and report.inserted == 6
    assert sqlite_store.mentions.get_mention(f"x:{T5}") is None  # dropped by the transform
    kept = sqlite_store.mentions.get_mention(f"x:{T1}")
    assert kept is not None and kept.keyphrases == ["panne"]
    assert report.read == report.accounted()
    assert calls[-1] == (report.total_bytes, report.total_bytes, 7)
    assert [c[2] for c in calls] == sorted(c[2] for c in calls)  # monotonic
    assert len(calls) >= 4


def test_large_file_streams_in_batches(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("id,created_at,author,text\n")
        for i in range(5000):
            f.write(f"{i},2024-03-05T{i % 24:02d}:00:00Z,user{i % 97},Panne Mirabelle n°{i}\n")
        f.write("5000,pas une date,user,texte\n")
    batches: list[int] = []
    report = import_file(path, sqlite_store, batch_size=1000, progress=lambda *_: batches.append(1))
    assert (report.inserted, report.quarantined, report.read) == (5000, 1, 5001)
    assert len(batches) == 6  # five full batches + the final flush
    assert sqlite_store.mentions.count() == 5000


def test_unreadable_file_writes_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError):
        import_file(path, sqlite_store)
    assert sqlite_store.mentions.count() == 0 and sqlite_store.sources.count_quarantine() == 0
