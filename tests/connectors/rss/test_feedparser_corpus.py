"""Issue #22: the RSS connector over feedparser's whole test corpus (~2,100 real feeds).

Served from one local HTTP server with each file's ``Header:`` lines and read through
``RssConnector.fetch`` (address guard, conditional GET, size cap, feedparser), compared
with feedparser reading the same bytes directly. ``bench/bench_feed_corpus.py`` prints
the same counts as JSON (bench/RESULTS.md).
"""

from __future__ import annotations

import pytest

from .corpus import Result, run_corpus

pytestmark = pytest.mark.slow  # the whole corpus: 7.5 s of CPU (wall time grows with load)


@pytest.fixture(scope="module")
def result() -> Result:
    return run_corpus()  # fails loudly (FileNotFoundError) when ../shared/data is missing


def test_no_feed_crashes_the_connector(result: Result) -> None:
    assert result.feeds > 2000
    assert result.crashes == {}


def test_every_rejected_feed_has_a_clear_reason(result: Result) -> None:
    assert result.rejected_feeds, "the corpus has non-feeds (an empty document, JSON)"
    for name, reason in result.rejected_feeds.items():
        assert reason.startswith("MalformedPayload: "), (name, reason)
        assert len(reason) > len("MalformedPayload: ") + 10, (name, reason)
    assert "json/example.json" in result.rejected_feeds


def test_mentions_from_feeds_with_content(result: Result) -> None:
    """≥ 95 % of the feeds whose entries carry words or a URL give a mention; each
    other feed where feedparser finds a title/summary/content element was refused by
    the empty-text policy with that reason (content such as ``<span abbr="">``)."""
    assert result.eligible > 850
    assert result.usable_with_mentions >= 0.95 * result.usable
    for line in result.missed:
        assert "empty-text policy" in line, line
    assert result.eligible_with_mentions == result.usable_with_mentions  # no surprise gain


def test_dates_equal_feedparsers(result: Result) -> None:
    assert result.dated_items >= 25
    assert result.date_mismatches == []
    assert result.dates_equal == result.dated_items


def test_every_feed_ends_as_mentions_or_a_reason(result: Result) -> None:
    """No feed silently yields nothing: mentions, or dead letters with their reasons
    (items refused, or a feed document without any item), or the payload refused."""
    assert result.silent == []
    assert sum(result.outcomes.values()) == result.feeds
    assert result.outcomes["no items, dead-lettered"] > 800  # feed-level fixtures
    assert set(result.outcomes) <= {
        "mentions",
        "items dead-lettered",
        "no items, dead-lettered",
        "refused",
    }
