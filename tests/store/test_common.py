"""Unit checks of the shared row helpers (fast paths must equal the slow ones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from socialhub.store.convert import (
    clean,
    clean_raw,
    clean_row,
    dump_json,
    from_ms,
    site_of,
    to_ms,
    to_utc_ms,
)
from socialhub.text import url_host

URLS = [
    "",
    "https://www.Example.org/a?b#c",
    "http://example.org",
    "https://example.org.",
    "https://sub.www.example.org/x",
    "https://user:pw@host.example:8080/x",
    "https://[2001:db8::1]/x",
    "example.org/path",
    "//cdn.example.org/x",
    "https://xn--lyce-bpa.fr/",
    "https://exämple.fr/",
    "ftp://files.example.org/",
    "https://example.org:443",
    "https://example.org?q=1",
    "https://WWW.EXAMPLE.ORG#top",
    "not a url at all",
    "https://bad host/",
]


@pytest.mark.parametrize("url", URLS)
def test_site_of_equals_url_host(url: str) -> None:
    assert site_of(url) == url_host(url)


def test_clean_variants() -> None:
    assert clean("a\x00b") == "ab"
    assert clean("é\x00\ud800") == "é\ufffd"
    assert clean_raw("a\x00b\udfff") == "a\ufffdb\ufffd"
    assert clean_row(("ok", 1, None, "é")) == ("ok", 1, None, "é")
    assert clean_row(("a\x00", 1, "b\ud800")) == ("a", 1, "b\ufffd")
    assert dump_json({"k\x00": ["v\x00", "\ud800"]}) == '{"k":["v","\ufffd"]}'


def test_times() -> None:
    paris = timezone(timedelta(hours=1))
    t = datetime(2024, 1, 1, 13, 0, 0, 123999, tzinfo=paris)
    assert to_ms(t) == to_ms(datetime(2024, 1, 1, 12, 0, 0, 123000))
    assert from_ms(to_ms(t)) == to_utc_ms(t) == datetime(2024, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)
    before = datetime(1960, 5, 5, 0, 0, 0, 999999, tzinfo=UTC)
    assert from_ms(to_ms(before)) == to_utc_ms(before)
