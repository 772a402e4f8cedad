"""``SeenIds`` (the ids an import has read, 8 bytes each) answers as a set would."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from socialhub.ingest import import_file
from socialhub.ingest import seen as seen_mod
from socialhub.ingest.seen import SeenIds
from socialhub.store.base import Store


def test_seen_ids_answer_as_a_set_across_merges() -> None:
    seen, reference = SeenIds(recent=50), set()
    rnd = random.Random(5)
    for _ in range(20_000):
        item = f"x:{rnd.randrange(6_000)}"
        assert seen.add_new(item) == (item not in reference)
        reference.add(item)
    assert len(seen) == len(reference)
    assert len(seen._old) > 5_000  # merged into the array many times


def test_import_counts_a_far_repeat_as_a_duplicate(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeat read after its id left the small set (merged into the array) is still
    a duplicate: same report, same rows, as with a plain set."""
    monkeypatch.setattr(seen_mod, "_RECENT", 8)
    rows = [{"id": f"r{i}", "text": f"message {i}", "created_at": "2026-01-01T00:00:00Z",
             "platform": "x", "author": f"a{i}"} for i in range(40)]  # fmt: skip
    rows += [rows[3], rows[30], rows[0]]  # repeats, the first ones long merged
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = import_file(path, store, batch_size=5)
    assert (report.read, report.mentions, report.duplicates) == (43, 40, 3)
    assert report.read == report.accounted()
    assert report.inserted == 40
