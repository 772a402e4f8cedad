"""Graph API post and comment objects -> :class:`~socialhub.models.Mention`.

Post ids are ``{page_id}_{post_id}`` and comment ids ``{post_id}_{comment_id}``; both
are kept as the native id. A comment's ``reply_to`` is its parent comment (``parent``
field, present for replies when comments are read with ``filter=stream``) or else the
post; ``root_id`` is always the post, so a whole thread can be traced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from socialhub.connectors.base import parse_time
from socialhub.models import Author, Engagement, Mention

PLATFORM = "facebook"

POST_FIELDS = (
    "id,message,story,created_time,permalink_url,status_type,from{id,name},"
    "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
    "place{name}"
)
COMMENT_FIELDS = (
    "id,message,created_time,permalink_url,from{id,name},like_count,comment_count,parent{id}"
)


def _count(obj: Any, *path: str) -> int:
    for key in path:
        if not isinstance(obj, dict):
            return 0
        obj = obj.get(key)
    return int(obj) if isinstance(obj, int) and obj >= 0 else 0


def _required(item: dict[str, Any]) -> tuple[str, datetime]:
    native_id = item.get("id")
    if not isinstance(native_id, str) or not native_id:
        raise ValueError("missing id")
    created = parse_time(item.get("created_time"))
    if created is None:
        raise ValueError(f"{native_id}: missing or invalid created_time")
    return native_id, created


def _author(item: dict[str, Any], fallback_id: str = "") -> Author | None:
    who = item.get("from")
    if isinstance(who, dict) and who.get("id"):
        return Author(platform=PLATFORM, native_id=str(who["id"]), name=str(who.get("name") or ""))
    if fallback_id:
        return Author(platform=PLATFORM, native_id=fallback_id)
    # Without a page token, Graph hides commenters: the mention stays, anonymous.
    return None


def post_to_mention(
    item: dict[str, Any], *, page_id: str, match_query: str, collected_at: datetime
) -> Mention:
    """A page post. Raises ``ValueError`` (-> rejected) without an id or creation time."""
    native_id, created = _required(item)
    text = str(item.get("message") or item.get("story") or "")
    place = item.get("place")
    return Mention(
        platform=PLATFORM,
        native_id=native_id,
        text=text,
        created_at=created,
        url=str(item.get("permalink_url") or f"https://www.facebook.com/{native_id}"),
        kind="post",
        collected_at=collected_at,
        collected_via="facebook:posts",
        match_query=match_query,
        author=_author(item, page_id),
        engagement=Engagement(
            likes=_count(item, "reactions", "summary", "total_count"),
            reposts=_count(item, "shares", "count"),
            replies=_count(item, "comments", "summary", "total_count"),
        ),
        place=str(place.get("name") or "") if isinstance(place, dict) else "",
        raw=item,
    )


def comment_to_mention(
    item: dict[str, Any], *, post_id: str, match_query: str, collected_at: datetime
) -> Mention:
    """A comment (or a reply to one) under ``post_id``."""
    native_id, created = _required(item)
    parent = item.get("parent")
    parent_id = str(parent["id"]) if isinstance(parent, dict) and parent.get("id") else post_id
    return Mention(
        platform=PLATFORM,
        native_id=native_id,
        text=str(item.get("message") or ""),
        created_at=created,
        url=str(item.get("permalink_url") or f"https://www.facebook.com/{native_id}"),
        kind="comment",
        collected_at=collected_at,
        collected_via="facebook:comments",
        match_query=match_query,
        author=_author(item),
        reply_to=f"{PLATFORM}:{parent_id}",
        root_id=f"{PLATFORM}:{post_id}",
        engagement=Engagement(
            likes=_count(item, "like_count"), replies=_count(item, "comment_count")
        ),
        raw=item,
    )
