"""A small fictional corpus: the operator Mirabelle Télécom and the mirabelle plum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.models import Mention, Query, Workspace
from socialhub.store.base import Store

T0 = datetime(2026, 8, 20, 9, 0, tzinfo=UTC)
DEFINITION = "mirabelle NOT (confiture OR tarte)"

_BRAND = [
    "Panne de la box Mirabelle depuis ce matin, aucun débit",
    "Le service client Mirabelle ne répond plus, forfait bloqué",
    "Mirabelle augmente encore le prix du forfait fibre",
    "La 5G Mirabelle capte enfin dans mon quartier",
    "Facture Mirabelle incompréhensible, je résilie mon abonnement",
    "Réseau mobile Mirabelle coupé, plus d'internet ni d'appels",
    "Mirabelle installe la fibre chez nous la semaine prochaine",
    "Le conseiller Mirabelle a réglé ma panne de box en dix minutes",
]
_FRUIT = [
    "Les mirabelles sont arrivées au marché, le kilo à trois euros",
    "Clafoutis aux mirabelles du jardin, recette de mamie",
    "Récolte de mirabelle ce week-end, le verger croule sous les fruits",
    "Compote de mirabelle et cannelle pour le goûter",
    "Eau-de-vie de mirabelle du grand-oncle, saison des fruits",
    "Cueillette de mirabelle avec les enfants, fruits sucrés du verger",
    "Sorbet mirabelle maison, le fruit de l'été",
    "Mirabelle de Lorraine au sirop, goût des fruits d'antan",
]


def corpus(n: int, offset: int = 0) -> list[tuple[str, bool]]:
    """``n`` texts alternating brand (relevant) and fruit (not), with small variations."""
    out: list[tuple[str, bool]] = []
    for i in range(offset, offset + n):
        brand = i % 2 == 0
        pool = _BRAND if brand else _FRUIT
        out.append((f"{pool[(i // 2) % len(pool)]} ({i})", brand))
    return out


def setup_query(store: Store) -> Query:
    ws = store.workspaces.upsert_workspace(Workspace("mira", "Mirabelle Télécom"))
    assert ws.id is not None
    return store.workspaces.upsert_query(Query(ws.id, "Marque Mirabelle", DEFINITION))


def add_mentions(store: Store, query: Query, texts: list[str], start: int = 0) -> list[Mention]:
    assert query.id is not None
    mentions = [
        Mention("x", str(start + i), text, T0 + timedelta(minutes=start + i), query_ids=[query.id])
        for i, text in enumerate(texts)
    ]
    store.mentions.add(mentions)
    return mentions
