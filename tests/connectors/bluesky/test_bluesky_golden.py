"""Golden files: documented Bluesky payloads -> the normalised records they must give.

Run this file with ``--regen`` to rewrite the expected files (then review the diff).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from socialhub.connectors.bluesky.normalize import (
    NormalizeError,
    from_feed_item,
    from_jetstream,
    from_post_view,
)
from socialhub.models import Mention
from socialhub.serialize import mention_to_dict

from .bsky_server import FIXTURES, fixture

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def as_json(mentions: list[Mention]) -> Any:
    return orjson.loads(orjson.dumps([mention_to_dict(m, include_raw=False) for m in mentions]))


def search_mentions() -> tuple[list[Mention], int]:
    out, rejected = [], 0
    for post in fixture("search_posts.json")["posts"]:
        try:
            out.append(
                from_post_view(
                    post,
                    collected_via="bluesky:searchPosts",
                    match_query="voltéo",
                    collected_at=NOW,
                )
            )
        except NormalizeError:
            rejected += 1
    return out, rejected


def feed_mentions() -> list[Mention]:
    return [
        from_feed_item(item, collected_via="bluesky:getAuthorFeed", collected_at=NOW)
        for item in fixture("author_feed.json")["feed"]
    ]


def jetstream_mentions() -> list[Mention]:
    lines = (FIXTURES / "jetstream_events.jsonl").read_text().splitlines()
    found = [from_jetstream(orjson.loads(line), collected_at=NOW) for line in lines]
    return [m for m in found if m is not None]


CASES = {
    "expected_search.json": lambda: search_mentions()[0],
    "expected_feed.json": feed_mentions,
    "expected_jetstream.json": jetstream_mentions,
}


def test_golden_files_match() -> None:
    for name, build in CASES.items():
        expected = orjson.loads((FIXTURES / name).read_bytes())
        assert as_json(build()) == expected, name


def test_search_golden_details() -> None:
    mentions, rejected = search_mentions()
    assert rejected == 1  # the post view without a record
    reply, quote, post = mentions
    assert reply.kind == "reply"
    original = "at://did:plc:orig1fictif000000000000/app.bsky.feed.post/3lboriginal01"
    assert reply.reply_to == original and reply.root_id == original
    assert reply.url == "https://bsky.app/profile/leo-martin.example.social/post/3lbreply0002a"
    assert quote.kind == "quote" and quote.quote_of == original
    assert quote.media == [
        "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:quote3fictif00000000000/bafkreiimage@jpeg"
    ]
    assert post.kind == "post" and post.lang == "fr" and post.engagement.reposts == 7
    assert post.native_id == original and post.author is not None
    assert post.author.handle == "nadia-roux.example.social"
    assert all(
        m.collected_via == "bluesky:searchPosts" and m.match_query == "voltéo" for m in mentions
    )
    assert all(m.raw is not None and len(m.raw_sha256) == 64 for m in mentions)


def test_feed_repost_points_to_the_original() -> None:
    repost, own = feed_mentions()
    assert repost.kind == "repost"
    assert (
        repost.native_id
        == "at://did:plc:watch5fictif00000000000/app.bsky.feed.repost/3lbrepost0005"
    )
    assert repost.repost_of.endswith("/3lboriginal01")  # type: ignore[union-attr]
    assert repost.author is not None and repost.author.handle == "ines-journaliste.example.com"
    assert repost.created_at == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert own.kind == "post" and own.lang == "fr"


def test_jetstream_keeps_only_created_posts() -> None:
    mentions = jetstream_mentions()
    assert [m.native_id.rsplit("/", 1)[1] for m in mentions] == [
        "3lbjet000001",
        "3lbjet000002",
        "3lbjet000005",
        "3lbjet000006",
    ]
    reply = mentions[2]
    assert reply.kind == "reply" and reply.reply_to == mentions[0].native_id
    assert reply.url == "https://bsky.app/profile/did:plc:jet5fictif0000000000000/post/3lbjet000005"


if __name__ == "__main__" and "--regen" in sys.argv:
    for name, build in CASES.items():
        (FIXTURES / name).write_bytes(
            orjson.dumps(as_json(build()), option=orjson.OPT_INDENT_2) + b"\n"
        )
        print("wrote", FIXTURES / name)
