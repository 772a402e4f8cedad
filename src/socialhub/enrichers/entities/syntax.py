"""Hashtags, @mentions and links: entities that the text's own syntax marks.

These need no model and work in every language. Offsets are character offsets into the
mention's text (``text[start:end] == item["text"]``).
"""

from __future__ import annotations

import re
from typing import Any

from socialhub.text import fold, norm_handle, url_host

# A link: scheme or 'www.' then non-space; trailing punctuation is sentence, not URL.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}»…’'\""
# '#' or '@' not glued to a preceding word char ('a@b.c' is an e-mail, 'x#1' is not a tag).
_TAG = re.compile(r"(?<![\w@#/])([#@])([^\W_][\w.\-]*[^\W.\-]|[^\W_])")


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _URL_TRAIL:
        # keep a closing parenthesis that closes one inside the URL (wikipedia links)
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def extract_syntax(text: str) -> list[dict[str, Any]]:
    """Hashtags, mentions and URLs of ``text`` as entity items (``source='syntax'``).

    Parameters
    ----------
    text
        The mention text (any length; the caller bounds it).

    Returns
    -------
    list of dict
        Items with ``type`` HASHTAG (``id``: folded tag without '#'), MENTION (``id``:
        normalised handle) or URL (``id``: the URL, plus ``domain``), in text order.
    """
    out: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for m in _URL.finditer(text):
        url = _strip_trailing(m.group(0))
        if len(url) <= 4:
            continue
        start, end = m.start(), m.start() + len(url)
        taken.append((start, end))
        out.append(
            {
                "text": url,
                "type": "URL",
                "start": start,
                "end": end,
                "source": "syntax",
                "id": url,
                "domain": url_host(url),
                "workspace_id": None,
            }
        )
    for m in _TAG.finditer(text):
        start, end = m.start(), m.end()
        if any(s <= start < e for s, e in taken):
            continue  # '#anchor' or '@user' inside a URL
        sigil, body = m.group(1), m.group(2)
        if sigil == "#":
            if body.isdigit():
                continue  # '#1', '#2024': ranks and numbers, not topics
            out.append(_item(m.group(0), "HASHTAG", start, end, fold(body)))
        else:
            out.append(_item(m.group(0), "MENTION", start, end, norm_handle(body)))
    out.sort(key=lambda e: e["start"])
    return out


def _item(surface: str, kind: str, start: int, end: int, ident: str) -> dict[str, Any]:
    return {
        "text": surface,
        "type": kind,
        "start": start,
        "end": end,
        "source": "syntax",
        "id": ident,
        "workspace_id": None,
    }
