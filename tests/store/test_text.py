"""Hostile text: both back ends store the same thing.

Decision: PostgreSQL rejects NUL in text and jsonb, SQLite accepts it. Both stores
remove NUL from text fields and JSON values and turn it into U+FFFD in raw payloads
(the evidence keeps a mark); lone surrogates become U+FFFD. Nothing is quarantined for
it: the mention is still worth keeping.
"""

from __future__ import annotations

from socialhub.models import Author, QuarantineItem
from socialhub.store.base import Store

from .helpers import mention

HOSTILE = [
    'l\'« Élysée » a dit "non" ; DROP TABLE mentions; --',
    "back\\slash %s %(x)s ? $1 :name {0}",
    "emoji 🎉👩🏽‍💻 and CJK 漢字 and RTL مرحبا",
    "zero\u200bwidth\ufeffBOM\ttab\nnewline\r\n",
    "'; SELECT pg_sleep(10); --",
]


def test_hostile_text_round_trips_exactly(store: Store) -> None:
    batch = [
        mention(i, text=t, author=Author("x", f"u{i}", handle=t[:20], name=t), raw=t)
        for i, t in enumerate(HOSTILE, start=1)
    ]
    store.mentions.add(batch)
    for original in batch:
        got = store.mentions.get_mention(original.id)
        assert got is not None
        assert got.text == original.text
        assert got.raw == original.raw
        assert got.author == original.author


def test_nul_removed_from_text_marked_in_raw(store: Store) -> None:
    m = mention(
        1,
        text="ab\x00cd",
        author=Author("x", "u1", handle="@nu\x00ll", name="N\x00"),
        raw='{"t": "ab\x00cd"}',
        keyphrases=["a\x00b"],
        entities=[{"text": "x\x00", "k\x00": 1}],
    )
    sha = m.raw_sha256
    store.mentions.add([m])
    got = store.mentions.get_mention("x:1")
    assert got is not None
    assert got.text == "abcd"
    assert got.raw == '{"t": "ab\ufffdcd"}'
    assert got.raw_sha256 == sha  # the capture hash is never recomputed
    assert got.author is not None and (got.author.handle, got.author.name) == ("@null", "N")
    assert got.keyphrases == ["ab"]
    assert got.entities == [{"text": "x", "k": 1}]


def test_lone_surrogates_replaced(store: Store) -> None:
    m = mention(1, text="a\ud800b", keyphrases=["c\udfffd"], raw="r\ud800", raw_sha256="f" * 64)
    store.mentions.add([m])
    got = store.mentions.get_mention("x:1")
    assert got is not None
    assert got.text == "a\ufffdb"
    assert got.keyphrases == ["c\ufffdd"]
    assert got.raw == "r\ufffd"


def test_100_kb_text(store: Store) -> None:
    big = ("Acme Énergie panne électrique à Lyon " * 3000)[:100_000]
    store.mentions.add([mention(1, text=big, raw=big)])
    got = store.mentions.get_mention("x:1")
    assert got is not None and got.text == big and got.raw == big


def test_quarantine_keeps_hostile_raw(store: Store) -> None:
    raw = '{not json\x00 "é" 🎉' + "x" * 100_000
    store.sources.quarantine([QuarantineItem(source="x.stream", reason="bad json: \x00", raw=raw)])
    (item,) = store.sources.list_quarantine()
    assert item.reason == "bad json: "
    assert item.raw == raw.replace("\x00", "\ufffd")


def test_nul_in_native_id_stays_idempotent(store: Store) -> None:
    first = mention(1, native_id="12\x003")
    assert store.mentions.add([first]).inserted == 1
    again = store.mentions.add([mention(1, native_id="12\x003", text="encore")])
    assert (again.inserted, again.updated) == (0, 1)
    assert store.mentions.count() == 1
    got = store.mentions.get_mention("x:12\x003")
    assert got is not None and got.native_id == "123" and got.id == "x:123"
