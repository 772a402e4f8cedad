"""The pure hash-chain rules: canonical form, links, and what verify() catches."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from socialhub.records.chain import (
    ChainEntry,
    canonical,
    genesis_hash,
    make_entry,
    verify,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _chain(n: int, name: str = "audit") -> list[ChainEntry]:
    out: list[ChainEntry] = []
    prev = genesis_hash(name)
    for i in range(n):
        entry = make_entry(
            name,
            i + 1,
            prev,
            T0 + timedelta(minutes=i),
            "alice",
            "act",
            f"s{i}",
            {"i": i, "é": "ü"},
        )
        out.append(dataclasses.replace(entry, id=100 + i))
        prev = entry.entry_hash
    return out


def test_hash_is_sha256_of_prev_hash_then_canonical_json() -> None:
    entry = _chain(1)[0]
    body = json.dumps(entry.body(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(genesis_hash("audit").encode() + body.encode()).hexdigest()
    assert entry.entry_hash == expected
    assert canonical(entry) == body.encode()
    assert entry.body()["at"] == "2026-12-06T09:00:00.000Z"


def test_time_is_utc_to_the_millisecond_and_naive_times_are_refused() -> None:
    paris = timezone(timedelta(hours=1))
    entry = make_entry(
        "a",
        1,
        genesis_hash("a"),
        datetime(2026, 12, 6, 10, 0, 0, 999_999, tzinfo=paris),
        "u",
        "x",
        "",
    )
    assert entry.body()["at"] == "2026-12-06T09:00:00.999Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        make_entry("a", 1, genesis_hash("a"), datetime(2026, 12, 6), "u", "x", "")
    with pytest.raises(ValueError):
        make_entry("a", 1, genesis_hash("a"), T0, "u", "x", "", {"v": float("nan")})


def test_intact_chain_verifies() -> None:
    entries = _chain(4)
    assert verify(entries) is None
    assert verify(entries, expect_head=entries[-1].entry_hash) is None


@pytest.mark.parametrize(
    ("change", "seq", "reason"),
    [
        (lambda es: es.__setitem__(1, dataclasses.replace(es[1], subject="forged")), 2, "content"),
        (lambda es: es.pop(1), 3, "missing"),
        (
            lambda es: es.__setitem__(0, dataclasses.replace(es[0], seq=1, prev_hash="f" * 64)),
            1,
            "previous-hash",
        ),
        (lambda es: es.reverse(), 4, "missing"),
    ],
)
def test_first_bad_entry_is_named(change: object, seq: int, reason: str) -> None:
    entries = _chain(4)
    change(entries)  # type: ignore[operator]
    broken = verify(entries)
    assert broken is not None
    assert broken.seq == seq and reason in broken.reason
    assert broken.id == next(e.id for e in entries if e.seq == seq)
    assert f"entry #{seq} (row id {broken.id})" in broken.describe()


def test_entry_cannot_be_moved_to_another_chain() -> None:
    moved = [dataclasses.replace(e, chain="custody:c1") for e in _chain(2)]
    broken = verify(moved)
    assert broken is not None and broken.seq == 1


def test_removed_tail_is_caught_only_against_a_known_head() -> None:
    entries = _chain(3)
    assert verify(entries[:2]) is None
    broken = verify(entries[:2], expect_head=entries[-1].entry_hash)
    assert broken is not None and "expected head" in broken.reason


def test_interleaved_chains_verify_separately() -> None:
    a, b = _chain(3, "audit"), _chain(2, "custody:x")
    assert verify([a[0], b[0], a[1], b[1], a[2]]) is None
