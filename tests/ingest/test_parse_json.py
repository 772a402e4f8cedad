"""JSON inputs without a store: flat records, Mention dicts, X API v2 pages, twarc2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from socialhub.ingest import detect_format
from socialhub.ingest.jsonfile import split_json
from socialhub.models import Author, Engagement, Mention

from .helpers import FIXTURES, T1, T2, T3, T4, T5, T6, T7, T8, read_all


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x_v2_page.json", "x-v2"),
        ("x_v2_pages.jsonl", "x-v2"),
        ("twarc2_pages.jsonl", "twarc2"),
        ("twarc2_flat.jsonl", "twarc2"),
        ("records.jsonl", "jsonl"),
        ("mentions_utf8.csv", "csv"),
        ("mentions_cp1252.csv", "csv"),
        ("broken.csv", "csv"),
    ],
)
def test_detect_format_by_content(name: str, fmt: str, tmp_path: Path) -> None:
    assert detect_format(FIXTURES / name) == fmt
    # the name is never used: the same bytes under another name detect the same
    renamed = tmp_path / "export.txt"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect_format(renamed) == fmt


def test_x_v2_page_maps_every_field() -> None:
    mentions, quarantined, f = read_all("x_v2_page.json")
    assert f.format == "x-v2" and f.layout == "document" and not quarantined
    by_id = {m.native_id: m for m in mentions}
    assert list(by_id) == [T5, T4, T3, T2, T1]

    post = by_id[T1]
    assert post.id == f"x:{T1}" and post.kind == "post" and post.platform == "x"
    assert post.url == f"https://x.com/hmarchetti/status/{T1}"
    assert post.created_at == datetime(2024, 3, 5, 7, 12, 45, tzinfo=UTC)
    assert post.root_id == f"x:{T1}" and post.lang == "fr"
    assert post.engagement == Engagement(likes=96, reposts=41, replies=12, quotes=7, views=18230)
    assert (post.place, post.country) == ("Lyon, France", "fr")
    assert post.author == Author(
        platform="x",
        native_id="2893345120",
        handle="hmarchetti",
        name="Hélène Marchetti",
        followers=15320,
        following=980,
        verified=False,
        created_at=datetime(2014, 11, 8, 17, 2, 41, tzinfo=UTC),
        location="Lyon",
        description="Journaliste tech au Quotidien Numérique (fictif). DM ouverts.",
    )
    assert post.collected_via == "import:x-v2"
    # raw: the tweet and the expansions it uses, as captured
    assert post.raw["data"]["id"] == T1
    assert post.raw["includes"]["users"][0]["username"] == "hmarchetti"
    assert post.raw["includes"]["places"][0]["id"] == "0a3e119020705b64"
    assert post.raw_sha256

    reply = by_id[T2]
    assert (reply.kind, reply.reply_to, reply.root_id) == ("reply", f"x:{T1}", f"x:{T1}")
    assert reply.author is not None and reply.author.verified  # verified_type business

    repost = by_id[T3]
    assert (repost.kind, repost.repost_of) == ("repost", f"x:{T1}")
    # v2 truncates retweets ("…"); the original in includes gives the whole text
    assert repost.text == "RT @hmarchetti: " + post.text
    assert repost.raw["data"]["text"].endswith("…")

    quote = by_id[T4]
    assert (quote.kind, quote.quote_of) == ("quote", f"x:{T1}")
    assert quote.media == ["https://pbs.twimg.com/media/FxMiRaBeLLe01.jpg"]
    english = by_id[T5]
    assert english.lang == "en" and english.author is not None
    assert english.author.handle == "fibre_rage"


def test_x_v2_pages_jsonl_quarantines_bad_tweets_and_pages() -> None:
    mentions, quarantined, _ = read_all("x_v2_pages.jsonl")
    ids = [m.native_id for m in mentions]
    assert ids == [T5, T4, T3, T2, T1, T8, T6, T5]  # T5 twice: dedup is the importer's job
    t6 = next(m for m in mentions if m.native_id == T6)
    assert t6.created_at == datetime(2024, 3, 5, 9, 20, tzinfo=UTC)  # from the snowflake id
    t8 = next(m for m in mentions if m.native_id == T8)
    assert (t8.kind, t8.reply_to, t8.root_id) == ("reply", f"x:{T6}", f"x:{T6}")
    where = {q.location: q for q in quarantined}
    assert set(where) == {"line 2, data[1]", "line 4", "line 5"}
    assert where["line 2, data[1]"].reason.startswith("unparseable created_at: cannot read 'hier")
    assert orjson.loads(where["line 2, data[1]"].raw)["id"] == T7  # the tweet itself
    assert where["line 4"].reason == "X API error page: Too Many Requests"
    assert where["line 5"].reason.startswith("invalid JSON: unexpected end of data")
    assert where["line 5"].raw.startswith('{"data": [{"id": "' + T8)


@pytest.mark.parametrize("name", ["twarc2_pages.jsonl", "twarc2_flat.jsonl"])
def test_twarc2_raw_and_flattened_give_the_same_mentions(name: str) -> None:
    mentions, quarantined, f = read_all(name)
    assert f.format == "twarc2" and len(quarantined) == 1
    assert quarantined[0].reason.startswith("unparseable created_at")
    pages, _, _ = read_all("x_v2_pages.jsonl")
    fields = ("id", "kind", "text", "url", "created_at", "reply_to", "quote_of", "repost_of")
    assert [tuple(getattr(m, k) for k in fields) for m in mentions] == [
        tuple(getattr(m, k) for k in fields) for m in pages
    ]
    assert [m.author for m in mentions] == [m.author for m in pages]
    assert [(m.place, m.country, m.media, m.engagement) for m in mentions] == [
        (m.place, m.country, m.media, m.engagement) for m in pages
    ]
    # collected_at comes from __twarc.retrieved_at of each page
    assert mentions[0].collected_at == datetime(2024, 3, 5, 9, 0, 3, tzinfo=UTC)
    assert mentions[-1].collected_at == datetime(2024, 3, 5, 10, 0, 5, tzinfo=UTC)
    assert all(m.collected_via == "import:twarc2" for m in mentions)
    assert all("__twarc" in m.raw for m in mentions)


def test_flat_records_with_nested_authors_and_bad_lines() -> None:
    mentions, quarantined, _ = read_all("records.jsonl")
    assert [m.id for m in mentions] == [
        "bluesky:bsky-3kq2xyz",
        "x:1764930111222333444",
        "youtube:yt-Zx81",
        "bluesky:bsky-3kq2xyz",
    ]
    bsky, tweet, video, _ = mentions
    assert bsky.author == Author(
        platform="bluesky",
        native_id="did:plc:ninon123",
        handle="ninon.example",
        name="Ninon Vasseur",
        followers=310,
    )
    assert bsky.raw["author"]["handle"] == "ninon.example"  # the record as read
    assert tweet.author is not None and tweet.author.handle == "PaulineGrd"  # "user" object
    assert tweet.url == "https://x.com/PaulineGrd/status/1764930111222333444"
    assert tweet.created_at == datetime(2024, 3, 5, 8, 33, tzinfo=UTC)  # v1.1 date
    assert video.engagement.views == 12400 and video.created_at.hour == 15  # epoch seconds
    reasons = {q.location: q.reason.split(":")[0] for q in quarantined}
    assert reasons == {
        "line 3": "invalid JSON",
        "line 4": "unsupported record",
        "line 5": "missing text",
        "line 6": "missing created_at",
        "line 7": "invalid JSON",
    }


def test_mention_dicts_round_trip(tmp_path: Path) -> None:
    original = Mention(
        platform="mastodon",
        native_id="112233",
        text="Bravo au support Mirabelle, réponse en 5 minutes",
        created_at=datetime(2024, 3, 6, 12, 0, tzinfo=UTC),
        url="https://piaille.example/@lou/112233",
        lang="fr",
        kind="reply",
        collected_at=datetime(2024, 3, 6, 12, 5, tzinfo=UTC),
        collected_via="mastodon:search",
        author=Author(
            platform="mastodon",
            native_id="lou@piaille.example",
            handle="lou",
            followers=88,
            created_at=datetime(2020, 1, 1, tzinfo=UTC),
        ),
        reply_to="mastodon:112200",
        engagement=Engagement(likes=4, reposts=1),
        raw={"id": "112233", "content": "<p>Bravo au support Mirabelle…</p>"},
        sentiment_label="positive",
        sentiment_score=0.91,
        keyphrases=["support Mirabelle"],
        query_ids=[7],
    )
    path = tmp_path / "export.jsonl"
    path.write_bytes(orjson.dumps(original.to_dict()) + b"\n")
    mentions, quarantined, f = read_all(path)
    assert f.format == "jsonl" and not quarantined
    (back,) = mentions
    assert back.query_ids == []  # ids of another store: the pipeline re-routes
    back.query_ids = original.query_ids
    assert back == original  # provenance (collected_*, raw, raw_sha256) kept


def test_split_json_handles_strings_escapes_and_arrays() -> None:
    text = '[\n {"a": "x]}\\"{["},\n {"b": [1, {"c": 2}]}, 3, "s"\n]\n{"d": 4}'
    values = list(split_json(enumerate(text.splitlines(keepends=True), start=1)))
    assert [v for _, v in values] == [
        '{"a": "x]}\\"{["}',
        '{"b": [1, {"c": 2}]}',
        "3",
        '"s"',
        '{"d": 4}',
    ]
    assert [n for n, _ in values] == [2, 3, 3, 3, 5]


def test_json_array_of_records_and_truncated_document(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    records = [
        {"text": "un", "created_at": "2024-03-05T10:00:00Z", "platform": "web", "id": "1"},
        {"text": "deux", "created_at": "2024-03-05T11:00:00Z", "platform": "web", "id": "2"},
    ]
    path.write_bytes(orjson.dumps(records, option=orjson.OPT_INDENT_2)[:-30])
    mentions, quarantined, f = read_all(path)
    assert f.layout == "document"
    assert [m.text for m in mentions] == ["un"]
    assert len(quarantined) == 1 and quarantined[0].reason.startswith("invalid JSON")
    assert quarantined[0].location == "record 2 (line 8)"


def test_odd_shapes_are_quarantined_not_fatal(tmp_path: Path) -> None:
    good = {"id": T1, "text": "ok", "created_at": "2024-03-05T07:12:45Z", "author_id": "1"}
    lines = [
        {"data": [{**good, "public_metrics": [1, 2]}, good], "includes": []},
        {"data": [{**good, "attachments": ["k"]}], "includes": {"users": "nobody"}},
        {"data": [good], "matching_rules": 3},
        {**good, "__twarc": {}, "referenced_tweets": 7},
        {**good, "__twarc": {"retrieved_at": "jamais"}, "id": "abc"},
    ]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines))
    mentions, quarantined, f = read_all(path)
    assert f.format == "x-v2"
    assert len(mentions) == 1 and mentions[0].text == "ok"  # data[1] of the first page
    reasons = [(q.location, q.reason.split(":")[0]) for q in quarantined]
    assert reasons == [
        ("line 1, data[0]", "invalid value"),
        ("line 2, data[0]", "invalid value"),
        ("line 3", "invalid value"),
        ("line 4", "invalid value"),
        ("line 5", "unsupported record"),
    ]

    flat = tmp_path / "flat.jsonl"
    flat.write_bytes(
        b'{"text": "a", "created_at": "2024-03-05", "author": {"followers": {"n": 1}}}\n'
        b'{"text": "b", "created_at": {"y": 2024}}\n'
        b'{"text": ["c"], "created_at": "2024-03-05", "platform": 5}\n'
    )
    mentions, quarantined, _ = read_all(flat)
    assert [m.text for m in mentions] == ["a", "['c']"]  # odd but kept: nothing is lost
    assert mentions[1].platform == "5"
    assert [q.reason.split(":")[0] for q in quarantined] == ["unparseable created_at"]
