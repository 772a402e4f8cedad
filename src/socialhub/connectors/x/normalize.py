"""X API v2 tweets + expansions -> Mention (shared by the connector and the file import).

A v2 response is ``{"data": [tweet...], "includes": {"users", "tweets", "places",
"media"}, "meta": {...}}`` (the filtered stream sends one tweet per line as
``{"data": tweet, "includes": {...}, "matching_rules": [{"id", "tag"}]}``). A tweet
only carries ids (``author_id``, ``referenced_tweets[].id``, ``geo.place_id``,
``attachments.media_keys``) that are resolved against ``includes``.

This module depends on nothing but the models, so ``socialhub.ingest.xv2`` (file import
of the same payloads) reuses it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from socialhub.connectors.base import Rejected
from socialhub.models import Author, Engagement, Mention
from socialhub.records.quarantine import Reason

JSON = dict[str, Any]
ParseTime = Callable[[Any, str], datetime]

KIND_BY_REF = {"retweeted": "repost", "replied_to": "reply", "quoted": "quote"}
_VERIFIED_TYPES = {"blue", "business", "government"}
# X ids are snowflakes: the creation time in ms since this epoch sits above bit 22.
_X_EPOCH_MS = 1288834974657
_X_FIRST_SNOWFLAKE = 1 << 42  # ids below this predate snowflakes (before 2010-11)
_INT64_MAX = 2**63 - 1

#: What malformed-but-valid JSON raises in the mapping (a list where an object was
#: expected...): caught per tweet so one odd tweet never loses its page.
BAD_SHAPE = (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError)


class Invalid(Exception):
    """One tweet cannot become a Mention. ``reason`` reads ``"{category}: {detail}"``;
    raised with :meth:`because`, it keeps its code (a quarantine shows it translated)."""

    def __init__(self, category: str, detail: str) -> None:
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail
        self.why: Reason | None = None

    @classmethod
    def because(cls, code: str, **params: Any) -> Invalid:
        """A rejection with one of :data:`socialhub.records.quarantine.REASONS`."""
        why = Reason(code, **params)
        category, _sep, detail = why.partition(": ")
        exc = cls(category, detail)
        exc.why = why
        return exc

    @property
    def reason(self) -> str:
        return self.why if self.why is not None else f"{self.category}: {self.detail}"


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
            users=index_by(inc.get("users"), "id"),
            tweets=index_by(inc.get("tweets"), "id"),
            places=index_by(inc.get("places"), "id"),
            media=index_by(inc.get("media"), "media_key"),
        )


def index_by(items: Any, key: str) -> dict[str, JSON]:
    if not isinstance(items, list):
        return {}
    return {str(it[key]): it for it in items if isinstance(it, dict) and it.get(key)}


def clean(value: Any) -> str:
    """Text without NUL (PostgreSQL refuses it) and without surrounding blanks."""
    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()


def unescape_text(text: str) -> str:
    """X API v2 sends tweet text with ``&``, ``<`` and ``>`` escaped (``&amp;``...):
    the post as written has the characters (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``).

    >>> unescape_text("Fibre &amp; box &lt;3 &amp;lt;")
    'Fibre & box <3 &lt;'
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def count(value: Any) -> int:
    """A non-negative count from the API's integers; anything odd counts 0."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return min(max(value, 0), _INT64_MAX)
    text = str(value).strip()
    return min(int(text), _INT64_MAX) if text.isdigit() else 0


def lang_code(value: Any) -> str:
    text = clean(value).lower().replace("_", "-")
    return text.split("-", 1)[0] if text else "und"


def iso_time(value: Any, field_name: str = "created_at") -> datetime:
    """The API's ISO 8601 times (``2024-03-05T08:02:19.000Z``) as aware UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid.because("missing_field", field=field_name)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid.because(
            "unreadable_date", field=field_name, value=repr(str(value)[:80])
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def snowflake_time(tweet_id: str) -> datetime | None:
    """Creation time encoded in an X id, or None for pre-snowflake / non-numeric ids."""
    if not tweet_id.isdigit() or int(tweet_id) < _X_FIRST_SNOWFLAKE:
        return None
    ms = (int(tweet_id) >> 22) + _X_EPOCH_MS
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def tweet_raw(tweet: JSON, inc: Includes, extra: Mapping[str, Any] | None = None) -> JSON:
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
    raw.update(extra or {})
    return raw


