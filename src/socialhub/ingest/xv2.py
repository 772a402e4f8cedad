"""X API v2 response pages and tweets (also twarc2 output, raw or flattened) -> Mention.

A v2 page is ``{"data": [tweet...], "includes": {"users", "tweets", "places",
"media"}, "meta": {"result_count", "next_token"}}``: a tweet only carries ids
(``author_id``, ``referenced_tweets[].id``, ``geo.place_id``,
``attachments.media_keys``) that are resolved against ``includes``. ``twarc2 flatten``
writes one tweet per line with those objects inlined (``author``, merged
``referenced_tweets``, ``geo`` merged with its place, ``attachments.media``) and the
page's ``__twarc`` metadata (``retrieved_at``) copied in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from socialhub.models import Author, Engagement, Mention

from .types import BAD_SHAPE, Context, Item, Reject
from .values import clean_text, normalize_lang, parse_count, parse_datetime, x_snowflake_time

JSON = dict[str, Any]
_KIND_BY_REF = {"retweeted": "repost", "replied_to": "reply", "quoted": "quote"}
_VERIFIED_TYPES = {"blue", "business", "government"}


@dataclass(slots=True)
class Includes:
    """The expansions a tweet's ids resolve against, keyed by id (media by media_key)."""

    users: dict[str, JSON] = field(default_factory=dict)
    tweets: dict[str, JSON] = field(default_factory=dict)
    places: dict[str, JSON] = field(default_factory=dict)
    media: dict[str, JSON] = field(default_factory=dict)

    @classmethod
    def from_page(cls, page: Mapping[str, Any]) -> Includes:
        inc = page.get("includes")
        if not isinstance(inc, Mapping):
            inc = {}
        return cls(
            users=_index(inc.get("users"), "id"),
            tweets=_index(inc.get("tweets"), "id"),
            places=_index(inc.get("places"), "id"),
            media=_index(inc.get("media"), "media_key"),
        )

    @classmethod
    def from_flat_tweet(cls, tweet: Mapping[str, Any]) -> Includes:
        """What ``twarc2 flatten`` put inline in the tweet itself."""
        out = cls()
        author = tweet.get("author")
        if isinstance(author, Mapping) and author.get("id"):
            out.users[str(author["id"])] = dict(author)
        for ref in tweet.get("referenced_tweets") or []:
            if isinstance(ref, Mapping) and ref.get("id") and "text" in ref:
                out.tweets[str(ref["id"])] = dict(ref)
                ref_author = ref.get("author")
                if isinstance(ref_author, Mapping) and ref_author.get("id"):
                    out.users.setdefault(str(ref_author["id"]), dict(ref_author))
        geo = tweet.get("geo")
        if isinstance(geo, Mapping) and geo.get("place_id"):
            out.places[str(geo["place_id"])] = dict(geo)
        attachments = tweet.get("attachments")
        if isinstance(attachments, Mapping):
            out.media = _index(attachments.get("media"), "media_key")
        return out


def _index(items: Any, key: str) -> dict[str, JSON]:
    if not isinstance(items, list):
        return {}
    return {str(it[key]): it for it in items if isinstance(it, dict) and it.get(key)}


def is_page(obj: Mapping[str, Any]) -> bool:
    """A v2 response page (possibly empty or an error page), not a single tweet."""
    if "data" in obj and isinstance(obj["data"], list | dict):
        return True
    return "id" not in obj and ("meta" in obj or "errors" in obj)


def is_tweet(obj: Mapping[str, Any]) -> bool:
    return "id" in obj and "text" in obj


