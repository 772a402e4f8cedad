"""Flat records (CSV rows, simple JSON objects) and socialhub Mention dicts -> Mention.

A flat record is first reduced to *canonical fields* (the keys of ``FIELDS``) through
the caller's mapping or the default aliases, then turned into a Mention. CSV and JSONL
share that second step, so a column behaves the same in both.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from socialhub.i18n import M_
from socialhub.models import KINDS, Author, Engagement, Mention
from socialhub.text import fold, norm_handle

from .types import Context, Reject
from .values import (
    clean_text,
    derived_id,
    looks_mangled_id,
    normalize_lang,
    normalize_platform,
    parse_bool,
    parse_count,
    parse_datetime,
    platform_from_url,
    x_status_id,
)

#: Canonical field -> accepted column / key names (compared folded: case, accents,
#: spaces and dashes do not matter). The first alias present wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "native_id", "post_id", "tweet_id", "status_id", "message_id", "id_str"),
    "text": (
        "text",
        "message",
        "content",
        "body",
        "full_text",
        "texte",
        "contenu",
        "tweet",
        "tweet_text",
    ),
    "created_at": (
        "created_at",
        "date",
        "datetime",
        "timestamp",
        "time",
        "published_at",
        "published",
        "publication_date",
        "date_de_publication",
    ),
    "author": (
        "author",
        "handle",
        "username",
        "screen_name",
        "author_handle",
        "author_username",
        "user",
        "auteur",
        "account",
    ),
    "author_name": ("author_name", "name", "display_name", "user_name", "full_name", "nom"),
    "author_id": ("author_id", "user_id"),
    "followers": ("followers", "author_followers", "followers_count", "abonnes"),
    "verified": ("verified", "author_verified"),
    "platform": ("platform", "network", "plateforme", "reseau", "source_type"),
    "url": ("url", "link", "permalink", "lien"),
    "lang": ("lang", "language", "langue"),
    "likes": (
        "likes",
        "like_count",
        "favorites",
        "favorite_count",
        "favourites",
        "reactions",
        "j_aime",
    ),
    "reposts": ("reposts", "retweets", "retweet_count", "shares", "repost_count", "partages"),
    "replies": ("replies", "reply_count", "comments", "comment_count", "commentaires"),
    "quotes": ("quotes", "quote_count"),
    "views": ("views", "impressions", "impression_count", "view_count", "vues"),
    "kind": ("kind", "type", "post_type"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_id", "in_reply_to_status_id"),
    "quote_of": ("quote_of", "quoted_id", "quoted_status_id"),
    "repost_of": ("repost_of", "retweeted_id", "retweeted_status_id"),
    "root_id": ("root_id", "conversation_id"),
    "place": ("place", "lieu", "city", "ville"),
    "country": ("country", "country_code", "pays"),
}

# Keys of a nested author object ({"author": {...}} or {"user": {...}}).
_AUTHOR_KEYS = {
    "author_id": ("id", "id_str", "native_id"),
    "author": ("handle", "username", "screen_name"),
    "author_name": ("name", "display_name"),
    "followers": ("followers", "followers_count"),
    "verified": ("verified",),
}

_KIND_ALIASES = {
    "tweet": "post",
    "status": "post",
    "original": "post",
    "retweet": "repost",
    "rt": "repost",
    "share": "repost",
    "retweeted": "repost",
    "replied_to": "reply",
    "quoted": "quote",
    "news": "article",
}

_MENTION_KEYS = {"platform", "native_id", "text", "created_at"}


def header_key(name: str) -> str:
    """How column names compare: folded, blanks and dashes as underscores."""
    return re.sub(r"[\W_]+", "_", fold(name.strip())).strip("_")


def check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a caller mapping ``{canonical field: source column}``."""
    if not mapping:
        return {}
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ValueError(
            M_(
                "mapping: unknown field(s) %(unknown)s; expected some of %(fields)s",
                unknown=", ".join(unknown),
                fields=", ".join(FIELDS),
            )
        )
    return dict(mapping)


def is_mention_dict(obj: Mapping[str, Any]) -> bool:
    return obj.keys() >= _MENTION_KEYS


# --- flat JSON objects -------------------------------------------------------------


