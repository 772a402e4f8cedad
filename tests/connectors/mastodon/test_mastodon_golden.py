"""Golden files: documented Mastodon statuses -> normalised records (``--regen`` rewrites)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from socialhub.connectors.mastodon.normalize import NormalizeError, from_status, local_uris
from socialhub.models import Mention
from socialhub.serialize import mention_to_dict

from .masto_server import FIXTURES, fixture

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def normalise(statuses: list[Any], via: str) -> tuple[list[Mention], int]:
    known = local_uris(statuses)
    out, rejected = [], 0
    for status in statuses:
        try:
            out.append(
                from_status(
                    status,
                    host="mastodon.example",
                    collected_via=via,
                    collected_at=NOW,
                    known=known,
                )
            )
        except NormalizeError:
            rejected += 1
    return out, rejected


CASES = {
    "expected_tag_timeline.json": lambda: normalise(
        fixture("tag_timeline.json"), "mastodon:mastodon.example:timeline"
    )[0],
    "expected_search.json": lambda: normalise(
        fixture("search_v2.json")["statuses"], "mastodon:mastodon.example:search"
    )[0],
}


def as_json(mentions: list[Mention]) -> Any:
    return orjson.loads(orjson.dumps([mention_to_dict(m, include_raw=False) for m in mentions]))


def test_golden_files_match() -> None:
    for name, build in CASES.items():
        assert as_json(build()) == orjson.loads((FIXTURES / name).read_bytes()), name


def test_timeline_details() -> None:
    (boost, reply, cw_reply), rejected = normalise(fixture("tag_timeline.json"), "t")
    assert rejected == 1  # created_at "not a date"
    claire = "https://mastodon.example/users/claire/statuses/113900000000000101"
    assert boost.kind == "repost" and boost.repost_of == claire
    assert boost.author is not None and boost.author.handle == "bastien@piaille.example"
    # the hidden spans give back the full link; escaped markup stays text
    assert boost.text == (
        "Panne #Volteo depuis ce matin, d'après https://status.volteo.example/incidents/42\n\n"
        "Ligne 2 <script>alert(1)</script>"
    )
    assert boost.media == ["https://files.mastodon.example/media/5001.png"]
    assert reply.kind == "reply" and reply.reply_to == claire  # parent in the same page
    assert reply.text == "@claire pareil à Villeurbanne\nrien depuis 7h #volteo"
    assert reply.author is not None and reply.author.native_id == "marc@mastodon.example"
    assert cw_reply.reply_to == "mastodon.example:113800000000000999"  # parent unknown here
    assert cw_reply.text.startswith("coup de gueule Volteo\n\nTrois jours sans internet & personne")


def test_search_quote() -> None:
    (quote,), _ = normalise(fixture("search_v2.json")["statuses"], "s")
    assert quote.kind == "quote"
    assert quote.quote_of == "https://mastodon.example/users/claire/statuses/113900000000000101"
    assert quote.engagement.quotes == 1 and quote.lang == "en"


if __name__ == "__main__" and "--regen" in sys.argv:
    for name, build in CASES.items():
        (FIXTURES / name).write_bytes(
            orjson.dumps(as_json(build()), option=orjson.OPT_INDENT_2) + b"\n"
        )
        print("wrote", FIXTURES / name)
