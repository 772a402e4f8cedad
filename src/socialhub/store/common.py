"""What the SQLite and PostgreSQL stores share: Mention <-> row mapping, batch merging
and the query-id -> workspace cache. Value conversions live in :mod:`.convert`.

Re-collecting a mention refreshes only :data:`UPDATED_FIELDS` (engagement, enrichment,
sentiment, cluster, author profile) and adds query routes; the text, raw payload,
raw_sha256, collected_at/via and match_query of the FIRST capture are kept, because
they are evidence and must not be overwritten. The text is kept too, so the search
index always matches the stored text.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from socialhub.models import Author, Engagement, Mention
from socialhub.store.convert import (
    TimeIn,
    TimeOut,
    clean,
    clean_opt,
    clean_row,
    dump_json,
    load_json,
    raw_text,
    site_of,
)
from socialhub.store.packing import sha256_text, unpack_raw
from socialhub.text import index_tokens, norm_handle

log = logging.getLogger(__name__)

# Mention fields a re-collection may change; everything else is first-capture evidence.
UPDATED_FIELDS = (
    "engagement",
    "author",
    "sentiment_label",
    "sentiment_score",
    "entities",
    "keyphrases",
    "categories",
    "places",
    "watchlists",
    "relevance",
    "cluster_id",
)

# Column order of the mentions table as written by both stores (PostgreSQL adds
# ``search``, SQLite writes the FTS row separately).
MENTION_COLUMNS = (
    "id",
    "platform",
    "native_id",
    "url",
    "site",
    "text",
    "lang",
    "kind",
    "created_at",
    "collected_at",
    "collected_via",
    "match_query",
    "author_id",
    "author_handle",
    "reply_to",
    "quote_of",
    "repost_of",
    "root_id",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "place",
    "country",
    "media",
    "raw",
    "raw_sha256",
    "sentiment_label",
    "sentiment_score",
    "cluster_id",
    "enrichment",
    "updated_at",
)
# Columns an ON CONFLICT update refreshes (see UPDATED_FIELDS).
MENTION_UPDATE_COLUMNS = (
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "sentiment_label",
    "sentiment_score",
    "cluster_id",
    "enrichment",
    "updated_at",
)
AUTHOR_COLUMNS = (
    "id",
    "platform",
    "native_id",
    "handle",
    "handle_norm",
    "name",
    "followers",
    "following",
    "verified",
    "created_at",
    "location",
    "description",
    "updated_at",
)
# What get_mention/search read: mention columns, then the author's, by position.
READ_MENTION_COLUMNS = tuple(f"m.{c}" for c in MENTION_COLUMNS if c != "updated_at")
READ_AUTHOR_COLUMNS = tuple(
    f"a.{c}" for c in AUTHOR_COLUMNS if c not in ("id", "handle_norm", "updated_at")
)
READ_COLUMNS = ("m.seq", *READ_MENTION_COLUMNS, *READ_AUTHOR_COLUMNS)


# -- mention <-> row ---------------------------------------------------------------


def merge_batch(batch: Iterable[Mention]) -> tuple[list[Mention], int]:
    """Collapse repeats of one (platform, native_id) inside a batch.

    The first occurrence keeps its evidence; later ones bring the fields a
    re-collection may change and their query routes. Returns the unique mentions in
    first-seen order and how many repeats were folded (they count as updates).
    """
    unique: dict[str, Mention] = {}
    repeats = 0
    for mention in batch:
        key = clean(mention.id)  # the id as stored
        first = unique.get(key)
        if first is None:
            unique[key] = mention
            continue
        repeats += 1
        changes = {name: getattr(mention, name) for name in UPDATED_FIELDS}
        if mention.author is None:
            changes["author"] = first.author
        routes = list(dict.fromkeys([*first.query_ids, *mention.query_ids]))
        unique[key] = dataclasses.replace(first, **changes, query_ids=routes)
    return list(unique.values()), repeats


def mention_values(m: Mention, ts: TimeIn, now: Any) -> tuple[Any, ...]:
    """Values in :data:`MENTION_COLUMNS` order, cleaned (raw and JSON clean themselves)."""
    eng = m.engagement
    author = m.author
    return clean_row(
        (
            f"{m.platform}:{m.native_id}",
            m.platform,
            m.native_id,
            m.url,
            site_of(m.url),
            m.text,
            m.lang,
            m.kind,
            ts(m.created_at),
            ts(m.collected_at),
            m.collected_via,
            m.match_query,
            None if author is None else f"{author.platform}:{author.native_id}",
            "" if author is None else norm_handle(author.handle),
            m.reply_to,
            m.quote_of,
            m.repost_of,
            m.root_id,
            eng.likes,
            eng.reposts,
            eng.replies,
            eng.quotes,
            eng.views,
            m.place,
            m.country.lower(),
            dump_json(m.media),
            raw_text(m.raw),
            m.raw_sha256,
            m.sentiment_label,
            m.sentiment_score,
            m.cluster_id,
            dump_json(stored_enrichment(m)),
            now,
        )
    )


def stored_enrichment(m: Mention) -> dict[str, Any]:
    """The enrichment JSON column: what no column holds, empty values left out.

    :func:`row_to_mention` reads absent keys as empty, the sentiment label and the
    cluster id from their columns; the score stays here, since PostgreSQL's ``REAL``
    column rounds it. About 100 bytes a mention less than ``Mention.enrichment()``.
    """
    out: dict[str, Any] = {}
    if m.sentiment_label and m.sentiment_score is not None:
        out["sentiment"] = {"score": m.sentiment_score}
    for key in ("entities", "keyphrases", "categories", "places", "watchlists", "relevance"):
        value = getattr(m, key)
        if value:
            out[key] = value
    if m.cluster_size:
        out["cluster_size"] = m.cluster_size
    return out


def search_tokens(m: Mention) -> list[str]:
    """The tokens indexed for a mention: those of its text as stored (cleaned)."""
    return index_tokens(clean(m.text))


def update_values(m: Mention, now: Any) -> tuple[Any, ...]:
    """Values in :data:`MENTION_UPDATE_COLUMNS` order."""
    eng = m.engagement
    return (
        eng.likes,
        eng.reposts,
        eng.replies,
        eng.quotes,
        eng.views,
        clean_opt(m.sentiment_label),
        m.sentiment_score,
        clean_opt(m.cluster_id),
        dump_json(stored_enrichment(m)),
        now,
    )


def unique_authors(mentions: Iterable[Mention]) -> list[Author]:
    """One author per id, the last seen in the batch (the freshest profile)."""
    authors: dict[str, Author] = {}
    for m in mentions:
        if m.author is not None:
            authors[m.author.id] = m.author
    return list(authors.values())


def author_values(a: Author, ts: TimeIn, now: Any) -> tuple[Any, ...]:
    """Values in :data:`AUTHOR_COLUMNS` order."""
    return clean_row(
        (
            f"{a.platform}:{a.native_id}",
            a.platform,
            a.native_id,
            a.handle,
            norm_handle(a.handle),
            a.name,
            a.followers,
            a.following,
            bool(a.verified),
            None if a.created_at is None else ts(a.created_at),
            a.location,
            a.description,
            now,
        )
    )


def row_to_mention(row: Sequence[Any], query_ids: list[int], dt: TimeOut) -> Mention:
    """Rebuild a Mention from a :data:`READ_COLUMNS` row.

    Sentiment comes from the enrichment JSON rather than the columns, because the
    PostgreSQL ``REAL`` column would round the score to single precision.
    """
    v = dict(zip(READ_COLUMNS, row, strict=True))
    enrichment: dict[str, Any] = load_json(v["m.enrichment"]) or {}
    sentiment = enrichment.get("sentiment") or {}
    author = None
    if v["m.author_id"] is not None and v["a.platform"] is not None:
        author = Author(
            platform=v["a.platform"],
            native_id=v["a.native_id"],
            handle=v["a.handle"],
            name=v["a.name"],
            followers=int(v["a.followers"]),
            following=int(v["a.following"]),
            verified=bool(v["a.verified"]),
            created_at=None if v["a.created_at"] is None else dt(v["a.created_at"]),
            location=v["a.location"],
            description=v["a.description"],
        )
    return Mention(
        platform=v["m.platform"],
        native_id=v["m.native_id"],
        text=v["m.text"],
        created_at=dt(v["m.created_at"]),
        url=v["m.url"],
        lang=v["m.lang"],
        kind=v["m.kind"],
        collected_at=dt(v["m.collected_at"]),
        collected_via=v["m.collected_via"],
        match_query=v["m.match_query"],
        author=author,
        reply_to=v["m.reply_to"],
        quote_of=v["m.quote_of"],
        repost_of=v["m.repost_of"],
        root_id=v["m.root_id"],
        engagement=Engagement(
            likes=int(v["m.likes"]),
            reposts=int(v["m.reposts"]),
            replies=int(v["m.replies"]),
            quotes=int(v["m.quotes"]),
            views=int(v["m.views"]),
        ),
        place=v["m.place"],
        country=v["m.country"],
        media=load_json(v["m.media"]),
        raw=unpack_raw(v["m.raw"], v["m.text"]),
        raw_sha256=sha256_text(v["m.raw_sha256"]),
        sentiment_label=sentiment.get("label", v["m.sentiment_label"]),
        sentiment_score=sentiment.get("score", v["m.sentiment_score"]),
        entities=enrichment.get("entities") or [],
        keyphrases=enrichment.get("keyphrases") or [],
        categories=enrichment.get("categories") or [],
        places=enrichment.get("places") or [],
        watchlists=enrichment.get("watchlists") or [],
        query_ids=query_ids,
        relevance=enrichment.get("relevance") or {},
        cluster_id=v["m.cluster_id"],
        cluster_size=int(enrichment.get("cluster_size") or 0),
    )


class AuthorCache:
    """Author rows this process wrote recently (bounded LRU).

    A bulk import sees the same authors again and again; an unchanged profile is not
    rewritten (its ``updated_at`` then means "last changed"). Rows are remembered only
    after their transaction committed. A later erasure of an author (GDPR) must call
    :meth:`clear` on every process.
    """

    def __init__(self, size: int = 200_000) -> None:
        self._rows: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def changed(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows (author_values, ``now`` last) that differ from what was written."""
        with self._lock:
            return [r for r in rows if self._rows.get(r[0]) != r[:-1]]

    def remember(self, rows: list[tuple[Any, ...]]) -> None:
        with self._lock:
            for r in rows:
                self._rows[r[0]] = r[:-1]
                self._rows.move_to_end(r[0])
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


