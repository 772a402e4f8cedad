"""How SQLite keeps a mention's evidence in fewer bytes, exactly (issue 21, item 4).

The raw payload nearly always repeats the mention's text (a JSON payload holds it
escaped, a plain one as is), and ``raw_sha256`` is 64 hex digits for 32 bytes. SQLite
stores them packed; both forms are read, so rows written before stay as they are:

* ``raw``: TEXT is the payload as captured. A BLOB is packed: one format byte, then the
  payload's UTF-8 with every occurrence of the text (JSON-escaped for
  :data:`JSON_TEXT`, as is for :data:`PLAIN_TEXT`) replaced by NUL, which a stored
  payload never holds (``convert.clean_raw``); :data:`DEFLATED` marks the rest as
  raw-deflated (zlib, stdlib). A mention's text is never rewritten after its first
  capture (``store.common``: evidence), so the payload rebuilds byte for byte.
* ``raw_sha256``: a 32-byte BLOB, or TEXT as before (and for anything but a lowercase
  hex SHA-256, e.g. the empty string).

PostgreSQL keeps both as text; :func:`unpack_raw` and :func:`sha256_text` return text
values unchanged, so shared read code calls them on either dialect.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

JSON_TEXT = 1  # NUL stands for the text, JSON-escaped (without its quotes)
PLAIN_TEXT = 2  # NUL stands for the text as is
DEFLATED = 0x80  # flag: the bytes after the format byte are raw-deflated
MIN_TEXT = 12  # shorter texts are not worth a substitution
MIN_DEFLATE = 200  # payloads shorter than this (after substitution) stay as they are
_HEX = frozenset("0123456789abcdef")


def _json_form(text: str) -> str:
    return orjson.dumps(text).decode()[1:-1]


def pack_raw(raw: str | None, text: str) -> str | bytes | None:
    """The value stored for a payload (as ``convert.raw_text`` made it) and its text."""
    if raw is None or "\x00" in raw:
        return raw
    kind = 0
    body = raw
    if len(text) >= MIN_TEXT:
        escaped = _json_form(text)
        if escaped in raw:
            kind, body = JSON_TEXT, raw.replace(escaped, "\x00")
        elif escaped != text and text in raw:
            kind, body = PLAIN_TEXT, raw.replace(text, "\x00")
    data = body.encode()
    if len(data) >= MIN_DEFLATE:
        packed = zlib.compress(data, 6, -15)
        if len(packed) + 8 < len(data):
            return bytes([kind | DEFLATED]) + packed
    if kind == 0:
        return raw
    return bytes([kind]) + data


def unpack_raw(value: Any, text: str) -> str | None:
    """The payload as captured, from a stored ``raw`` value and the stored text."""
    if value is None or isinstance(value, str):
        return value
    data = bytes(value)
    kind, body = data[0], data[1:]
    if kind & DEFLATED:
        body = zlib.decompress(body, -15)
        kind &= ~DEFLATED
    out = body.decode()
    if kind == JSON_TEXT:
        return out.replace("\x00", _json_form(text))
    if kind == PLAIN_TEXT:
        return out.replace("\x00", text)
    return out


def pack_sha256(value: str) -> str | bytes:
    """32 bytes for a lowercase hex SHA-256, anything else as it is."""
    if len(value) == 64 and _HEX.issuperset(value):
        return bytes.fromhex(value)
    return value


def sha256_text(value: Any) -> str:
    """The hex digest, from either stored form."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return "" if value is None else str(value)
