"""Guess a file's format from its first bytes (never from its name)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from socialhub.i18n import M_

from .jsonfile import split_json
from .reader import MAX_RECORD_BYTES, SAMPLE_BYTES, looks_binary, read_line
from .records import is_mention_dict
from .types import ImportFormatError
from .xv2 import is_page, is_tweet

#: Non-blank lines read to tell JSON Lines from CSV when the first line is not JSON.
SNIFF_LINES = 20

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


def _json_object(line: bytes | None) -> dict[str, Any] | None:
    if not line:
        return None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def sniff(sample: bytes, lines: Sequence[bytes | None] = ()) -> tuple[str, str]:
    """``(format, layout)`` of a file from its first bytes and first non-blank lines.

    ``lines`` are the first non-blank lines (``None`` for one over the record limit). The
    first is read whole (twarc2 writes a whole page, often megabytes, per line) to tell
    JSON Lines from a pretty-printed document. When the first line is not JSON (junk, or
    a record too large to read), the next lines decide: one JSON object among them makes
    the file JSON Lines, so one bad first line cannot turn a JSONL file into CSV.

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
                M_("this is a ZIP archive (an Excel .xlsx file?); save it as CSV UTF-8 first")
            )
        if looks_binary(sample):
            raise ImportFormatError(
                M_(
                    "the file looks binary (NUL or control bytes), not CSV or JSON;"
                    " pass an explicit --format to quarantine its lines anyway"
                )
            )
        if sample.startswith(codecs.BOM_UTF8):
            sample = sample[len(codecs.BOM_UTF8) :]
        text = sample.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if not stripped:
        return "empty", "jsonl"
    first: bytes | None = stripped.split("\n", 1)[0].strip().encode()
    if lines:
        first = lines[0].strip() if lines[0] is not None else None
    value = _json_object(first)
    if value is not None:
        return classify(value), "jsonl"
    # Not JSON, too large to read, or a one-line record that is broken: look further.
    broken = first is not None and first.startswith(b"{") and first.endswith(b"}")
    if stripped[0] not in "{[" or first is None or broken:
        for line in lines[1:]:
            later = _json_object(line)
            if later is not None:
                return classify(later), "jsonl"
        if stripped[0] not in "{[":
            return "csv", "csv"
    # A JSON document: look at its first complete value if the sample holds one.
    chunks = enumerate(stripped.splitlines(keepends=True), start=1)
    for _, chunk in split_json(chunks):
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


def read_head(
    path: str | Path, max_record_bytes: int = MAX_RECORD_BYTES
) -> tuple[bytes, list[bytes | None]]:
    """The first bytes of a file and its first non-blank lines (bounded).

    At most :data:`SNIFF_LINES` lines; ``None`` stands for a line over the record limit.
    After the first, only lines that may be a JSON object are kept whole, and reading
    stops once a JSON object is found or the kept bytes pass the record limit.
    """
    lines: list[bytes | None] = []
    kept = 0
    with Path(path).open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
        f.seek(0)
        for _ in range(1000 + SNIFF_LINES):
            data, size = read_line(f, max_record_bytes)
            if not data:
                break
            line = data.strip()
            if not lines and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :].strip()
            if not line:
                continue
            if size > max_record_bytes:
                lines.append(None)
            elif not lines or line.startswith(b"{"):
                lines.append(line)
                kept += len(line)
                if len(lines) > 1 and _json_object(line) is not None:
                    break
            else:
                lines.append(b"")
            if len(lines) >= SNIFF_LINES or kept > max_record_bytes:
                break
    return sample, lines


def detect_format(path: str | Path) -> str:
    """One of ``csv``, ``jsonl``, ``x-v2``, ``twarc2`` for the file at ``path``.

    Raises
    ------
    ImportFormatError
        When the file is empty or looks binary.
    """
    fmt, _ = sniff(*read_head(path))
    if fmt == "empty":
        raise ImportFormatError(M_("the file is empty"))
    return fmt


# -- twarc2 files that hold no posts --------------------------------------------------

#: Keys of a compliance-job record (``twarc2 compliance-job download``): one per line.
_COMPLIANCE_KEYS = frozenset({"id", "action", "created_at", "redacted_at", "reason"})
#: Items of a page looked at to tell what the page holds.
_PAGE_ITEMS = 5


def _item_kind(item: Any) -> str | None:
    """What one non-post record is: ``users``, ``counts``, ``lists`` (None: maybe a post)."""
    if not isinstance(item, Mapping) or "text" in item:
        return None
    if {"tweet_count", "start", "end"} <= item.keys():
        return "counts"
    if "username" in item:
        return "users"
    if "name" in item and ("member_count" in item or "follower_count" in item):
        return "lists"
    return None


def non_post_kind(lines: Sequence[bytes | None]) -> str | None:
    """What a file holds when its first record shows it holds no posts at all.

    twarc2 writes accounts (``users``, ``followers``, ``following``), post counts
    (``counts``), lists and compliance-job results with the same page layout as posts;
    read as posts they would quarantine every record as "missing text". Returns
    ``users``, ``counts``, ``lists`` or ``compliance``; ``None`` for anything else
    (posts, an unknown or unreadable first record: those import as usual).
    """
    first = next((line for line in lines if line), None)
    value = _json_object(first)
    if value is None:
        return None
    data = value.get("data")
    if isinstance(data, list | dict) and "text" not in value:
        items = (data if isinstance(data, list) else [data])[:_PAGE_ITEMS]
        kinds = {_item_kind(item) for item in items}
        return kinds.pop() if len(kinds) == 1 and None not in kinds else None
    if "action" in value and "id" in value and value.keys() <= _COMPLIANCE_KEYS:
        return "compliance"
    if "__twarc" in value:  # a flattened line
        return _item_kind({k: v for k, v in value.items() if k != "__twarc"})
    return None


_KINDS = {
    "users": M_("user accounts"),
    "counts": M_("post counts"),
    "lists": M_("lists of accounts"),
    "compliance": M_("compliance records (deleted or protected posts and accounts)"),
}


def not_posts_error(kind: str, tool: str) -> ImportFormatError:
    """The one message for a file that holds ``kind`` records instead of posts."""
    return ImportFormatError(
        M_(
            "this %(tool)s file holds %(kind)s, not posts: nothing was imported"
            " (import the output of a twarc2 search, timeline or stream)",
            tool=tool,
            kind=_KINDS[kind],
        )
    )
