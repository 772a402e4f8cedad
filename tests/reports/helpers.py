"""A crafted workspace for the report tests, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from socialhub.models import (
    Author,
    Engagement,
    Mention,
    Query,
    Watchlist,
    WatchlistMember,
    Workspace,
)
from socialhub.store.base import Store

# Tuesday 3 March 2026; Paris is UTC+1 (winter time).
PERIOD = (datetime(2026, 3, 3, 7, 0, tzinfo=UTC), datetime(2026, 3, 3, 16, 0, tzinfo=UTC))


@dataclass
class World:
    ws: Workspace
    brand: Query
    azurel: Query
    press: Query


def setup_workspace(store: Store) -> World:
    ws = store.workspaces.upsert_workspace(
        Workspace("fictel", "Fictel Télécom — Com", "Europe/Paris")
    )
    assert ws.id is not None
    brand = store.workspaces.upsert_query(Query(ws.id, "Marque Fictel", "fictel"))
    azurel = store.workspaces.upsert_query(Query(ws.id, "Concurrent Azurel", "azurel"))
    press = store.workspaces.upsert_query(Query(ws.id, "Journalistes", "list:Journalistes"))
    store.workspaces.upsert_watchlist(
        Watchlist(
            ws.id,
            "Journalistes",
            "journalist",
            members=[
                WatchlistMember("x", "croussel", "Camille Roussel", "journalist", "Le Quotidien"),
                WatchlistMember("x", "jaubertin", "Julien Aubertin", "journalist", "L'Écho"),
            ],
        )
    )
    store.workspaces.upsert_watchlist(
        Watchlist(ws.id, "Députés", "mp", members=[WatchlistMember("x", "mdelorme", "M. Delorme")])
    )
    store.workspaces.upsert_watchlist(
        Watchlist(
            ws.id, "Dirigeants", "executive", members=[WatchlistMember("x", "hmarc", "H. Marc")]
        )
    )
    return World(ws, brand, azurel, press)


def mention(
    native_id: str,
    text: str,
    at: datetime,
    handle: str,
    query_ids: list[int],
    *,
    keyphrases: list[str] = (),  # type: ignore[assignment]
    entities: list[dict[str, Any]] = (),  # type: ignore[assignment]
    likes: int = 0,
    followers: int = 100,
    sentiment: str | None = "neutral",
) -> Mention:
    return Mention(
        "x",
        native_id,
        text,
        at,
        url=f"https://x.example/{handle}/status/{native_id}",
        lang="fr",
        author=Author("x", f"u-{handle}", handle, handle.title(), followers=followers),
        engagement=Engagement(likes=likes),
        keyphrases=list(keyphrases),
        entities=list(entities),
        query_ids=query_ids,
        sentiment_label=sentiment,
        sentiment_score=0.0,
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