def tweet_to_mention(
    tweet: Mapping[str, Any],
    inc: Includes,
    *,
    via: str,
    collected_at: datetime,
    raw: Any,
    match_query: str = "",
    parse_time: ParseTime = iso_time,
) -> Mention:
    """One v2 tweet object -> Mention; ids resolve against ``inc``.

    Without ``created_at`` (not requested in ``tweet.fields``) the time is read from the
    id, which X builds from the creation time. ``parse_time`` lets the file import read
    the looser dates of hand-made exports.

    Raises
    ------
    Invalid
        The tweet has no numeric id, no usable time or no text.
    """
    tweet_id = clean(tweet.get("id"))
    if not tweet_id.isdigit():
        raise Invalid.because("x_id_not_numeric", id=repr(tweet_id))
    note = tweet.get("note_tweet")
    text = clean(note.get("text") if isinstance(note, Mapping) else None) or clean(
        tweet.get("text")
    )
    if tweet.get("created_at"):
        created_at = parse_time(tweet["created_at"], "created_at")
    else:
        from_id = snowflake_time(tweet_id)
        if from_id is None:
            raise Invalid.because("x_no_created_at")
        created_at = from_id

    links: dict[str, str] = {}  # "reply" | "quote" | "repost" -> parent mention id
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, Mapping) and ref.get("type") in KIND_BY_REF and ref.get("id"):
            links[KIND_BY_REF[ref["type"]]] = f"x:{ref['id']}"
    # A retweet is a repost even if it also replied; a reply that quotes is a reply.
    kind = next((k for k in ("repost", "reply", "quote") if k in links), "post")
    if kind == "repost":
        # v2 truncates retweet text; the original (in includes) has it whole.
        original = inc.tweets.get(links["repost"].removeprefix("x:"))
        if original and original.get("text"):
            orig_author = inc.users.get(str(original.get("author_id"))) or {}
            orig_handle = orig_author.get("username")
            full = clean(original["text"])
            text = f"RT @{orig_handle}: {full}" if orig_handle else text or full
    text = unescape_text(text)
    if not text:
        raise Invalid.because("x_missing_text")

    author = _author(inc.users.get(str(tweet.get("author_id"))), tweet.get("author_id"), parse_time)
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
        place = clean(found.get("full_name") or found.get("name"))
        country = clean(found.get("country_code")).lower()
    media: list[str] = []
    for key in (tweet.get("attachments") or {}).get("media_keys") or []:
        item = inc.media.get(str(key)) or {}
        link = item.get("url") or item.get("preview_image_url")
        if link:
            media.append(str(link))
    conversation = clean(tweet.get("conversation_id"))
    return Mention(
        platform="x",
        native_id=tweet_id,
        text=text,
        created_at=created_at,
        url=url,
        lang=lang_code(tweet.get("lang")),
        kind=kind,
        collected_at=collected_at,
        collected_via=via,
        match_query=match_query,
        author=author,
        reply_to=links.get("reply"),
        quote_of=links.get("quote"),
        repost_of=links.get("repost"),
        root_id=f"x:{conversation}" if conversation else None,
        engagement=Engagement(
            likes=count(metrics.get("like_count")),
            reposts=count(metrics.get("retweet_count")),
            replies=count(metrics.get("reply_count")),
            quotes=count(metrics.get("quote_count")),
            views=count(metrics.get("impression_count")),
        ),
        place=place,
        country=country[:2],
        media=media,
        raw=raw,
    )


def _author(user: Mapping[str, Any] | None, author_id: Any, parse_time: ParseTime) -> Author | None:
    if not user:
        return Author(platform="x", native_id=str(author_id)) if author_id else None
    metrics = user.get("public_metrics") or {}
    created: datetime | None = None
    if user.get("created_at"):
        try:
            created = parse_time(user["created_at"], "author created_at")
        except Exception:  # any parser's error: a bad profile date must not lose the tweet
            created = None
    return Author(
        platform="x",
        native_id=str(user.get("id") or author_id),
        handle=clean(user.get("username")),
        name=clean(user.get("name")),
        followers=count(metrics.get("followers_count")),
        following=count(metrics.get("following_count")),
        verified=bool(user.get("verified")) or user.get("verified_type") in _VERIFIED_TYPES,
        created_at=created,
        location=clean(user.get("location")),
        description=clean(user.get("description")),
    )


def rule_tags(obj: Mapping[str, Any]) -> str:
    """``matching_rules`` of a stream message as the mention's ``match_query``."""
    rules = obj.get("matching_rules") or []  # a non-iterable raises TypeError: bad shape
    return ",".join(str(r.get("tag") or r.get("id")) for r in rules if isinstance(r, dict))


def page_mentions(
    page: Mapping[str, Any], *, via: str, collected_at: datetime, match_query: str = ""
) -> tuple[list[Mention], list[Rejected]]:
    """Every tweet of a v2 page (``data`` a list or one object) -> mentions + rejects.

    A tweet that cannot be normalised is returned as :class:`Rejected` with its JSON, so
    the coordinator dead-letters it and the rest of the page still counts.
    """
    data = page.get("data")
    if data is None:
        return [], []
    inc = Includes.from_page(page)
    tweets = data if isinstance(data, list) else [data]
    mentions: list[Mention] = []
    rejected: list[Rejected] = []
    for i, tweet in enumerate(tweets):
        where = f"data[{i}]" if isinstance(data, list) else "data"
        raw_text = orjson.dumps(tweet).decode()
        if not isinstance(tweet, dict):
            rejected.append(Rejected(Reason("x_tweet_not_object"), raw_text, where))
            continue
        try:
            mentions.append(
                tweet_to_mention(
                    tweet,
                    inc,
                    via=via,
                    collected_at=collected_at,
                    raw=tweet_raw(tweet, inc),
                    match_query=match_query,
                )
            )
        except Invalid as exc:
            rejected.append(Rejected(exc.reason, raw_text, where))
        except BAD_SHAPE as exc:
            rejected.append(Rejected(Reason("invalid_value", error=repr(exc)), raw_text, where))
    return mentions, rejected
