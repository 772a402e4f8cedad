"""Guess a file's format from its first bytes (never from its name)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from .jsonfile import split_json
from .reader import MAX_LINE_BYTES, SAMPLE_BYTES, looks_binary
from .records import is_mention_dict
from .types import ImportFormatError
from .xv2 import is_page, is_tweet

_TWEET_MARKERS = (
    "edit_history_tweet_ids",
    "public_metrics",
    "conversation_id",
    "referenced_tweets",
    "author_id",
)


def classify(value: Any) -> str:
    """The format a single JSON value belongs to: ``twarc2``, ``x-v2`` or ``jsonl``."""
    if not isinstance(value, Mapping):
        return "jsonl"
    if "__twarc" in value:
        return "twarc2"
    if is_page(value):
        return "x-v2"
    if (
        is_tweet(value)
        and "platform" not in value
        and not is_mention_dict(value)
        and any(key in value for key in _TWEET_MARKERS)
    ):
        return "x-v2"
    return "jsonl"


def sniff(sample: bytes, first_line: bytes = b"") -> tuple[str, str]:
    """``(format, layout)`` of a file from its first bytes and first non-blank line.

    The first line is read whole (twarc2 writes a whole page, often megabytes, per
    line) to tell JSON Lines from a pretty-printed document.

    ``layout`` is how values are cut: ``csv``, ``jsonl`` (one per line) or ``document``
    (pretty-printed / concatenated JSON or a top-level array). ``format`` is ``empty``
    for a blank file.

    Raises
    ------
    ImportFormatError
        When the sample looks binary.
    """
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = sample.decode("utf-16", errors="replace")
    else:
        if sample.startswith(b"PK\x03\x04"):
            raise ImportFormatError(
                "this is a ZIP archive (an Excel .xlsx file?); save it as CSV UTF-8 first"
            )
        if looks_binary(sample):
            raise ImportFormatError(
                "the file looks binary (NUL or control bytes), not CSV or JSON;"
                " pass an explicit format to quarantine its lines anyway"
            )
        if sample.startswith(codecs.BOM_UTF8):
            sample = sample[len(codecs.BOM_UTF8) :]
        text = sample.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if not stripped:
        return "empty", "jsonl"
    if stripped[0] not in "{[":
        return "csv", "csv"
    line = first_line.strip() or stripped.split("\n", 1)[0].strip().encode()
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return classify(value), "jsonl"
    # A JSON document: look at its first complete value if the sample holds one.
    lines = enumerate(stripped.splitlines(keepends=True), start=1)
    for _, chunk in split_json(lines):
        try:
            return classify(orjson.loads(chunk)), "document"
        except orjson.JSONDecodeError:
            break  # truncated by the sample size: fall back to key names
    if '"__twarc"' in text:
        return "twarc2", "document"
    if re.search(r'"data"\s*:\s*[\[{]', text) and re.search(
        r'"(includes|meta|author_id|edit_history_tweet_ids)"', text
    ):
        return "x-v2", "document"
    return "jsonl", "document"


def read_head(path: str | Path) -> tuple[bytes, bytes]:
    """The first bytes of a file and its first non-blank line (bounded)."""
    with Path(path).open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
        f.seek(0)
        line = b""
        for _ in range(1000):
            line = f.readline(MAX_LINE_BYTES)
            if not line or line.strip(b" \t\r\n\xef\xbb\xbf"):
                break
    if line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    return sample, line


def detect_format(path: str | Path) -> str:
    """One of ``csv``, ``jsonl``, ``x-v2``, ``twarc2`` for the file at ``path``.

    Raises
    ------
    ImportFormatError
        When the file is empty or looks binary.
    """
    fmt, _ = sniff(*read_head(path))
    if fmt == "empty":
        raise ImportFormatError("the file is empty")
    return fmt