def _lookup(obj: Mapping[str, Any], path: str) -> Any:
    """``obj[path]``, following dots into nested objects when the plain key is absent."""
    if path in obj:
        return obj[path]
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def json_fields(obj: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Canonical fields of a flat JSON object (mapping first, then aliases)."""
    keys = {header_key(k): k for k in obj}
    fields: dict[str, Any] = {}
    for canonical, aliases in FIELDS.items():
        if canonical in mapping:
            fields[canonical] = _lookup(obj, mapping[canonical])
            continue
        for alias in aliases:
            if alias in keys:
                fields[canonical] = obj[keys[alias]]
                break
    # A nested author object ({"author": {"handle": ...}} or {"user": {...}}) fills the
    # author_* fields its siblings did not set.
    for holder in ("author", "user"):
        nested = obj.get(holder)
        if isinstance(nested, Mapping):
            if isinstance(fields.get("author"), Mapping):
                del fields["author"]
            for canonical, names in _AUTHOR_KEYS.items():
                if fields.get(canonical) in (None, ""):
                    for name in names:
                        if nested.get(name) not in (None, ""):
                            fields[canonical] = nested[name]
                            break
            if nested.get("public_metrics") and "followers" not in fields:
                fields["followers"] = nested["public_metrics"].get("followers_count")
    return fields


# --- canonical fields -> Mention -----------------------------------------------------


def fields_to_mention(fields: Mapping[str, Any], ctx: Context, raw: Any) -> Mention:
    """Build a Mention from canonical fields; raise Reject for what cannot be saved."""
    text = clean_text(fields.get("text"))
    if not text:
        raise Reject.because("missing_text")
    created_at = parse_datetime(fields.get("created_at"), ctx.timezone)
    url = clean_text(fields.get("url"))
    platform = normalize_platform(clean_text(fields.get("platform"))) or platform_from_url(url)
    handle = clean_text(fields.get("author")).lstrip("@")
    native_id = clean_text(fields.get("id"))
    if native_id and looks_mangled_id(native_id):
        native_id = ""
    if not native_id and platform in ("", "x"):
        status = x_status_id(url)
        if status:
            native_id, platform = status, "x"
    platform = platform or "unknown"
    if not native_id:
        # Not the URL alone: exported comments often all carry their article's URL.
        native_id = derived_id(platform, url, norm_handle(handle), created_at.isoformat(), text)
    if platform == "x" and not url and handle and native_id.isdigit():
        url = f"https://x.com/{handle}/status/{native_id}"
    author = None
    author_id = clean_text(fields.get("author_id"))
    if handle or author_id:
        author = Author(
            platform=platform,
            native_id=author_id or norm_handle(handle),
            handle=handle,
            name=clean_text(fields.get("author_name")),
            followers=parse_count(fields.get("followers")),
            verified=parse_bool(fields.get("verified")),
        )
    kind = clean_text(fields.get("kind")).lower()
    kind = _KIND_ALIASES.get(kind, kind)
    links = {
        name: _ref(platform, fields.get(name))
        for name in ("reply_to", "quote_of", "repost_of", "root_id")
    }
    if kind not in KINDS:  # unknown or absent: what the parent links imply
        implied = (("repost", "repost_of"), ("quote", "quote_of"), ("reply", "reply_to"))
        kind = next((k for k, link in implied if links[link]), "post")
    return Mention(
        platform=platform,
        native_id=native_id,
        text=text,
        created_at=created_at,
        url=url,
        lang=normalize_lang(fields.get("lang")),
        kind=kind,
        collected_at=ctx.collected_at,
        collected_via=ctx.via,
        author=author,
        reply_to=links["reply_to"],
        quote_of=links["quote_of"],
        repost_of=links["repost_of"],
        root_id=links["root_id"],
        engagement=Engagement(
            likes=parse_count(fields.get("likes")),
            reposts=parse_count(fields.get("reposts")),
            replies=parse_count(fields.get("replies")),
            quotes=parse_count(fields.get("quotes")),
            views=parse_count(fields.get("views")),
        ),
        place=clean_text(fields.get("place")),
        country=clean_text(fields.get("country")).lower()[:2],
        raw=raw,
    )


def _ref(platform: str, value: Any) -> str | None:
    """Parent ids are stored as mention ids ``platform:native_id``."""
    text = clean_text(value)
    if not text:
        return None
    return text if ":" in text else f"{platform}:{text}"


# --- socialhub's own Mention dicts ------------------------------------------------

_AUTHOR_FIELDS = {f.name for f in dataclasses.fields(Author)}
_ENGAGEMENT_FIELDS = {f.name for f in dataclasses.fields(Engagement)}
_MENTION_FIELDS = {f.name for f in dataclasses.fields(Mention)} - {"author", "engagement"}


def mention_from_dict(obj: Mapping[str, Any], ctx: Context) -> Mention:
    """Rebuild a Mention from ``Mention.to_dict()`` output (as JSON), keeping provenance.

    The record's own ``raw``, ``raw_sha256``, ``collected_at`` and ``collected_via`` are
    kept (the evidence trail must survive an export / import); ``query_ids`` are
    dropped because they are ids of another store: the caller's pipeline re-routes.
    """
    data = {k: v for k, v in obj.items() if k in _MENTION_FIELDS}
    data["platform"] = normalize_platform(clean_text(data["platform"]))
    data["native_id"] = clean_text(data["native_id"])
    data["text"] = clean_text(data["text"])
    if not data["platform"] or not data["native_id"]:
        raise Reject.because("mention_without_id")
    if not data["text"]:
        raise Reject.because("missing_text")
    data["created_at"] = parse_datetime(obj.get("created_at"))
    if obj.get("collected_at"):
        data["collected_at"] = parse_datetime(obj["collected_at"], field="collected_at")
    else:
        data["collected_at"] = ctx.collected_at
    data["collected_via"] = clean_text(obj.get("collected_via")) or ctx.via
    data["query_ids"] = []
    kind = data.get("kind") or "post"
    if kind not in KINDS:
        raise Reject.because("unknown_kind", kind=repr(kind))
    author = obj.get("author")
    if isinstance(author, Mapping):
        author_data = {k: v for k, v in author.items() if k in _AUTHOR_FIELDS}
        if author_data.get("created_at"):
            author_data["created_at"] = parse_datetime(
                author_data["created_at"], field="author.created_at"
            )
        author_data.setdefault("platform", data["platform"])
        if not author_data.get("native_id"):
            raise Reject.because("author_without_id")
        data["author"] = Author(**author_data)
    engagement = obj.get("engagement")
    if isinstance(engagement, Mapping):
        data["engagement"] = Engagement(
            **{k: parse_count(v) for k, v in engagement.items() if k in _ENGAGEMENT_FIELDS}
        )
    try:
        return Mention(**data)
    except (TypeError, ValueError) as exc:
        raise Reject.because("invalid_value", error=str(exc)) from exc
