"""Reddit things (``t3`` links/posts, ``t1`` comments) -> Mention.

A Listing is ``{"kind": "Listing", "data": {"after", "before", "dist", "children":
[{"kind": "t3" | "t1" | "more", "data": {...}}]}}``; ``/comments/{id}`` answers two
Listings, the post then its comment tree (``replies`` is a Listing or ``""``).

Native ids are *fullnames* (``t3_1b7xk2q``, ``t1_kt9z3aa``) because ``parent_id`` and
``link_id`` use them: reply and root ids then need no lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from socialhub.connectors.base import Rejected
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason, reason_of

SITE = "https://www.reddit.com"
_GONE = {"[deleted]", "[removed]"}
_BAD_SHAPE = (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError)


class Invalid(Exception):
    """A thing that cannot become a Mention; the message is the dead-letter reason."""


def listing_children(listing: Any) -> list[Mapping[str, Any]]:
    """The children of a Listing; raises TypeError when it is not one."""
    if not isinstance(listing, Mapping) or listing.get("kind") != "Listing":
        raise TypeError("not a Listing")
    children = (listing.get("data") or {}).get("children")
    if not isinstance(children, list):
        raise TypeError("Listing without children")
    return [c for c in children if isinstance(c, Mapping)]


def walk_comments(children: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every ``t1`` of a comment tree, parents before replies (``more`` stubs skipped)."""
    for child in children:
        if child.get("kind") != "t1":
            continue
        yield child
        replies = (child.get("data") or {}).get("replies")
        if isinstance(replies, Mapping):
            yield from walk_comments(listing_children(replies))


def _time(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise Invalid(Reason("reddit_bad_created_utc", value=repr(str(value)[:40]))) from None


def _int(value: Any) -> int:
    return max(int(value), 0) if isinstance(value, int | float) and value == value else 0


def _clean(value: Any) -> str:
    return "" if value is None else str(value).replace("\x00", "").strip()


def _author(data: Mapping[str, Any]) -> Author | None:
    name = _clean(data.get("author"))
    if not name or name in _GONE:
        return None
    return Author(
        platform="reddit",
        native_id=_clean(data.get("author_fullname")) or name,
        handle=name,
        name=name,
    )


def thing_to_mention(
    thing: Mapping[str, Any], *, via: str, collected_at: datetime, match_query: str = ""
) -> Mention:
    """A ``t3`` (post) or ``t1`` (comment) -> Mention; raises :class:`Invalid`."""
    kind, data = thing.get("kind"), thing.get("data")
    if kind not in ("t1", "t3") or not isinstance(data, Mapping):
        raise Invalid(Reason("reddit_unknown_kind", kind=repr(kind)))
    fullname = _clean(data.get("name")) or f"{kind}_{_clean(data.get('id'))}"
    if not fullname.startswith(f"{kind}_") or fullname == f"{kind}_":
        raise Invalid(Reason("reddit_no_id", id=repr(fullname)))
    reply_to: str | None = None
    root: str | None = None
    if kind == "t3":
        title, body = _clean(data.get("title")), _clean(data.get("selftext"))
        body = "" if body in _GONE else body
        text = f"{title}\n\n{body}" if body else title
        link = _clean(data.get("url_overridden_by_dest"))
        if link and not data.get("is_self"):
            text = f"{text}\n{link}"  # a link post is about its link: let queries see it
        crosspost = _clean(data.get("crosspost_parent"))
        mention_kind = "repost" if crosspost else "post"
        root = f"reddit:{fullname}"
        engagement = Engagement(
            likes=_int(data.get("score")),
            replies=_int(data.get("num_comments")),
            reposts=_int(data.get("num_crossposts")),
        )
    else:
        text = _clean(data.get("body"))
        if text in _GONE:
            raise Invalid(Reason("reddit_deleted", id=fullname, value=text))
        crosspost, mention_kind = "", "comment"
        reply_to = f"reddit:{_clean(data.get('parent_id'))}" if data.get("parent_id") else None
        root = f"reddit:{_clean(data.get('link_id'))}" if data.get("link_id") else None
        engagement = Engagement(likes=_int(data.get("score")))
    if not text:
        raise Invalid(Reason("reddit_missing_text"))
    permalink = _clean(data.get("permalink"))
    return Mention(
        platform="reddit",
        native_id=fullname,
        text=text,
        created_at=_time(data.get("created_utc")),
        url=f"{SITE}{permalink}" if permalink.startswith("/") else permalink,
        lang="und",  # Reddit does not say; the pipeline detects it
        kind=mention_kind,
        collected_at=collected_at,
        collected_via=via,
        match_query=match_query,
        author=_author(data),
        reply_to=reply_to,
        repost_of=f"reddit:{crosspost}" if crosspost else None,
        root_id=root,
        engagement=engagement,
        # The comment tree below a thing is not part of its evidence: each reply is
        # its own mention with its own raw payload.
        raw={"kind": kind, "data": {k: v for k, v in data.items() if k != "replies"}},
    )


def things_to_mentions(
    things: list[Mapping[str, Any]], *, via: str, collected_at: datetime, match_query: str = ""
) -> tuple[list[Mention], list[Rejected]]:
    """Normalise each thing; failures become :class:`Rejected` with the thing's JSON."""
    mentions: list[Mention] = []
    rejected: list[Rejected] = []
    for thing in things:
        where = _clean(
            (thing.get("data") or {}).get("name") if isinstance(thing.get("data"), Mapping) else ""
        )
        try:
            mentions.append(
                thing_to_mention(thing, via=via, collected_at=collected_at, match_query=match_query)
            )
        except Invalid as exc:
            rejected.append(Rejected(reason_of(exc), orjson.dumps(thing).decode(), where))
        except _BAD_SHAPE as exc:
            rejected.append(
                Rejected(
                    Reason("invalid_value", error=repr(exc)), orjson.dumps(thing).decode(), where
                )
            )
    return mentions, rejected
