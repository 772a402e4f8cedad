"""Bluesky payloads -> :class:`~socialhub.models.Mention`.

Three shapes arrive: a ``PostView`` (``app.bsky.feed.defs#postView``, from
``searchPosts``), a ``FeedViewPost`` (``getAuthorFeed``: a post plus an optional
``reason``, e.g. ``#reasonRepost``) and a Jetstream commit event (the bare
``app.bsky.feed.post`` record with the author's DID). The native id is the post's AT
URI (``at://<did>/app.bsky.feed.post/<rkey>``), which is also what replies, quotes and
reposts point to, so propagation links join up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialhub.connectors.base import parse_time
from socialhub.connectors.empty_text import EmptyText, policy_text
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason, reason_of

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")


class NormalizeError(ValueError):
    """The item lacks what a mention needs (uri, author, text or a valid date)."""


def web_url(uri: str, handle: str = "") -> str:
    """``at://did/app.bsky.feed.post/rkey`` -> ``https://bsky.app/profile/<handle>/post/<rkey>``.

    >>> web_url("at://did:plc:abc/app.bsky.feed.post/3kx", "alice.example")
    'https://bsky.app/profile/alice.example/post/3kx'
    """
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST:
        return ""
    actor = handle if handle and handle != "handle.invalid" else parts[0]
    return f"https://bsky.app/profile/{actor}/post/{parts[2]}"


def at_uri(did: str, rkey: str, collection: str = POST) -> str:
    return f"at://{did}/{collection}/{rkey}"


def _author(profile: Any) -> Author:
    if not isinstance(profile, dict) or not profile.get("did"):
        raise NormalizeError(Reason("bluesky_author_without_did"))
    return Author(
        platform=PLATFORM,
        native_id=str(profile["did"]),
        handle=str(profile.get("handle") or ""),
        name=str(profile.get("displayName") or ""),
        followers=int(profile.get("followersCount") or 0),
        following=int(profile.get("followsCount") or 0),
        created_at=parse_time(profile.get("createdAt")),
        description=str(profile.get("description") or ""),
    )


def _links(record: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(reply parent, thread root, quoted post) AT URIs from a post record."""
    reply_to = root = quote = None
    reply = record.get("reply")
    if isinstance(reply, dict):
        reply_to = (reply.get("parent") or {}).get("uri") or None
        root = (reply.get("root") or {}).get("uri") or None
    embed = record.get("embed")
    if isinstance(embed, dict) and embed.get("$type") in QUOTE_EMBEDS:
        inner = embed.get("record") or {}
        if embed.get("$type") == QUOTE_EMBEDS[1]:
            inner = inner.get("record") or {}  # recordWithMedia wraps a #main record
        quote = inner.get("uri") or None
    return reply_to, root, quote


def _media(view_embed: Any) -> list[str]:
    """Image and video URLs from a post view's embed (``#view`` variants)."""
    if not isinstance(view_embed, dict):
        return []
    if "media" in view_embed:  # recordWithMedia#view
        return _media(view_embed.get("media"))
    urls = [str(i["fullsize"]) for i in view_embed.get("images") or [] if i.get("fullsize")]
    if view_embed.get("playlist"):
        urls.append(str(view_embed["playlist"]))
    external = view_embed.get("external")
    if isinstance(external, dict) and external.get("uri"):
        urls.append(str(external["uri"]))
    return urls


def _kind(reply_to: str | None, quote: str | None) -> str:
    return "reply" if reply_to else "quote" if quote else "post"


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _record_text(record: dict[str, Any], media: list[str] | None = None) -> str:
    """The post's text, or one built by the empty-text policy from its embed: image alt
    texts, a link card's title, else the card's URL, a media URL or the quoted post."""
    text = record.get("text")
    if not isinstance(text, str):
        raise NormalizeError(Reason("bluesky_record_without_text"))
    if text.strip():
        return text
    embed: dict[str, Any] = _obj(record.get("embed"))
    parts = [embed, _obj(embed.get("media"))]
    alts: list[str] = []
    links: list[str] = []
    for part in parts:
        for image in part.get("images") or []:
            if isinstance(image, dict):
                alts.append(str(image.get("alt") or ""))
        if isinstance(part.get("video"), dict) or part.get("$type") == "app.bsky.embed.video":
            alts.append(str(part.get("alt") or ""))
        external = part.get("external")
        if isinstance(external, dict):
            alts.append(str(external.get("title") or ""))
            links.append(str(external.get("uri") or ""))
    _, _, quote = _links(record)
    links += [*(media or []), web_url(quote) if quote else ""]
    try:
        return policy_text(text, fallbacks=alts, links=links)
    except EmptyText as exc:
        raise NormalizeError(reason_of(exc)) from exc


