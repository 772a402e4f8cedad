"""Builders for store tests: mentions with every field set, workspaces with queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.models import Author, Engagement, Mention, Query, Workspace
from socialhub.store.base import Store

T0 = datetime(2024, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)


def mention(n: int = 1, text: str = "Bonjour le monde", **fields: Any) -> Mention:
    """A mention with distinct id ``x:<n>`` created ``n`` minutes after T0."""
    values: dict[str, Any] = {
        "platform": "x",
        "native_id": str(n),
        "text": text,
        "created_at": T0 + timedelta(minutes=n),
        "collected_at": T0 + timedelta(hours=1),
    }
    values.update(fields)
    return Mention(**values)


def full_mention(n: int = 1, **fields: Any) -> Mention:
    """A mention with every field away from its default."""
    values: dict[str, Any] = {
        "url": f"https://www.example.org/status/{n}",
        "lang": "fr",
        "kind": "quote",
        "collected_via": "x.search",
        "match_query": 'acme OR "Acme Énergie"',
        "author": Author(
            platform="x",
            native_id=f"u{n}",
            handle=f"@Jeanne_{n}",
            name="Jeanne Exemple",
            followers=1200,
            following=87,
            verified=True,
            created_at=datetime(2015, 6, 1, 8, 30, tzinfo=UTC),
            location="Lyon",
            description="Journaliste (fictive)",
        ),
        "reply_to": "x:100",
        "quote_of": "x:101",
        "repost_of": None,
        "root_id": "x:99",
        "engagement": Engagement(likes=5, reposts=2, replies=1, quotes=3, views=1000),
        "place": "Lyon, France",
        "country": "fr",
        "media": ["https://img.example.org/a.jpg", "https://img.example.org/b.mp4"],
        "raw": {"id": str(n), "text": "Acme Énergie 🎉", "nested": {"a": [1, 2.5, None]}},
        "sentiment_label": "negative",
        "sentiment_score": 0.123456789,
        "entities": [{"text": "Acme Énergie", "label": "ORG", "start": 0, "end": 12}],
        "keyphrases": ["panne", "facture"],
        "categories": [{"name": "outage", "score": 0.8}],
        "places": [{"name": "Lyon", "country": "fr", "lat": 45.76, "lon": 4.84}],
        "watchlists": ["journalists"],
        "relevance": {"1": 0.9},
        "cluster_id": "c-42",
    }
    values.update(fields)
    return mention(n, text="Acme Énergie: encore une panne à #Lyon @AcmeSupport", **values)


def workspace_with_queries(store: Store, slug: str, *names: str) -> tuple[Workspace, list[Query]]:
    ws = store.workspaces.upsert_workspace(Workspace(slug=slug, name=slug.title()))
    assert ws.id is not None
    queries = [store.workspaces.upsert_query(Query(ws.id, name, name)) for name in names]
    return ws, queries


def qid(query: Query) -> int:
    assert query.id is not None
    return query.id