def x_items(obj: Any, ctx: Context, location: str, raw_text: str) -> Iterator[Item]:
    """Mentions (and quarantined tweets) of one JSON value: a page or a single tweet."""
    if not isinstance(obj, dict):
        yield ctx.quarantine(
            f"unsupported record: expected an X API v2 page or tweet, got {type(obj).__name__}",
            raw_text,
            location,
        )
        return
    if is_page(obj):
        yield from page_items(obj, ctx, location, raw_text)
    elif is_tweet(obj):
        collected_at = _retrieved_at(obj, ctx)
        try:
            yield tweet_to_mention(
                obj, Includes.from_flat_tweet(obj), ctx, collected_at=collected_at, raw=obj
            )
        except Reject as exc:
            yield ctx.quarantine(exc.reason, raw_text, location)
        except BAD_SHAPE as exc:
            yield ctx.quarantine(f"invalid value: {exc!r}", raw_text, location)
    else:
        yield ctx.quarantine(
            "unsupported record: not an X API v2 page (data/includes/meta) nor a tweet (id, text)",
            raw_text,
            location,
        )


def page_items(page: JSON, ctx: Context, location: str, raw_text: str) -> Iterator[Item]:
    data = page.get("data")
    if data is None:
        errors = page.get("errors")
        if errors:
            first = errors[0] if isinstance(errors, list) and errors else errors
            detail = first.get("detail") or first.get("title") if isinstance(first, dict) else first
            yield ctx.quarantine(f"X API error page: {detail}", raw_text, location)
        return  # an empty page (meta.result_count == 0) holds nothing
    try:
        inc = Includes.from_page(page)
        collected_at = _retrieved_at(page, ctx)
        rules = page.get("matching_rules") or []
        match_query = ",".join(
            str(r.get("tag") or r.get("id")) for r in rules if isinstance(r, dict)
        )
    except BAD_SHAPE as exc:
        yield ctx.quarantine(f"invalid value: page: {exc!r}", raw_text, location)
        return
    tweets = data if isinstance(data, list) else [data]
    for i, tweet in enumerate(tweets):
        where = f"{location}, data[{i}]"
        if not isinstance(tweet, dict):
            yield ctx.quarantine(
                "unsupported record: tweet is not an object", orjson.dumps(tweet).decode(), where
            )
            continue
        try:
            raw = _tweet_raw(tweet, inc, page.get("__twarc"))
            mention = tweet_to_mention(tweet, inc, ctx, collected_at=collected_at, raw=raw)
        except Reject as exc:
            yield ctx.quarantine(exc.reason, orjson.dumps(tweet).decode(), where)
            continue
        except BAD_SHAPE as exc:
            yield ctx.quarantine(f"invalid value: {exc!r}", orjson.dumps(tweet).decode(), where)
            continue
        mention.match_query = match_query
        yield mention


def _tweet_raw(tweet: JSON, inc: Includes, twarc: Any) -> JSON:
    """The tweet as captured plus the expansions it uses, shaped like a v2 response."""
    includes: JSON = {}
    author = inc.users.get(str(tweet.get("author_id")))
    if author:
        includes["users"] = [author]
    place_id = (tweet.get("geo") or {}).get("place_id")
    if place_id and str(place_id) in inc.places:
        includes["places"] = [inc.places[str(place_id)]]
    keys = (tweet.get("attachments") or {}).get("media_keys") or []
    media = [inc.media[str(k)] for k in keys if str(k) in inc.media]
    if media:
        includes["media"] = media
    raw: JSON = {"data": tweet, "includes": includes}
    if twarc is not None:
        raw["__twarc"] = twarc
    return raw


def _retrieved_at(obj: Mapping[str, Any], ctx: Context) -> datetime:
    meta = obj.get("__twarc")
    if isinstance(meta, Mapping) and meta.get("retrieved_at"):
        try:
            return parse_datetime(meta["retrieved_at"], field="retrieved_at")
        except Reject:
            pass
    return ctx.collected_at


