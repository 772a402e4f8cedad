"""Extracted comment items -> :class:`~socialhub.models.Mention`.

``native_id`` is a stable hash of the watched thread's URL and the item's id (when the
page gives one through ``id_attr``) or else of its author and text: the same comment
gives the same id on every poll and on whichever page of the thread it has moved to.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urldefrag
from zoneinfo import ZoneInfo

from socialhub.connectors.base import parse_time
from socialhub.connectors.webwatch.extract import RawItem
from socialhub.models import Author, Mention
from socialhub.records.quarantine import Reason

PLATFORMS = ("forum", "comments")
# Day-first numeric dates as French sites write them: 31/01/2026 14:05, 31.01.2026 à 14h05
_DMY = re.compile(
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\D{1,4}(?P<H>\d{1,2})[:h](?P<M>\d{2}))?"
)


def item_native_id(thread_url: str, item: RawItem) -> str:
    key = item.item_id or f"{item.author}\n{item.text}"
    data = f"{urldefrag(thread_url).url}\n{key}".encode()
    return hashlib.sha256(data).hexdigest()[:32]


def parse_date(value: str, *, date_format: str = "", tz: str = "Europe/Paris") -> datetime | None:
    """ISO 8601 first, then ``date_format`` (strptime), then day-first numeric dates.
    Dates without a zone are taken in ``tz`` (the site's zone)."""
    value = value.strip()
    if not value:
        return None
    zone = ZoneInfo(tz)
    parsed = parse_time(value) if re.match(r"\d{4}-\d{2}-\d{2}", value) else None
    if parsed is not None:
        if "T" not in value and "+" not in value and not value.endswith("Z"):
            parsed = parsed.replace(tzinfo=zone)  # a bare date: the site's zone, not UTC
        return parsed
    if date_format:
        try:
            dt = datetime.strptime(value, date_format)
        except ValueError:
            return None
        return dt if dt.tzinfo else dt.replace(tzinfo=zone)
    match = _DMY.search(value)
    if match:
        try:
            return datetime(
                int(match["y"]),
                int(match["m"]),
                int(match["d"]),
                int(match["H"] or 0),
                int(match["M"] or 0),
                tzinfo=zone,
            )
        except ValueError:
            return None
    return None


def item_to_mention(
    item: RawItem,
    *,
    thread_url: str,
    page_url: str,
    platform: str,
    match_query: str,
    collected_at: datetime,
    date_format: str = "",
    tz: str = "Europe/Paris",
    title: str = "",
) -> Mention:
    """Raises ``ValueError`` (-> rejected, with the reason) for an unusable item."""
    if item.errors:
        raise ValueError(item.errors[0] if len(item.errors) == 1 else "; ".join(item.errors))
    if not item.text:
        raise ValueError(Reason("webwatch_empty_text"))
    created = parse_date(item.date, date_format=date_format, tz=tz)
    if created is None:
        raise ValueError(Reason("webwatch_bad_date", value=repr(item.date)))
    native_id = item_native_id(thread_url, item)
    url = item.link or (f"{urldefrag(page_url).url}#{item.item_id}" if item.item_id else page_url)
    author = None
    if item.author:
        author = Author(platform=platform, native_id=item.author.casefold(), name=item.author)
    return Mention(
        platform=platform,
        native_id=native_id,
        text=item.text,
        created_at=created,
        url=url,
        kind="comment",
        collected_at=collected_at,
        collected_via=f"webwatch:{thread_url}",
        match_query=match_query,
        author=author,
        root_id=f"{platform}:thread:{hashlib.sha256(thread_url.encode()).hexdigest()[:16]}",
        raw={
            "thread_url": thread_url,
            "page_url": page_url,
            "title": title,
            "item_id": item.item_id,
            "author": item.author,
            "date": item.date,
            "html": item.html,
        },
    )