# -- query routes ------------------------------------------------------------------


class RouteCache:
    """query id -> workspace id, filled lazily from the queries table.

    A query never moves between workspaces (upserts are keyed by workspace and name),
    so entries stay valid until the query is deleted; the store calls :meth:`forget`.
    """

    def __init__(self) -> None:
        self._map: dict[int, int] = {}
        self._lock = threading.Lock()

    def missing(self, query_ids: Iterable[int]) -> list[int]:
        with self._lock:
            return sorted({q for q in query_ids if q not in self._map})

    def remember(self, pairs: Iterable[tuple[int, int]]) -> None:
        with self._lock:
            self._map.update((int(q), int(w)) for q, w in pairs)

    def workspace(self, query_id: int) -> int | None:
        return self._map.get(query_id)

    def forget(self, query_id: int | None = None) -> None:
        with self._lock:
            if query_id is None:
                self._map.clear()
            else:
                self._map.pop(query_id, None)


def route_rows(
    mentions: Iterable[tuple[Mention, int]], cache: RouteCache, ts: TimeIn
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(mention_queries rows, mention_workspaces rows) for mentions with their seq.

    Query ids unknown to the queries table (e.g. deleted since routing) are dropped:
    a route must point at a query, and losing one route beats losing the mention.
    """
    queries: dict[tuple[int, int], tuple[Any, ...]] = {}
    workspaces: dict[tuple[int, int], tuple[Any, ...]] = {}
    unknown: set[int] = set()
    for m, seq in mentions:
        for qid in m.query_ids:
            ws = cache.workspace(qid)
            if ws is None:
                unknown.add(qid)
                continue
            created = ts(m.created_at)
            relevance = m.relevance.get(str(qid))
            queries[(qid, seq)] = (qid, seq, ws, created, relevance)
            workspaces[(ws, seq)] = (ws, seq, created)
    if unknown:
        log.warning("routes to unknown query ids dropped: %s", sorted(unknown))
    return list(queries.values()), list(workspaces.values())