def tweet_to_mention(
    tweet: Mapping[str, Any],
    inc: Includes,
    ctx: Context,
    *,
    collected_at: datetime,
    raw: Any,
) -> Mention:
    """One v2 tweet object -> Mention; ids resolve against ``inc``.

    Without ``created_at`` (not requested in ``tweet.fields``) the time is read from the
    id, which X builds from the creation time.
    """
    tweet_id = clean_text(tweet.get("id"))
    if not tweet_id.isdigit():
        raise Reject("unsupported record", f"tweet id {tweet_id!r} is not numeric")
    note = tweet.get("note_tweet")
    text = clean_text(note.get("text") if isinstance(note, Mapping) else None) or clean_text(
        tweet.get("text")
    )
    if tweet.get("created_at"):
        created_at = parse_datetime(tweet["created_at"])
    else:
        from_id = x_snowflake_time(tweet_id)
        if from_id is None:
            raise Reject("missing created_at", "no created_at and the id predates X snowflakes")
        created_at = from_id

    links: dict[str, str] = {}  # "reply" | "quote" | "repost" -> parent mention id
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, Mapping) and ref.get("type") in _KIND_BY_REF and ref.get("id"):
            links[_KIND_BY_REF[ref["type"]]] = f"x:{ref['id']}"
    # A retweet is a repost even if it also replied; a reply that quotes is a reply.
    kind = next((k for k in ("repost", "reply", "quote") if k in links), "post")
    if kind == "repost":
        # v2 truncates retweet text; the original (in includes) has it whole.
        original = inc.tweets.get(links["repost"].removeprefix("x:"))
        if original and original.get("text"):
            orig_author = inc.users.get(str(original.get("author_id"))) or {}
            orig_handle = orig_author.get("username")
            full = clean_text(original["text"])
            text = f"RT @{orig_handle}: {full}" if orig_handle else text or full
    if not text:
        raise Reject("missing text", "the tweet text is empty")

    author = _author(inc.users.get(str(tweet.get("author_id"))), tweet.get("author_id"))
    handle = author.handle if author else ""
    url = (
        f"https://x.com/{handle}/status/{tweet_id}"
        if handle
        else f"https://x.com/i/web/status/{tweet_id}"
    )

    metrics = tweet.get("public_metrics") or {}
    place, country = "", ""
    geo = tweet.get("geo")
    if isinstance(geo, Mapping) and geo.get("place_id"):
        found = inc.places.get(str(geo["place_id"])) or {}
        place = clean_text(found.get("full_name") or found.get("name"))
        country = clean_text(found.get("country_code")).lower()
    media: list[str] = []
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        item = inc.media.get(str(key)) or {}
        link = item.get("url") or item.get("preview_image_url")
        if link:
            media.append(str(link))
    conversation = clean_text(tweet.get("conversation_id"))
    return Mention(
        platform="x",
        native_id=tweet_id,
        text=text,
        created_at=created_at,
        url=url,
        lang=normalize_lang(tweet.get("lang")),
        kind=kind,
        collected_at=collected_at,
        collected_via=ctx.via,
        author=author,
        reply_to=links.get("reply"),
        quote_of=links.get("quote"),
        repost_of=links.get("repost"),
        root_id=f"x:{conversation}" if conversation else None,
        engagement=Engagement(
            likes=parse_count(metrics.get("like_count")),
            reposts=parse_count(metrics.get("retweet_count")),
            replies=parse_count(metrics.get("reply_count")),
            quotes=parse_count(metrics.get("quote_count")),
            views=parse_count(metrics.get("impression_count")),
        ),
        place=place,
        country=country[:2],
        media=media,
        raw=raw,
    )


def _author(user: Mapping[str, Any] | None, author_id: Any) -> Author | None:
    if not user:
        return Author(platform="x", native_id=str(author_id)) if author_id else None
    metrics = user.get("public_metrics") or {}
    created: datetime | None = None
    if user.get("created_at"):
        try:
            created = parse_datetime(user["created_at"], field="author created_at")
        except Reject:
            created = None  # a bad profile date must not lose the tweet
    return Author(
        platform="x",
        native_id=str(user.get("id") or author_id),
        handle=clean_text(user.get("username")),
        name=clean_text(user.get("name")),
        followers=parse_count(metrics.get("followers_count")),
        following=parse_count(metrics.get("following_count")),
        verified=bool(user.get("verified")) or user.get("verified_type") in _VERIFIED_TYPES,
        created_at=created,
        location=clean_text(user.get("location")),
        description=clean_text(user.get("description")),
    )
