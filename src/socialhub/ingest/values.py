"""Coerce loosely typed cell values (dates, counts, booleans, platforms, ids).

Exports from spreadsheets and other tools disagree on everything: dates come as ISO,
French ``05/03/2024 14:30``, Unix epochs or X v1.1 strings; counts as ``"1 234"`` or
``"1,2k"``. Dates must parse or the record is rejected (a mention without a time
cannot be placed on any chart); counts degrade to 0 because they are secondary.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialhub.text import url_host

from .types import Reject

_DMY = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$"
)
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(.*)$")
_EPOCH = re.compile(r"^\d{9,16}(\.\d+)?$")
_X_V1 = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"
_MIN_YEAR, _MAX_YEAR = 1970, 2100
_X_STATUS = re.compile(r"(?:^|\.|//)(?:x|twitter)\.com/(?:[^/?#]+|i/web)/status(?:es)?/(\d+)")

# X ids are snowflakes: the creation time in ms since this epoch sits above bit 22.
_X_EPOCH_MS = 1288834974657
_X_FIRST_SNOWFLAKE = 1 << 42  # ids below this predate snowflakes (before 2010-11)

PLATFORM_ALIASES = {
    "twitter": "x",
    "tw": "x",
    "x.com": "x",
    "fb": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "yt": "youtube",
    "bsky": "bluesky",
    "linkedin.com": "linkedin",
}

_HOST_PLATFORMS = {
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "linkedin.com": "linkedin",
    "tiktok.com": "tiktok",
    "bsky.app": "bluesky",
    "threads.net": "threads",
    "t.me": "telegram",
}

_TRUE = {"1", "true", "yes", "y", "oui", "vrai", "x", "t"}


def parse_datetime(value: Any, tz: str = "UTC", *, field: str = "created_at") -> datetime:
    """An aware UTC datetime from an ISO string, a French date, an epoch or X v1.1 text.

    Naive values are read in ``tz``. ``dd/mm/yyyy`` is day first (French exports).

    Raises
    ------
    Reject
        ``missing {field}`` when empty, ``unparseable {field}`` otherwise.

    Examples
    --------
    >>> parse_datetime("05/03/2024 14:30", "Europe/Paris").isoformat()
    '2024-03-05T13:30:00+00:00'
    >>> parse_datetime("2024-03-05T08:12:45.000Z").isoformat()
    '2024-03-05T08:12:45+00:00'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Reject.because("missing_field", field=field)
    try:
        parsed = _parse_datetime(value, tz)
    except (ValueError, OverflowError, OSError, TypeError):
        parsed = None
    if parsed is None:
        raise Reject.because("unreadable_date", field=field, value=repr(str(value)[:80]))
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        raise Reject.because("date_out_of_range", field=field, value=repr(str(value)[:80]))
    return parsed


def _parse_datetime(value: Any, tz: str) -> datetime | None:
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":  # ISO 8601, the usual case
        try:
            return _aware(datetime.fromisoformat(text), tz)
        except ValueError:
            pass  # e.g. '2024-03-05 8:12': the slower readers below
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    m = _DMY.match(text)
    if m:
        day, month, year, hour, minute, second = m.groups()
        naive = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
        return _aware(naive, tz)
    m = _YMD_SLASH.match(text)
    if m:
        text = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}{m[4]}"
    try:
        return _aware(datetime.fromisoformat(text), tz)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, _X_V1).astimezone(UTC)
    except ValueError:
        pass
    try:
        return _aware(email.utils.parsedate_to_datetime(text), tz)
    except (TypeError, ValueError, IndexError):
        return None


def _aware(value: datetime, tz: str) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC if tz == "UTC" else ZoneInfo(tz))
    return value.astimezone(UTC)


def _from_epoch(seconds: float) -> datetime:
    if seconds > 1e14:  # microseconds
        seconds /= 1e6
    elif seconds > 1e11:  # milliseconds
        seconds /= 1e3
    return datetime.fromtimestamp(seconds, UTC)


def x_snowflake_time(tweet_id: str) -> datetime | None:
    """Creation time encoded in an X id, or None for pre-snowflake / non-numeric ids."""
    if not tweet_id.isdigit() or int(tweet_id) < _X_FIRST_SNOWFLAKE:
        return None
    ms = (int(tweet_id) >> 22) + _X_EPOCH_MS
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


_COUNT = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*([kKmM]?)$")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_INT64_MAX = 2**63 - 1


def parse_count(value: Any) -> int:
    """A non-negative int from ``12``, ``"1 234"``, ``"1,234"``, ``"1,2k"``; 0 otherwise."""
    if type(value) is int and 0 <= value <= _INT64_MAX:  # the usual case, first
        return value
    if value is None or isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return min(max(value, 0), _INT64_MAX)
    if isinstance(value, float):
        return min(max(int(value), 0), _INT64_MAX) if value == value else 0
    text = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        return min(int(re.sub(r"[.,]", "", text)), _INT64_MAX)  # "1,234" / "1.234.567"
    m = _COUNT.match(text)
    if not m:
        return 0
    number, suffix = m.groups()
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[suffix.lower()]
    return min(int(float(number.replace(",", ".")) * scale), _INT64_MAX)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in _TRUE


def clean_text(value: Any) -> str:
    """Text without NUL (PostgreSQL refuses it) and without surrounding blanks."""
    if type(value) is str and "\x00" not in value:  # the usual case, first
        return value.strip()
    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()


def normalize_platform(value: str) -> str:
    name = value.strip().lower()
    return PLATFORM_ALIASES.get(name, name)


def platform_from_url(url: str) -> str:
    """``x`` for x.com/twitter.com links, other known networks by host, else ``web``."""
    host = url_host(url)
    if not host:
        return ""
    for suffix, platform in _HOST_PLATFORMS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return "web"


def x_status_id(url: str) -> str | None:
    """The status id of an x.com / twitter.com post URL."""
    m = _X_STATUS.search(url)
    return m[1] if m else None


def derived_id(*parts: str) -> str:
    """A stable native id for records that carry none, so re-imports stay idempotent."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return "h" + digest[:24]


def looks_mangled_id(value: str) -> bool:
    """Spreadsheets turn long ids into ``1.76E+18``: the digits are gone, never trust it."""
    return bool(re.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+", value))


def normalize_lang(value: Any) -> str:
    text = clean_text(value).lower().replace("_", "-")
    if not text:
        return "und"
    return text.split("-", 1)[0]
