"""Loose value coercion: dates, counts, platforms, ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialhub.ingest.types import Reject
from socialhub.ingest.values import (
    derived_id,
    looks_mangled_id,
    normalize_lang,
    parse_bool,
    parse_count,
    parse_datetime,
    platform_from_url,
    x_snowflake_time,
    x_status_id,
)


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("2024-03-05T08:12:45.000Z", "UTC", datetime(2024, 3, 5, 8, 12, 45, tzinfo=UTC)),
        ("2024-03-05 08:12:45", "UTC", datetime(2024, 3, 5, 8, 12, 45, tzinfo=UTC)),
        ("2024-03-05T09:05:00+01:00", "UTC", datetime(2024, 3, 5, 8, 5, tzinfo=UTC)),
        ("2024-03-05", "UTC", datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024/03/05 08:12", "UTC", datetime(2024, 3, 5, 8, 12, tzinfo=UTC)),
        # French exports: day first, local time
        ("05/03/2024 14:30", "Europe/Paris", datetime(2024, 3, 5, 13, 30, tzinfo=UTC)),
        ("05/07/2024 14h30", "Europe/Paris", datetime(2024, 7, 5, 12, 30, tzinfo=UTC)),
        ("5.3.2024", "UTC", datetime(2024, 3, 5, tzinfo=UTC)),
        # epochs in seconds, milliseconds, as numbers or digits
        (1709626365, "UTC", datetime(2024, 3, 5, 8, 12, 45, tzinfo=UTC)),
        ("1709626365000", "UTC", datetime(2024, 3, 5, 8, 12, 45, tzinfo=UTC)),
        # X API v1.1 and RFC 2822
        ("Tue Mar 05 08:33:00 +0000 2024", "UTC", datetime(2024, 3, 5, 8, 33, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 09:33:00 +0100", "UTC", datetime(2024, 3, 5, 8, 33, tzinfo=UTC)),
    ],
)
def test_parse_datetime_formats(value: object, tz: str, expected: datetime) -> None:
    assert parse_datetime(value, tz) == expected


@pytest.mark.parametrize("value", ["hier matin", "32/13/2024 25:00", "2024-02-30", "1850-01-01"])
def test_parse_datetime_rejects_with_category(value: str) -> None:
    with pytest.raises(Reject) as info:
        parse_datetime(value)
    assert info.value.category == "unparseable created_at"
    assert value[:10] in info.value.reason


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_datetime_missing(value: object) -> None:
    with pytest.raises(Reject) as info:
        parse_datetime(value)
    assert info.value.category == "missing created_at"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        ("1 234", 1234),
        ("1\u202f234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("1,2k", 1200),
        ("12.4K", 12400),
        ("3M", 3_000_000),
        (3.9, 3),
        (-4, 0),
        ("n/a", 0),
        (None, 0),
        (True, 0),
        (float("nan"), 0),
    ],
)
def test_parse_count(value: object, expected: int) -> None:
    assert parse_count(value) == expected


def test_parse_bool() -> None:
    assert [parse_bool(v) for v in ("oui", "TRUE", "1", True, "non", "", None, "0")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_platform_and_status_from_url() -> None:
    assert platform_from_url("https://twitter.com/a/status/1") == "x"
    assert platform_from_url("https://m.facebook.com/p/1") == "facebook"
    assert platform_from_url("https://www.lequotidien-numerique.example/a") == "web"
    assert platform_from_url("") == ""
    assert x_status_id("https://x.com/hmarchetti/status/1764911912186810369?s=20") == (
        "1764911912186810369"
    )
    assert x_status_id("https://twitter.com/i/web/status/42") == "42"
    assert x_status_id("https://notx.com/a/status/42") is None


def test_snowflake_time_matches_x_ids() -> None:
    # 1764911912186810369 was built from 2024-03-05T07:12:45Z (see the fixtures).
    assert x_snowflake_time("1764911912186810369") == datetime(2024, 3, 5, 7, 12, 45, tzinfo=UTC)
    assert x_snowflake_time("12345") is None  # pre-snowflake
    assert x_snowflake_time("abc") is None


def test_ids_and_lang() -> None:
    assert looks_mangled_id("1.76E+18")
    assert not looks_mangled_id("1764911912186810369")
    assert derived_id("x", "a") == derived_id("x", "a") != derived_id("x", "b")
    assert normalize_lang("fr-FR") == "fr"
    assert normalize_lang("") == "und"
