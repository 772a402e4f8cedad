"""YouTube search results and comment threads -> :class:`~socialhub.models.Mention`.

A video found by ``search.list`` becomes a ``post`` (title and description; the search
snippet HTML-escapes them, so they are unescaped). Each comment of a
``commentThreads.list`` item becomes a ``comment``: the top-level one replies to the
video, a reply to its ``parentId``; ``root_id`` is the video so threads can be traced.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from socialhub.connectors.base import parse_time
from socialhub.connectors.empty_text import policy_text
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason

PLATFORM = "youtube"


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _count(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def video_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def search_item_to_mention(
    item: dict[str, Any], *, match_query: str, collected_at: datetime
) -> Mention:
    """A ``youtube#searchResult`` of kind ``youtube#video``."""
    video_id = _get(item, "id", "videoId")
    if not isinstance(video_id, str) or not video_id:
        raise ValueError(Reason("youtube_search_without_video_id"))
    snippet = item.get("snippet")
    if not isinstance(snippet, dict):
        raise ValueError(Reason("youtube_no_snippet", id=video_id))
    created = parse_time(snippet.get("publishedAt") or snippet.get("publishTime"))
    if created is None:
        raise ValueError(Reason("youtube_bad_published_at", id=video_id))
    title = html.unescape(str(snippet.get("title") or ""))
    description = html.unescape(str(snippet.get("description") or ""))
    thumb = _get(snippet, "thumbnails", "high", "url") or _get(
        snippet, "thumbnails", "default", "url"
    )
    channel = str(snippet.get("channelId") or "")
    return Mention(
        platform=PLATFORM,
        native_id=video_id,
        text=policy_text(f"{title}\n\n{description}", links=[video_url(video_id)]),
        created_at=created,
        url=video_url(video_id),
        kind="post",
        collected_at=collected_at,
        collected_via="youtube:search",
        match_query=match_query,
        author=Author(
            platform=PLATFORM, native_id=channel, name=str(snippet.get("channelTitle") or "")
        )
        if channel
        else None,
        media=[str(thumb)] if thumb else [],
        raw=item,
    )


def _comment(
    comment: Any,
    *,
    video_id: str,
    parent: str,
    replies: int,
    match_query: str,
    collected_at: datetime,
    raw: Any,
) -> Mention:
    comment_id = _get(comment, "id")
    snippet = _get(comment, "snippet")
    if not isinstance(comment_id, str) or not comment_id or not isinstance(snippet, dict):
        raise ValueError(Reason("youtube_comment_without_id"))
    created = parse_time(snippet.get("publishedAt"))
    if created is None:
        raise ValueError(Reason("youtube_bad_published_at", id=comment_id))
    # textOriginal is the author's text; textDisplay may be HTML unless textFormat=plainText.
    text = snippet.get("textOriginal")
    if text is None:
        text = html.unescape(str(snippet.get("textDisplay") or ""))
    author_id = _get(snippet, "authorChannelId", "value")
    display = str(snippet.get("authorDisplayName") or "")
    author = None
    if author_id or display:
        author = Author(
            platform=PLATFORM,
            native_id=str(author_id or display),
            handle=display if display.startswith("@") else "",
            name=display,
        )
    return Mention(
        platform=PLATFORM,
        native_id=comment_id,
        text=policy_text(str(text)),  # empty-text policy: a comment is its text
        created_at=created,
        url=f"{video_url(video_id)}&lc={comment_id}",
        kind="comment",
        collected_at=collected_at,
        collected_via="youtube:commentThreads",
        match_query=match_query,
        author=author,
        reply_to=f"{PLATFORM}:{parent}",
        root_id=f"{PLATFORM}:{video_id}",
        engagement=Engagement(likes=_count(snippet.get("likeCount")), replies=replies),
        raw=raw,
    )


def thread_to_mentions(
    thread: dict[str, Any], *, match_query: str, collected_at: datetime
) -> list[Mention]:
    """A ``youtube#commentThread``: its top-level comment, then the replies included."""
    snippet = thread.get("snippet")
    if not isinstance(snippet, dict):
        raise ValueError(Reason("youtube_thread_without_snippet"))
    top = snippet.get("topLevelComment")
    video_id = str(snippet.get("videoId") or _get(top, "snippet", "videoId") or "")
    if not video_id:
        raise ValueError(Reason("youtube_thread_without_video_id"))
    out = [
        _comment(
            top,
            video_id=video_id,
            parent=video_id,
            replies=_count(snippet.get("totalReplyCount")),
            match_query=match_query,
            collected_at=collected_at,
            raw=top,
        )
    ]
    for reply in _get(thread, "replies", "comments") or []:
        parent = str(_get(reply, "snippet", "parentId") or out[0].native_id)
        out.append(
            _comment(
                reply,
                video_id=video_id,
                parent=parent,
                replies=0,
                match_query=match_query,
                collected_at=collected_at,
                raw=reply,
            )
        )
    return out
