"""Golden files: documented Graph API payloads -> the normalised records they must give."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from socialhub.connectors.facebook.normalize import comment_to_mention, post_to_mention

FIXTURES = Path(__file__).parents[3] / "src/socialhub/connectors/facebook/fixtures"
COLLECTED = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)


def load(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def as_records(mentions: list[Any]) -> list[dict[str, Any]]:
    out = []
    for m in mentions:
        record = m.to_dict()
        record.pop("raw")  # the fixture itself; its hash stays in raw_sha256
        out.append(orjson.loads(orjson.dumps(record)))
    return out


def check_golden(name: str, records: list[dict[str, Any]]) -> None:
    path = FIXTURES / "expected" / name
    if os.environ.get("SOCIALHUB_UPDATE_GOLDEN"):
        path.write_bytes(orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n")
    assert records == orjson.loads(path.read_bytes())


def test_posts_golden() -> None:
    items = load("posts_page1.json")["data"] + load("posts_page2.json")["data"][1:2]
    mentions = [
        post_to_mention(
            i, page_id="104857600012345", match_query="fictitel", collected_at=COLLECTED
        )
        for i in items
    ]
    records = as_records(mentions)
    assert records[0]["engagement"] == {
        "likes": 240,
        "reposts": 12,
        "replies": 3,
        "quotes": 0,
        "views": 0,
    }
    assert records[1]["text"] == "Fictitel updated their cover photo."  # story when no message
    check_golden("posts.json", records)


def test_comments_golden() -> None:
    items = load("comments_page1.json")["data"] + load("comments_page2.json")["data"]
    post = "104857600012345_731000000000002"
    mentions = [
        comment_to_mention(i, post_id=post, match_query="", collected_at=COLLECTED) for i in items
    ]
    records = as_records(mentions)
    assert [r["kind"] for r in records] == ["comment"] * 3
    assert records[0]["reply_to"] == "facebook:731000000000002_900000000000001"  # a reply
    assert records[1]["reply_to"] == f"facebook:{post}"  # top level: replies to the post
    assert {r["root_id"] for r in records} == {f"facebook:{post}"}
    assert records[1]["author"] is None  # commenter hidden without a page token
    check_golden("comments.json", records)
