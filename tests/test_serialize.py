"""Mentions survive the JSON form used on the bus, in JSONL files and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from socialhub.models import Author, Engagement, Mention, payload_sha256
from socialhub.serialize import mention_from_json, mention_to_json
from socialhub.text import index_tokens, url_host


def full_mention() -> Mention:
    paris = timezone(timedelta(hours=1))
    return Mention(
        platform="x",
        native_id="1780000000000000001",
        text="Toujours pas de réseau à Lyon 😡 #MirabelleDown <script>alert(1)</script>",
        created_at=datetime(2026, 3, 2, 9, 30, tzinfo=paris),
        url="https://x.com/lea/status/1780000000000000001",
        lang="fr",
        kind="reply",
        collected_via="demo",
        author=Author("x", "42", "Lea_Dupont", "Léa", followers=1200, verified=True),
        reply_to="x:1779999999999999999",
        root_id="x:1779999999999999999",
        engagement=Engagement(likes=3, reposts=1, views=900),
        place="Lyon",
        country="fr",
        media=["https://pbs.example/a.jpg"],
        raw={"id": "1780000000000000001", "text": "…"},
        sentiment_label="negative",
        sentiment_score=-0.8,
        keyphrases=["réseau"],
        query_ids=[3, 1],
        relevance={"1": 0.9},
    )


def test_round_trip_keeps_every_field() -> None:
    m = full_mention()
    back = mention_from_json(mention_to_json(m))
    assert back == m
    assert back.created_at == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert back.raw_sha256 == payload_sha256(m.raw)


def test_hash_is_taken_at_capture_and_is_stable_for_equal_payloads() -> None:
    a = Mention("x", "1", "t", datetime(2026, 1, 1, tzinfo=UTC), raw={"b": 1, "a": 2})
    b = Mention("x", "1", "t", datetime(2026, 1, 1, tzinfo=UTC), raw={"a": 2, "b": 1})
    assert a.raw_sha256 == b.raw_sha256
    assert len(a.raw_sha256) == 64
    assert (
        payload_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_naive_datetimes_are_taken_as_utc_and_kinds_are_checked() -> None:
    m = Mention("x", "1", "t", datetime(2026, 1, 1, 12, 0))
    assert m.created_at.tzinfo is UTC
    with pytest.raises(ValueError, match="unknown mention kind"):
        Mention("x", "1", "t", datetime(2026, 1, 1), kind="tweet")


def test_bad_records_raise_clear_errors() -> None:
    with pytest.raises(KeyError):
        mention_from_json(b'{"platform": "x", "text": "no id"}')
    with pytest.raises(ValueError):
        mention_from_json(b'{"platform": "x", "native_id": "1", "created_at": "yesterday"}')


def test_tokeniser_folds_case_and_accents_and_doubles_hashtags() -> None:
    assert index_tokens("Élysée #Réseau @Mirabelle_SAV") == [
        "elysee",
        "#reseau",
        "reseau",
        "@mirabelle_sav",  # a handle keeps its "_" (issue 18)
        "mirabelle_sav",
    ]
    assert index_tokens("") == []
    assert url_host("https://WWW.Example.FR/a?b") == "example.fr"
    assert url_host("not a url at all") == ""
