"""Large records: a JSONL record up to 64 MiB imports whole; a larger one is quarantined
whole (one row, "record larger than 64 MiB"), never cut into "invalid JSON" fragments;
a huge non-JSON first line does not make detection choose CSV. Files are generated in
tmp_path (nothing big in the repository)."""

from __future__ import annotations

import codecs
from pathlib import Path

import orjson
import pytest

from socialhub.ingest import ImportFile, import_file
from socialhub.ingest.detect import detect_format
from socialhub.ingest.reader import MAX_RECORD_BYTES, OVERSIZE_HEAD_BYTES
from socialhub.models import QuarantineItem
from socialhub.store.sqlite import SqliteStore

MB = 1024 * 1024


def _record(n: int, **extra: object) -> bytes:
    return orjson.dumps(
        {
            "id": str(n),
            "platform": "forum",
            "text": f"mirabelle message {n}",
            "created_at": "2026-03-01T10:00:00Z",
            "author": f"user{n}",
            **extra,
        }
    )


def _write(path: Path, *lines: bytes) -> Path:
    with path.open("wb") as f:
        for line in lines:
            f.write(line + b"\n")
    return path


@pytest.mark.slow
def test_a_50_mb_record_imports_whole(tmp_path: Path, sqlite_store: SqliteStore) -> None:
    big = _record(2, attachment="x" * (50 * MB))
    assert MB * 50 < len(big) < MAX_RECORD_BYTES
    path = _write(tmp_path / "big.jsonl", _record(1), big, _record(3))
    assert detect_format(path) == "jsonl"
    report = import_file(path, sqlite_store)
    assert (report.read, report.inserted, report.quarantined) == (3, 3, 0)
    assert sqlite_store.sources.count_quarantine() == 0
    stored = sqlite_store.mentions.get_mention("forum:2")
    assert stored is not None
    raw = stored.raw if isinstance(stored.raw, dict) else orjson.loads(stored.raw)
    assert len(raw["attachment"]) == 50 * MB


@pytest.mark.slow
def test_a_record_over_64_mib_is_quarantined_whole(
    tmp_path: Path, sqlite_store: SqliteStore
) -> None:
    huge = _record(2, attachment="y" * (MAX_RECORD_BYTES + MB))
    path = _write(tmp_path / "huge.jsonl", _record(1), huge, _record(3))
    report = import_file(path, sqlite_store)
    assert (report.read, report.inserted, report.quarantined) == (3, 2, 1)
    assert report.read == report.accounted()
    assert report.bytes_read == path.stat().st_size
    [item] = sqlite_store.sources.list_quarantine()  # one row: not fragments
    assert item.reason.startswith("record larger than 64 MiB")
    assert f"{len(huge) + 1:,} bytes" in item.reason
    assert item.location == "line 2"
    assert item.raw.startswith('{"id":"2"') and len(item.raw) <= OVERSIZE_HEAD_BYTES
    found = sqlite_store.mentions
    assert found.get_mention("forum:1") and found.get_mention("forum:3")


@pytest.mark.slow
def test_a_huge_non_json_first_line_does_not_make_it_csv(
    tmp_path: Path, sqlite_store: SqliteStore
) -> None:
    junk = b"not json at all, " * (50 * MB // 17)
    path = _write(tmp_path / "junk-first.jsonl", junk, _record(1), _record(2))
    assert detect_format(path) == "jsonl"
    report = import_file(path, sqlite_store)
    assert (report.format, report.inserted, report.quarantined) == ("jsonl", 2, 1)
    [item] = sqlite_store.sources.list_quarantine()
    assert item.location == "line 1" and item.reason.startswith("invalid JSON")


# The same rules at a small limit, so every layout is covered in milliseconds.


def _items(path: Path, limit: int, fmt: str | None = None) -> list[object]:
    with ImportFile(path, fmt=fmt, max_record_bytes=limit) as source:
        return list(source)


def test_oversize_line_in_csv_is_one_quarantine_row(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,date,text\n1,2026-03-01,court\n2,2026-03-01," + "z" * 5000 + "\n3,2026-03-01,fin\n"
    )
    items = _items(path, 1000)
    quarantined = [i for i in items if isinstance(i, QuarantineItem)]
    assert len(items) == 3 and len(quarantined) == 1
    assert quarantined[0].reason.startswith("record larger than 1,000 bytes")
    assert quarantined[0].location == "line 3"


def test_oversize_first_line_then_jsonl(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", _record(1, pad="p" * 3000), _record(2), _record(3))
    items = _items(path, 1000)
    assert [type(i).__name__ for i in items] == ["QuarantineItem", "Mention", "Mention"]


def test_broken_one_line_first_record_does_not_swallow_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "b.jsonl", b'{"id": "1", "text": oops}', _record(2), _record(3))
    assert detect_format(path) == "jsonl"
    items = _items(path, MAX_RECORD_BYTES)
    assert [type(i).__name__ for i in items] == ["QuarantineItem", "Mention", "Mention"]


def test_pretty_printed_array_is_still_a_document(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.json", b"[", _record(1) + b",", _record(2), b"]")
    with ImportFile(path) as source:
        assert source.layout == "document"
        assert sum(1 for _ in source) == 2


def test_oversize_utf16_line(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    text = "id\tdate\ttext\r\n1\t2026-03-01\tcourt\r\n2\t2026-03-01\t" + "w" * 3000 + "\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    items = _items(path, 1000)
    assert sorted(type(i).__name__ for i in items) == ["Mention", "QuarantineItem"]
