"""Mentions to and from JSON: the bus payload, JSONL files and the API all use this form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from socialhub.models import Author, Engagement, Mention


def _dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def mention_to_dict(m: Mention, *, include_raw: bool = True) -> dict[str, Any]:
    data = m.to_dict()
    if not include_raw:
        data.pop("raw", None)
    return data


def mention_to_json(m: Mention, *, include_raw: bool = True) -> bytes:
    return orjson.dumps(mention_to_dict(m, include_raw=include_raw), default=str)


def author_from_dict(data: dict[str, Any]) -> Author:
    return Author(
        platform=str(data.get("platform", "")),
        native_id=str(data.get("native_id", "")),
        handle=str(data.get("handle", "")),
        name=str(data.get("name", "")),
        followers=int(data.get("followers") or 0),
        following=int(data.get("following") or 0),
        verified=bool(data.get("verified", False)),
        created_at=_dt(data.get("created_at")),
        location=str(data.get("location") or ""),
        description=str(data.get("description") or ""),
    )


def mention_from_dict(data: dict[str, Any]) -> Mention:
    """Inverse of :func:`mention_to_dict`; raises KeyError/ValueError on a bad record."""
    created = _dt(data["created_at"])
    if created is None:
        raise ValueError("created_at is empty")
    author = data.get("author")
    eng = data.get("engagement") or {}
    m = Mention(
        platform=str(data["platform"]),
        native_id=str(data["native_id"]),
        text=str(data.get("text") or ""),
        created_at=created,
        url=str(data.get("url") or ""),
        lang=str(data.get("lang") or "und"),
        kind=str(data.get("kind") or "post"),
        collected_at=_dt(data.get("collected_at")) or created,
        collected_via=str(data.get("collected_via") or ""),
        match_query=str(data.get("match_query") or ""),
        author=author_from_dict(author) if isinstance(author, dict) else None,
        reply_to=data.get("reply_to"),
        quote_of=data.get("quote_of"),
        repost_of=data.get("repost_of"),
        root_id=data.get("root_id"),
        engagement=Engagement(**{k: int(v or 0) for k, v in eng.items()}),
        place=str(data.get("place") or ""),
        country=str(data.get("country") or ""),
        media=list(data.get("media") or []),
        raw=data.get("raw"),
        raw_sha256=str(data.get("raw_sha256") or ""),
        sentiment_label=data.get("sentiment_label"),
        sentiment_score=data.get("sentiment_score"),
        entities=list(data.get("entities") or []),
        keyphrases=list(data.get("keyphrases") or []),
        categories=list(data.get("categories") or []),
        places=list(data.get("places") or []),
        watchlists=list(data.get("watchlists") or []),
        query_ids=[int(q) for q in data.get("query_ids") or []],
        relevance=dict(data.get("relevance") or {}),
        cluster_id=data.get("cluster_id"),
        cluster_size=int(data.get("cluster_size") or 0),
    )
    return m


def mention_from_json(payload: bytes | str) -> Mention:
    return mention_from_dict(orjson.loads(payload))