def _created(record: dict[str, Any], fallback: Any = None) -> datetime:
    created = parse_time(record.get("createdAt")) or parse_time(fallback)
    if created is None:
        raise NormalizeError(Reason("bluesky_bad_created_at"))
    return created


def from_post_view(
    post: Any,
    *,
    collected_via: str,
    match_query: str = "",
    collected_at: datetime | None = None,
) -> Mention:
    """A ``PostView`` (search results, feeds) -> a mention."""
    if not isinstance(post, dict) or not str(post.get("uri", "")).startswith("at://"):
        raise NormalizeError(Reason("bluesky_post_without_uri"))
    record = post.get("record")
    if not isinstance(record, dict):
        raise NormalizeError(Reason("bluesky_post_without_record"))
    author = _author(post.get("author"))
    reply_to, root, quote = _links(record)
    langs = record.get("langs") or []
    return Mention(
        platform=PLATFORM,
        native_id=str(post["uri"]),
        text=_record_text(record, _media(post.get("embed"))),
        created_at=_created(record, post.get("indexedAt")),
        url=web_url(str(post["uri"]), author.handle),
        lang=str(langs[0]) if langs else "und",
        kind=_kind(reply_to, quote),
        collected_at=collected_at or datetime.now(UTC),
        collected_via=collected_via,
        match_query=match_query,
        author=author,
        reply_to=reply_to,
        quote_of=quote,
        root_id=root if reply_to else None,
        engagement=Engagement(
            likes=int(post.get("likeCount") or 0),
            reposts=int(post.get("repostCount") or 0),
            replies=int(post.get("replyCount") or 0),
            quotes=int(post.get("quoteCount") or 0),
        ),
        media=_media(post.get("embed")),
        raw=post,
    )


def from_feed_item(
    item: Any,
    *,
    collected_via: str,
    match_query: str = "",
    collected_at: datetime | None = None,
) -> Mention:
    """A ``FeedViewPost``: the post itself, or a repost of it by the feed's owner."""
    if not isinstance(item, dict):
        raise NormalizeError(Reason("bluesky_feed_item_not_object"))
    post = item.get("post")
    reason = item.get("reason")
    original = from_post_view(
        post, collected_via=collected_via, match_query=match_query, collected_at=collected_at
    )
    if not (isinstance(reason, dict) and reason.get("$type") == "app.bsky.feed.defs#reasonRepost"):
        return original
    by = _author(reason.get("by"))
    # newer AppViews give the repost record's own uri; older ones do not
    native = str(reason.get("uri") or f"{original.native_id}#repost-by-{by.native_id}")
    created = parse_time(reason.get("indexedAt")) or original.created_at
    return Mention(
        platform=PLATFORM,
        native_id=native,
        text=original.text,
        created_at=created,
        url=original.url,
        lang=original.lang,
        kind="repost",
        collected_at=original.collected_at,
        collected_via=collected_via,
        match_query=match_query,
        author=by,
        repost_of=original.native_id,
        root_id=original.root_id,
        media=list(original.media),
        raw=item,
    )


def from_jetstream(
    event: Any, *, collected_at: datetime | None = None, match_query: str = ""
) -> Mention | None:
    """A Jetstream event -> a mention; None for events that are not new posts."""
    if not isinstance(event, dict) or event.get("kind") != "commit":
        return None
    commit = event.get("commit")
    if not isinstance(commit, dict):
        raise NormalizeError(Reason("bluesky_commit_without_commit"))
    if commit.get("operation") != "create" or commit.get("collection") != POST:
        return None
    did, rkey, record = event.get("did"), commit.get("rkey"), commit.get("record")
    if not did or not rkey or not isinstance(record, dict):
        raise NormalizeError(Reason("bluesky_create_without_record"))
    uri = at_uri(str(did), str(rkey))
    reply_to, root, quote = _links(record)
    langs = record.get("langs") or []
    return Mention(
        platform=PLATFORM,
        native_id=uri,
        text=_record_text(record),
        created_at=_created(record),
        url=web_url(uri),
        lang=str(langs[0]) if langs else "und",
        kind=_kind(reply_to, quote),
        collected_at=collected_at or datetime.now(UTC),
        collected_via="bluesky:jetstream",
        match_query=match_query,
        # the firehose carries only the DID; the handle is resolved later if needed
        author=Author(platform=PLATFORM, native_id=str(did)),
        reply_to=reply_to,
        quote_of=quote,
        root_id=root if reply_to else None,
        raw=event,
    )
