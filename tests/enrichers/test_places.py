"""The places stage: gazetteer, ambiguity, author location, the demo outage cities."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.demo import Simulator
from socialhub.demo.places import OUTAGE_CITIES
from socialhub.enrichers.entities.stage import EntityStage
from socialhub.enrichers.places.gazetteer import Gazetteer, load
from socialhub.enrichers.places.stage import PlaceStage, tag_location, tag_text
from socialhub.models import Author, Mention, Query, Workspace
from socialhub.pipeline.base import Context
from socialhub.store.base import Store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load()


@pytest.fixture(scope="module")
def stage() -> PlaceStage:
    return PlaceStage(Context(None, {}))


def names(items: list[dict[str, Any]]) -> list[str]:
    return [p["name"] for p in items]


def mention(text: str, location: str = "", n: int = 1, **kw: Any) -> Mention:
    return Mention("x", f"p{n}", text, T0, author=Author("x", str(n), location=location), **kw)


def test_gazetteer_has_french_cities_regions_countries(gaz: Gazetteer) -> None:
    lyon = gaz.names["lyon"]
    assert (lyon.kind, lyon.country, lyon.admin1) == ("city", "fr", "Auvergne-Rhône-Alpes")
    assert lyon.lat == pytest.approx(45.75, abs=0.05) and lyon.lon == pytest.approx(4.84, abs=0.05)
    assert gaz.names["st etienne"].name == "Saint-Étienne"
    assert gaz.names["alsace"].kind == "region" and gaz.names["alsace"].name == "Grand Est"
    assert gaz.names["allemagne"].country == "de" and gaz.names["germany"].country == "de"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Panne @MirabelleTel à Lyon : panne totale.", ["Lyon"]),
        ("depuis 7h box qui clignote rouge à lyon", ["Lyon"]),
        ("Quelqu'un sait quand ca revient a Lyon ?", ["Lyon"]),
        ("villeurbanne : plus de réseau", ["Villeurbanne"]),
        ("#MirabelleDown #Grenoble plus de 4G", ["Grenoble"]),
        ("No signal at all in Grenoble since this morning", ["Grenoble"]),
        ("Je vis à Tours depuis 2019", ["Tours"]),
        ("Panne à Orange ce matin", ["Orange"]),
        ("Vacances sur Nice, enfin", ["Nice"]),
        ("en Bretagne et en Alsace", ["Bretagne", "Grand Est"]),
        ("Paris est magique", ["Paris"]),
        # ambiguous without context: not places
        ("Nice job, really nice", []),
        ("Les Tours de Notre-Dame et 3 tours de manège", []),
        ("Je suis chez Orange depuis 10 ans", []),
        ("le réseau d'Orange est en rade", []),
        ("Nancy Valcourt a répondu", []),
        ("paris sportifs, sens interdit, des vannes", []),
        ("Bon sens ! Tulle et Sens", []),
        ("une orange pressée à nice", []),
        ("@CedricLeroy@toot.lorraine.example https://lyon.example/grenoble", []),
    ],
)
def test_text_places_and_ambiguity(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert names(tag_text(gaz, text)) == expected


def test_author_location_disambiguates_and_is_tagged(gaz: Gazetteer) -> None:
    assert names(tag_text(gaz, "Soleil sur la Promenade, vive Nice")) == []
    author = tag_location(gaz, "Nice, France")
    assert names(author) == ["Nice", "France"] and author[0]["source"] == "author"
    assert names(tag_text(gaz, "Soleil sur la Promenade, vive Nice", author_places=author)) == [
        "Nice"
    ]
    assert names(tag_location(gaz, "nice")) == []  # lowercase: the word, not the city
    assert names(tag_location(gaz, "Villeurbanne (69)")) == ["Villeurbanne"]
    assert tag_location(gaz, "quelque part entre deux mondes") == []


def test_brand_in_the_dictionary_is_not_a_city(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    store.workspaces.set_workspace_setting(
        ws.id, "entities", [{"name": "Orange", "type": "competitor"}]
    )
    q = store.workspaces.upsert_query(Query(ws.id, "orange", "orange"))
    entities = EntityStage(Context(store, {"entities_ner": False}))
    places = PlaceStage(Context(store, {}))
    brand = mention("Orange : panne aussi chez eux ?", "Orange (84)", query_ids=[q.id])
    city = mention("Coupure à Orange ce matin", n=2, query_ids=[q.id])
    entities.process([brand, city])
    places.process([brand, city])
    assert [(p["name"], p["source"]) for p in brand.places] == [("Orange", "author")]
    assert [(p["name"], p["source"]) for p in city.places] == [("Orange", "text")]


def test_country_is_set_only_when_empty_and_confident(stage: PlaceStage) -> None:
    sure = mention("Panne à Grenoble")
    unsure = mention("grenoble ?", n=2)
    kept = mention("Panne à Grenoble", n=3, country="be")
    stage.process([sure, unsure, kept])
    assert sure.country == "fr"
    # a bare lowercase name of a large city is kept, but not trusted with the country
    assert unsure.country == "" and [p["confidence"] for p in unsure.places] == [0.6]
    assert kept.country == "be"
    item = sure.places[0]
    assert set(item) >= {"name", "kind", "country", "admin1", "lat", "lon", "source"}
    assert item["admin1"] == "Auvergne-Rhône-Alpes" and item["source"] == "text"


def test_outage_complaints_get_their_city(stage: PlaceStage) -> None:
    """Every outage mention naming one episode city gets that city, and no other."""
    sim = Simulator(seed=1, rate_per_minute=2)
    ep = sim.episode("panne-reseau")
    stream = {m.id: m for m in sim.until(ep.end)}
    ids = next(e for e in sim.ground_truth()["episodes"] if e["name"] == "panne-reseau")[
        "mention_ids"
    ]
    outage = [stream[i] for i in ids]
    stage.process(outage)
    checked, per_city = 0, Counter[str]()
    for m in outage:
        named = {c for c in OUTAGE_CITIES if c.lower() in m.text.lower()}
        text_places = {p["name"] for p in m.places if p["source"] == "text" and p["kind"] == "city"}
        if len(named) == 1 and m.kind != "repost":
            assert text_places == named, m.text
            per_city.update(named)
            checked += 1
    assert checked > 300
    assert set(per_city) == set(OUTAGE_CITIES)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 100_000,
        "à Lyon " * 15_000,
        "\x00\x01\xff\ufffd \ud800 junk",
        "😀😡🔥" * 100,
        "Привет 世界 مرحبا à Grenoble \u202e",
        "a\u0301\u0301" * 2000,
    ],
)
def test_hostile_input_never_breaks_a_batch(stage: PlaceStage, text: str) -> None:
    m = mention(text, location=text[:300])
    ok = mention("Panne à Lyon", n=2)
    assert stage.process([m, ok]) == [m, ok]
    assert names(ok.places) == ["Lyon"]
    assert all(text[p["start"] : p["end"]] == p["text"] for p in m.places if p["source"] == "text")
