"""JSON input: JSON Lines (one value per line) and JSON documents (pretty-printed
objects, concatenated objects, or a top-level array), both streamed.

JSONL is split on lines, so a bad line costs only that line. A JSON document is cut
into top-level values (or the elements of a top-level array) by a small scanner that
tracks strings and bracket depth, so a 500 MB array is never loaded at once; each
value is then parsed on its own and a broken one is quarantined alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from socialhub.records.quarantine import Reason, json_error

from .records import fields_to_mention, is_mention_dict, json_fields, mention_from_dict
from .types import BAD_SHAPE, Context, Item, Reject

Line = tuple[int, str]
#: One JSON value cut from the file: (location, original text, parsed value or None, error).
Value = tuple[str, str, Any, str]

_OUTSIDE = re.compile(r'[\[\]{}"]')
_IN_STRING = re.compile(r'["\\]')
_SPACE_OR_COMMA = re.compile(r"[\s,]*")
_SCALAR_END = re.compile(r"[\s,\]]")


def _parse(text: str) -> tuple[Any, str]:
    try:
        return orjson.loads(text), ""
    except orjson.JSONDecodeError as exc:
        return None, json_error(exc)


def jsonl_values(lines: Iterable[Line]) -> Iterator[Value]:
    """One value per non-blank line."""
    for lineno, text in lines:
        stripped = text.strip()
        if not stripped:
            continue
        value, error = _parse(stripped)
        yield f"line {lineno}", stripped, value, error


def document_values(lines: Iterable[Line]) -> Iterator[Value]:
    """Top-level values of a JSON document; the elements of a top-level array."""
    for count, (first_line, text) in enumerate(split_json(lines), start=1):
        value, error = _parse(text)
        yield f"record {count} (line {first_line})", text, value, error


def split_json(lines: Iterable[Line]) -> Iterator[tuple[int, str]]:
    """Cut a stream of lines into top-level JSON texts (array elements when in an array).

    Yields ``(first_line_number, text)``. Unbalanced input ends in one last, truncated
    text, which will then fail to parse and be quarantined, not dropped.

    Examples
    --------
    >>> list(split_json(enumerate(['[{"a": "]"},', ' {"b": [1]}]'], start=1)))
    [(1, '{"a": "]"}'), (2, '{"b": [1]}')]
    """
    depth = 0
    in_string = escaped = False
    in_array = False
    parts: list[str] = []
    start = 0
    for lineno, line in lines:
        i, n = 0, len(line)
        while i < n:
            if depth == 0 and not parts:
                # Between values: skip blanks and separators, enter/leave a top-level array.
                i = _SPACE_OR_COMMA.match(line, i).end()  # type: ignore[union-attr]
                if i >= n:
                    break
                ch = line[i]
                if ch == "[" and not in_array:
                    in_array = True
                    i += 1
                    continue
                if ch == "]" and in_array:
                    in_array = False
                    i += 1
                    continue
                start = lineno
                if ch not in "{[":
                    # A bare scalar (or junk): up to the next separator on this line.
                    m = _SCALAR_END.search(line, i + 1)
                    end = m.start() if m else n
                    yield lineno, line[i:end]
                    i = end
                    continue
            if in_string:
                if escaped:
                    escaped = False
                    parts.append(line[i])
                    i += 1
                    continue
                m = _IN_STRING.search(line, i)
                if m is None:
                    parts.append(line[i:])
                    break
                parts.append(line[i : m.end()])
                i = m.end()
                if m.group() == "\\":
                    escaped = True
                else:
                    in_string = False
                continue
            m = _OUTSIDE.search(line, i)
            if m is None:
                parts.append(line[i:])
                break
            parts.append(line[i : m.end()])
            i = m.end()
            ch = m.group()
            if ch == '"':
                in_string = True
            elif ch in "{[":
                depth += 1
            else:
                depth -= 1
                if depth <= 0:
                    depth = 0
                    yield start, "".join(parts).strip()
                    parts = []
    if parts and "".join(parts).strip():
        yield start, "".join(parts).strip()


def record_items(values: Iterable[Value], ctx: Context) -> Iterator[Item]:
    """The ``jsonl`` format: flat records or socialhub Mention dicts, one per value."""
    for location, text, value, error in values:
        if error:
            yield ctx.quarantine(error, text, location)
            continue
        if not isinstance(value, dict):
            yield ctx.quarantine(Reason("not_an_object", type=type(value).__name__), text, location)
            continue
        try:
            if is_mention_dict(value):
                yield mention_from_dict(value, ctx)
            else:
                yield fields_to_mention(json_fields(value, ctx.mapping), ctx, value)
        except Reject as exc:
            yield ctx.quarantine(exc.reason, text, location)
        except BAD_SHAPE as exc:
            yield ctx.quarantine(Reason("invalid_value", error=repr(exc)), text, location)
