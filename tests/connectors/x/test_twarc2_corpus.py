"""The real twarc2 corpus (``../shared/data/payloads/twarc2_jsonl``, DocNow/twarc-csv
test-data, MIT): every tweet normalised with no field error, a cut line quarantined
with a reason, the files that hold no posts (counts, users, lists, compliance) refused
whole — through the X connector's page normaliser and through ``socialhub import``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from socialhub.connectors.x.normalize import page_mentions
from socialhub.ingest import ImportFormatError, import_file
from socialhub.shared_data import shared_data_dir
from socialhub.store.base import Store

NOW = datetime(2026, 3, 1, tzinfo=UTC)
NOT_TWEETS = {"counts.jsonl", "lists.jsonl", "users.jsonl", "tweets_compliance.jsonl",
              "users_compliance.jsonl", "empty.json"}  # fmt: skip


def corpus() -> Path:
    root = shared_data_dir() / "payloads" / "twarc2_jsonl" / "test-data"
    if not root.is_dir():
        raise FileNotFoundError(f"twarc2 corpus not found at {root} (../shared/data)")
    return root


def test_every_tweet_of_every_page_normalises_without_a_field_error() -> None:
    tweets = errors = 0
    reasons: Counter[str] = Counter()
    for path in sorted(corpus().glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            if not line.strip():
                continue
            try:
                page = orjson.loads(line)
            except orjson.JSONDecodeError:
                reasons["cut line"] += 1  # streaming_output_with_error.jsonl ends mid-line
                continue
            if not isinstance(page, dict) or "data" not in page:
                continue
            mentions, rejected = page_mentions(page, via="twarc2", collected_at=NOW)
            if path.name in NOT_TWEETS:
                continue
            tweets += len(mentions)
            errors += len(rejected)
            for mention in mentions:
                # withheld.jsonl: 6 authors absent from includes (withheld): id only
                assert mention.text and mention.author and mention.author.native_id, mention.id
                assert "&amp;" not in mention.text  # v2 escapes &, <, >: unescaped
                assert mention.created_at.tzinfo is not None
    assert errors == 0
    assert tweets > 1300
    assert reasons == {"cut line": 1}


def test_import_stores_tweets_and_refuses_the_files_without_posts(sqlite_store: Store) -> None:
    reasons: Counter[str] = Counter()
    for path in sorted(corpus().iterdir()):
        if path.name in NOT_TWEETS - {"empty.json"}:
            with pytest.raises(ImportFormatError, match="not posts: nothing was imported"):
                import_file(path, sqlite_store)
            continue
        report = import_file(path, sqlite_store)
        assert report.read == report.accounted(), path.name
        reasons.update(report.quarantine_reasons)
        if path.name not in NOT_TWEETS and path.name != "streaming_output_with_error.jsonl":
            assert report.quarantined == 0, (path.name, report.quarantine_reasons)
    assert sqlite_store.mentions.count() > 1000
    assert sqlite_store.sources.list_quarantine() != []  # the cut line, nothing else
    assert reasons == {"invalid JSON": 1}, reasons


@pytest.mark.parametrize("name", ["media_tweet.jsonl", "noflat.jsonl", "withheld.jsonl"])
def test_selected_real_tweets_keep_their_fields(name: str) -> None:
    mentions = []
    for line in (corpus() / name).read_bytes().splitlines():
        found, rejected = page_mentions(orjson.loads(line), via="twarc2", collected_at=NOW)
        assert not rejected
        mentions += found
    if name == "media_tweet.jsonl":
        assert any(m.media for m in mentions)
    if name == "noflat.jsonl":  # v2 escapes & < >; the stored text has the characters
        assert any("&" in m.text for m in mentions)
        assert not any("&amp;" in m.text or "&lt;" in m.text for m in mentions)
    if name == "withheld.jsonl":
        assert any(m.author and not m.author.handle for m in mentions)  # withheld users
