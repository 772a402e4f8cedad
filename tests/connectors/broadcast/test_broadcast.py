"""BroadcastConnector: caption formats, segments, metadata, stable files, no duplicates."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from socialhub.connectors.base import MalformedPayload, Page, Target
from socialhub.connectors.broadcast import BroadcastConnector
from socialhub.connectors.broadcast.captions import parse_srt, parse_ttml, parse_vtt

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/broadcast/fixtures"
NOW = datetime(2026, 1, 30, 23, 0, tzinfo=UTC)
SRT = "radio-fictive__la-matinale__20260130T0700+0100__radio.srt"


def fetch(conn: BroadcastConnector, folder: Path, cursor: Any = None) -> Page:
    page = asyncio.run(conn.fetch(Target("folder", str(folder), "fictitel"), cursor))
    page.cursor = orjson.loads(orjson.dumps(page.cursor))
    return page


def age(path: Path, seconds: float = 60) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for item in FIXTURES.iterdir():
        if item.is_file() and item.suffix != ".md":
            shutil.copy(item, tmp_path / item.name)
            age(tmp_path / item.name)
    return tmp_path


def test_golden_all_formats(folder: Path) -> None:
    page = fetch(BroadcastConnector(clock=lambda: NOW), folder)
    assert page.done and not page.rejected
    got = []
    for m in sorted(page.mentions, key=lambda m: (m.raw["file"], m.raw["start"])):
        d = orjson.loads(orjson.dumps(m.to_dict()))
        d["url"] = d["url"].replace(folder.resolve().as_uri(), "file://FIXTURES")
        got.append(d)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for d in got:
        by_file.setdefault(d["raw"]["file"], []).append(d)
    vtt = by_file["journal-20h.vtt"]
    # cues joined up to a sentence end; a 20 s silence starts a new segment
    assert [d["text"] for d in vtt] == [
        "Bonsoir à tous. Une panne géante a privé des milliers d'abonnés Fictitel de fibre "
        "ce matin à Lyon.",
        "L'opérateur promet un geste commercial & des excuses.",
        "Place Bellecour, les clients témoignent.",
    ]
    assert vtt[0]["created_at"] == "2026-01-30T19:00:01+00:00"  # air start + cue start
    assert vtt[0]["platform"] == "tv" and vtt[0]["kind"] == "transcript"
    assert vtt[0]["url"] == "file://FIXTURES/journal-20h.vtt#t=1.000,12.500"
    assert vtt[0]["raw"]["speakers"] == ["Présentatrice"] and vtt[0]["place"] == "Lyon"
    srt = by_file[SRT]
    assert srt[0]["platform"] == "radio" and srt[0]["author"]["name"] == "radio fictive"
    assert srt[0]["created_at"] == "2026-01-30T06:00:00.500000+00:00"
    ttml = by_file["flash-eco.ttml"]
    assert [(d["raw"]["start"], d["raw"]["end"]) for d in ttml] == [(10.0, 15.98), (70.0, 75.0)]
    assert (
        ttml[0]["text"]
        == "Flash éco : l'action Fictitel recule de 3 %. Les analystes restent prudents."
    )
    path = FIXTURES / "expected" / "transcripts.json"
    if os.environ.get("SOCIALHUB_UPDATE_GOLDEN"):
        path.write_bytes(orjson.dumps(got, option=orjson.OPT_INDENT_2) + b"\n")
    assert got == orjson.loads(path.read_bytes())


def test_rereading_never_duplicates_and_touch_keeps_ids(folder: Path) -> None:
    conn = BroadcastConnector(clock=lambda: NOW)
    first = fetch(conn, folder)
    assert fetch(conn, folder, first.cursor).mentions == []  # processed files skipped
    vtt = folder / "journal-20h.vtt"
    vtt.write_text(vtt.read_text() + "\n")  # rewritten (same cues)
    age(vtt)
    again = fetch(conn, folder, first.cursor)
    before = {m.native_id for m in first.mentions if m.raw["file"] == vtt.name}
    assert {m.native_id for m in again.mentions} == before  # same ids: the store dedups


def test_growing_file_is_not_read_until_stable(tmp_path: Path) -> None:
    path = tmp_path / "canal__direct__20260130T2000Z.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nDébut du direct.\n")
    conn = BroadcastConnector(settle_seconds=5, clock=lambda: NOW)
    page = fetch(conn, tmp_path)
    assert page.mentions == [] and page.cursor == {"files": {}}  # just written: wait
    with path.open("a") as out:
        out.write("\n00:00:04.000 --> 00:00:06.000\nSuite du direct.\n")
    age(path, 10)
    page = fetch(conn, tmp_path, page.cursor)
    assert [m.text for m in page.mentions] == ["Début du direct. Suite du direct."]


def test_malformed_and_unlabelled_files_are_rejected_once(tmp_path: Path) -> None:
    (tmp_path / "a__b__20260130T2000Z.vtt").write_text("not a caption file\n")
    (tmp_path / "no-metadata.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nBonjour\n")
    (tmp_path / "bad__ttml__20260130T2000Z.ttml").write_text("<tt><body><p begin='1s'>x")
    for p in tmp_path.iterdir():
        age(p)
    conn = BroadcastConnector(clock=lambda: NOW)
    page = fetch(conn, tmp_path)
    reasons = sorted(r.reason for r in page.rejected)
    assert len(reasons) == 3 and page.mentions == []
    assert any("WEBVTT header" in r for r in reasons)
    assert any("no sidecar" in r for r in reasons)
    assert any("invalid XML" in r for r in reasons)
    assert fetch(conn, tmp_path, page.cursor).rejected == []  # not rejected again


def test_parsers_reject_bad_timing() -> None:
    with pytest.raises(MalformedPayload, match="ends before"):
        parse_srt("1\n00:00:05,000 --> 00:00:01,000\nx\n")
    with pytest.raises(MalformedPayload, match="no cue"):
        parse_vtt("WEBVTT\n\nNOTE only a note\n")
    with pytest.raises(MalformedPayload, match="time expression"):
        parse_ttml(
            '<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="soon" end="1s">x</p></body></tt>'
        )


def test_ttml_with_entity_declarations_is_refused() -> None:
    """A billion-laughs TTML file is a malformed payload, never expanded."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="0s" end="1s">&b;</p></body></tt>'
    )
    with pytest.raises(MalformedPayload, match="refused XML construct"):
        parse_ttml(bomb)
