"""Value conversions both stores share: times, text hygiene, JSON and raw payloads.

Both back ends must store the same thing, so every such decision is taken here, once:

* Times are kept to the millisecond, UTC, on both back ends (SQLite stores integer
  milliseconds; PostgreSQL would keep microseconds, so they are truncated first).
* NUL characters: PostgreSQL ``text``/``jsonb`` reject ``\\x00`` while SQLite keeps it.
  Both back ends therefore remove NUL from every text field and JSON value, and replace
  it with U+FFFD in raw payloads (mentions and quarantine), so the evidence shows where
  a character was lost. Lone UTF-16 surrogates (unencodable in UTF-8) become U+FFFD.
* The raw payload is stored as text: ``str`` as is, ``bytes`` decoded as UTF-8 with
  replacement (undecodable bytes become U+FFFD), anything else as orjson JSON.
  ``raw_sha256`` is never recomputed: it is the hash taken at capture
  (``models.payload_sha256``) of the payload's original bytes, so for bytes that were
  not valid UTF-8 (or held NUL) it no longer matches the stored text, by design.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from socialhub.models import as_utc
from socialhub.text import url_host

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")
# The common URL shape, whose host needs no full urlsplit (a hot path at import).
_SIMPLE_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?:[/?#]|$)")

TimeIn = Callable[[datetime], Any]  # datetime -> what the driver stores
TimeOut = Callable[[Any], datetime]  # what the driver returns -> aware UTC datetime


# -- times -------------------------------------------------------------------------


def to_ms(value: datetime) -> int:
    """Aware (or naive = UTC) datetime -> integer milliseconds since the epoch."""
    return (as_utc(value) - EPOCH) // _MS


def from_ms(value: int) -> datetime:
    return EPOCH + value * _MS


def to_utc_ms(value: datetime) -> datetime:
    """UTC datetime truncated to the millisecond, so PostgreSQL equals SQLite."""
    value = as_utc(value)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def utc_ms_now() -> datetime:
    return to_utc_ms(datetime.now(UTC))


# -- text hygiene ------------------------------------------------------------------


def _fix(match: re.Match[str]) -> str:
    return "" if match.group() == "\x00" else "\ufffd"


def clean(value: str) -> str:
    """Remove NUL, replace lone surrogates: what both databases can store."""
    if value.isascii():
        return value.replace("\x00", "") if "\x00" in value else value
    return _BAD_CHARS.sub(_fix, value)


def clean_opt(value: str | None) -> str | None:
    return None if value is None else clean(value)


def clean_raw(value: str) -> str:
    """Like :func:`clean` but NUL becomes U+FFFD: the evidence keeps a visible mark."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    return value if value.isascii() else _BAD_CHARS.sub("\ufffd", value)


def _clean_obj(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _clean_obj(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_obj(v) for v in value]
    return value


def dump_json(value: Any) -> str:
    """JSON text for a JSON column; NUL and lone surrogates cleaned out of strings."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # lone surrogates: clean the object, then retry
        data = orjson.dumps(_clean_obj(value), option=orjson.OPT_NON_STR_KEYS)
    if b"\\u0000" in data:  # orjson escapes NUL; PostgreSQL jsonb rejects it
        data = orjson.dumps(_clean_obj(value), option=orjson.OPT_NON_STR_KEYS)
    return data.decode()


def load_json(value: Any) -> Any:
    """A JSON column as the driver returns it (text in SQLite, parsed in psycopg)."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value


def raw_text(raw: Any) -> str | None:
    """The payload as stored: str as is, bytes decoded (replacing errors), objects as JSON."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return clean_raw(raw.decode("utf-8", errors="replace"))
    if isinstance(raw, str):
        return clean_raw(raw)
    try:
        return clean_raw(orjson.dumps(raw, option=orjson.OPT_NON_STR_KEYS).decode())
    except orjson.JSONEncodeError:  # lone surrogates or exotic types: fall back, still JSON
        return clean_raw(json.dumps(raw, ensure_ascii=False, default=str))


def site_of(url: str) -> str:
    """``Mention.site`` (``text.url_host``), with a fast path for plain http(s) URLs."""
    match = _SIMPLE_HOST.match(url)
    if match is None:
        return url_host(url)
    host = match.group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def clean_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """:func:`clean` every str of a row, scanning them all at once first: nearly every
    row is clean, and one scan is cheaper than a call per field."""
    joined = "".join([v for v in values if type(v) is str])
    if joined.isascii():
        if "\x00" not in joined:
            return values
    elif _BAD_CHARS.search(joined) is None:
        return values
    return tuple(clean(v) if isinstance(v, str) else v for v in values)
