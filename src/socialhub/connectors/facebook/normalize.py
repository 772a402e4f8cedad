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
from socialhub.connectors.empty_text import policy_text
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason

PLATFORM = "facebook"

POST_FIELDS = (
    "id,message,story,created_time,permalink_url,status_type,from{id,name},full_picture,"
    "attachments{title,description,unshimmed_url,media},"
    "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
    "place{name}"
)
COMMENT_FIELDS = (
    "id,message,created_time,permalink_url,from{id,name},like_count,comment_count,parent{id},"
    "attachment{title,description,url,media}"
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
        raise ValueError(Reason("facebook_missing_id"))
    created = parse_time(item.get("created_time"))
    if created is None:
        raise ValueError(Reason("facebook_bad_created_time", id=native_id))
    return native_id, created


def _attachment_parts(attachments: list[Any]) -> tuple[list[str], list[str]]:
    """(titles and descriptions, URLs) of a post's or comment's attachments."""
    words: list[str] = []
    urls: list[str] = []
    for att in attachments:
        if not isinstance(att, dict):
            continue
        words += [str(att.get("title") or ""), str(att.get("description") or "")]
        urls.append(str(att.get("unshimmed_url") or att.get("url") or ""))
        media = att.get("media")
        image = media.get("image") if isinstance(media, dict) else None
        if isinstance(image, dict):
            urls.append(str(image.get("src") or ""))
    return words, urls


def _text(message: Any, story: Any, attachments: list[Any], extra_urls: list[str]) -> str:
    """Empty-text policy: ``story`` and ``message`` both kept (the story says what the
    page did, the message what it said); else the attachments' titles, else a URL; a
    post or comment with none of them is rejected (quarantined) with the reason."""
    msg, what = str(message or "").strip(), str(story or "").strip()
    text = f"{what}\n\n{msg}" if what and msg else msg or what
    words, urls = _attachment_parts(attachments)
    return policy_text(text, fallbacks=words, links=[*urls, *extra_urls])


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
    """A page post. Raises ``ValueError`` (-> rejected) without an id or creation time,
    or with nothing to build a text from (``EmptyText``)."""
    native_id, created = _required(item)
    attachments = (item.get("attachments") or {}).get("data") or []
    text = _text(
        item.get("message"), item.get("story"), attachments, [str(item.get("full_picture") or "")]
    )
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
        text=_text(item.get("message"), None, [item.get("attachment")], []),
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
