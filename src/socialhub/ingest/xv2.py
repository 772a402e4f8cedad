"""X API v2 response pages and tweets (also twarc2 output, raw or flattened) -> Mention.

A v2 page is ``{"data": [tweet...], "includes": {"users", "tweets", "places",
"media"}, "meta": {"result_count", "next_token"}}``: a tweet only carries ids
(``author_id``, ``referenced_tweets[].id``, ``geo.place_id``,
``attachments.media_keys``) that are resolved against ``includes``. ``twarc2 flatten``
writes one tweet per line with those objects inlined (``author``, merged
``referenced_tweets``, ``geo`` merged with its place, ``attachments.media``) and the
page's ``__twarc`` metadata (``retrieved_at``) copied in.

The tweet -> Mention mapping itself is shared with the X connector
(:mod:`socialhub.connectors.x.normalize`); this module adds what files need: pages one
per line, twarc2's flattened tweets, ``__twarc`` metadata, quarantine locations, and the
looser dates of hand-made exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import orjson

from socialhub.connectors.x.normalize import (
    Includes,
    Invalid,
    index_by,
    rule_tags,
    tweet_raw,
    tweet_to_mention,
)
from socialhub.records.quarantine import Reason

from .types import BAD_SHAPE, Context, Item, Reject
from .values import parse_datetime

JSON = dict[str, Any]


def flat_includes(tweet: Mapping[str, Any]) -> Includes:
    """What ``twarc2 flatten`` put inline in the tweet itself."""
    out = Includes()
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
        out.media = index_by(attachments.get("media"), "media_key")
    return out


def _file_time(value: Any, field: str) -> datetime:
    # Exports made by hand carry French dates, epochs or v1.1 strings: read them all.
    return parse_datetime(value, field=field)


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
            Reason("x_not_page_or_tweet_type", type=type(obj).__name__), raw_text, location
        )
        return
    if is_page(obj):
        yield from page_items(obj, ctx, location, raw_text)
    elif is_tweet(obj):
        collected_at = _retrieved_at(obj, ctx)
        try:
            yield tweet_to_mention(
                obj,
                flat_includes(obj),
                via=ctx.via,
                collected_at=collected_at,
                raw=obj,
                parse_time=_file_time,
            )
        except (Reject, Invalid) as exc:
            yield ctx.quarantine(exc.reason, raw_text, location)
        except BAD_SHAPE as exc:
            yield ctx.quarantine(Reason("invalid_value", error=repr(exc)), raw_text, location)
    else:
        yield ctx.quarantine(Reason("x_not_page_or_tweet"), raw_text, location)


def page_items(page: JSON, ctx: Context, location: str, raw_text: str) -> Iterator[Item]:
    data = page.get("data")
    if data is None:
        errors = page.get("errors")
        if errors:
            first = errors[0] if isinstance(errors, list) and errors else errors
            detail = first.get("detail") or first.get("title") if isinstance(first, dict) else first
            yield ctx.quarantine(Reason("x_error_page", detail=str(detail)), raw_text, location)
        return  # an empty page (meta.result_count == 0) holds nothing
    try:
        inc = Includes.from_page(page)
        collected_at = _retrieved_at(page, ctx)
        match_query = rule_tags(page)
    except BAD_SHAPE as exc:
        yield ctx.quarantine(Reason("x_invalid_page", error=repr(exc)), raw_text, location)
        return
    twarc = page.get("__twarc")
    extra = {"__twarc": twarc} if twarc is not None else None
    tweets = data if isinstance(data, list) else [data]
    for i, tweet in enumerate(tweets):
        where = f"{location}, data[{i}]"
        if not isinstance(tweet, dict):
            yield ctx.quarantine(Reason("x_tweet_not_object"), orjson.dumps(tweet).decode(), where)
            continue
        try:
            yield tweet_to_mention(
                tweet,
                inc,
                via=ctx.via,
                collected_at=collected_at,
                raw=tweet_raw(tweet, inc, extra),
                match_query=match_query,
                parse_time=_file_time,
            )
        except (Reject, Invalid) as exc:
            yield ctx.quarantine(exc.reason, orjson.dumps(tweet).decode(), where)
        except BAD_SHAPE as exc:
            yield ctx.quarantine(
                Reason("invalid_value", error=repr(exc)), orjson.dumps(tweet).decode(), where
            )


def _retrieved_at(obj: Mapping[str, Any], ctx: Context) -> datetime:
    meta = obj.get("__twarc")
    if isinstance(meta, Mapping) and meta.get("retrieved_at"):
        try:
            return parse_datetime(meta["retrieved_at"], field="retrieved_at")
        except Reject:
            pass
    return ctx.collected_at
