"""SQLite packs raw payloads and their hashes; every form reads back as captured."""

from __future__ import annotations

import hashlib
import random
import sqlite3

import orjson
import pytest

from socialhub.models import Author
from socialhub.store.convert import raw_text
from socialhub.store.legal import LegalRepo
from socialhub.store.packing import (
    DEFLATED,
    JSON_TEXT,
    PLAIN_TEXT,
    pack_raw,
    pack_sha256,
    sha256_text,
    unpack_raw,
)
from socialhub.store.privacy import PrivacyRepo, Subject
from socialhub.store.sqlite import SqliteStore

from .helpers import full_mention, mention

PIECES = ['Acme "Énergie"', "panne\n", "\\", "🎉", "l'été", "\t", "<b>", "é", "x", " ", "\u2028"]


def _texts(rng: random.Random) -> list[str]:
    return ["".join(rng.choices(PIECES, k=rng.randint(0, 30))) for _ in range(300)]


def test_pack_round_trip_every_form() -> None:
    rng = random.Random(3)
    kinds: set[int] = set()
    for text in _texts(rng):
        payloads = [
            raw_text({"id": 1, "text": text, "user": {"name": "Jeanne"}}),
            raw_text({"text": text, "quoted": {"text": text}, "pad": "z" * rng.randint(0, 400)}),
            f"<item><title>{text}</title></item>",  # the text as is
            raw_text({"other": "nothing in common"}),
            text,
        ]
        for raw in payloads:
            packed = pack_raw(raw, text)
            assert unpack_raw(packed, text) == raw, (raw, text)
            if isinstance(packed, bytes):
                kinds.add(packed[0])
                assert len(packed) < len(raw.encode())  # packing only when it pays
    assert {JSON_TEXT, PLAIN_TEXT, JSON_TEXT | DEFLATED, DEFLATED} <= kinds
    assert pack_raw(None, "abc") is None and unpack_raw(None, "abc") is None


def test_pack_sha256() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    assert pack_sha256(digest) == bytes.fromhex(digest)
    assert sha256_text(pack_sha256(digest)) == digest
    for kept in ("", "ABC", digest.upper(), digest[:-1]):
        assert pack_sha256(kept) == kept and sha256_text(kept) == kept


def test_sqlite_reads_packed_and_old_rows_alike(sqlite_store: SqliteStore) -> None:
    text = "Acme Énergie: encore une panne à #Lyon @AcmeSupport"
    new = full_mention(1, raw={"id": "1", "text": text, "lang": "fr"})
    old = full_mention(2, raw={"id": "2", "text": text, "lang": "fr"})
    sqlite_store.mentions.add([new, old])
    conn = sqlite3.connect(sqlite_store.path)
    try:
        # mention 2 as a database written before packing stored it
        conn.execute(
            "UPDATE mentions SET raw = ?, raw_sha256 = ? WHERE id = 'x:2'",
            (raw_text(old.raw), old.raw_sha256),
        )
        conn.commit()
        kinds = dict(conn.execute("SELECT id, typeof(raw) || typeof(raw_sha256) FROM mentions"))
    finally:
        conn.close()
    assert kinds == {"x:1": "blobblob", "x:2": "texttext"}
    legal = LegalRepo(sqlite_store)
    for m in (new, old):
        stored = sqlite_store.mentions.get_mention(m.id)
        assert stored is not None
        assert stored.raw == raw_text(m.raw) and stored.raw_sha256 == m.raw_sha256
        raw, sha, _ = legal.stored_payload(m.id)
        assert raw == raw_text(m.raw)  # the evidence, byte for byte
        canonical = orjson.dumps(orjson.loads(raw or ""), option=orjson.OPT_SORT_KEYS)
        assert hashlib.sha256(canonical).hexdigest() == sha
    assert sqlite_store.imports.raw_hashes(["x:1", "x:2"]) == {
        "x:1": new.raw_sha256,
        "x:2": old.raw_sha256,
    }
    found = PrivacyRepo(sqlite_store).find_subject(Subject("@Jeanne_1"))
    assert [(f["raw"], f["raw_sha256"]) for f in found.mentions] == [
        (raw_text(new.raw), new.raw_sha256)
    ]


@pytest.mark.parametrize("raw", [None, "", b"\xff\xfe bytes", "x" * 1000])
def test_odd_payloads_round_trip(sqlite_store: SqliteStore, raw: object) -> None:
    m = mention(1, text="Un texte assez long pour être remplacé", raw=raw, author=Author("x", "u"))
    sqlite_store.mentions.add([m])
    stored = sqlite_store.mentions.get_mention(m.id)
    assert stored is not None
    assert stored.raw == raw_text(raw) and stored.raw_sha256 == m.raw_sha256
