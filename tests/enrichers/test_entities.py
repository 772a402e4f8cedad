"""The entities stage: syntax, workspace dictionaries (from a real store), NER, bad input."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.enrichers.entities import ner as ner_module
from socialhub.enrichers.entities import validate_entities
from socialhub.enrichers.entities.dictionary import Dictionary, fold_with_offsets
from socialhub.enrichers.entities.ner import english_rules
from socialhub.enrichers.entities.stage import EntityStage
from socialhub.enrichers.entities.syntax import extract_syntax
from socialhub.enrichers.places import gazetteer as gazetteer_module
from socialhub.enrichers.places.stage import PlaceStage
from socialhub.models import Author, Mention, Query, Watchlist, WatchlistMember, Workspace
from socialhub.pipeline.base import Context
from socialhub.store.base import Store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BRAND = [
    {"name": "Mirabelle Télécom", "type": "brand", "aliases": ["Mirabelle", "@MirabelleTel"]},
    {"name": "Mira 5G", "type": "product", "aliases": []},
    {"name": "Telvia", "type": "competitor"},
]
HOSTILE = [
    "",
    "x" * 100_000,
    "Mirabelle à Lyon " * 6_000,  # ~100 KB with hits all along
    "\x00\x01\x02\xff\ufffd binaire \ud800 \udfff junk",
    "😀😡🔥💜" * 50,
    "Привет 世界 مرحبا שלום Mirabelle à Grenoble ﷽ \u202e reversed",
    "#" * 500 + "@" * 500 + "http://" * 100,
    "a\u0301\u0301\u0301" * 1000,  # stacked combining accents
]


def mention(text: str, lang: str = "fr", n: int = 1, **kw: Any) -> Mention:
    return Mention("x", f"e{n}", text, T0, lang=lang, **kw)


@pytest.fixture(scope="module")
def stage() -> EntityStage:
    return EntityStage(Context(None, {}))


def spans_ok(m: Mention) -> bool:
    return all(m.text[e["start"] : e["end"]] == e["text"] for e in m.entities)


# ---- syntax ------------------------------------------------------------------------


def test_syntax_hashtags_mentions_links_with_domain() -> None:
    text = "Panne #MirabelleDown @MirabelleSAV voir https://www.exemple.fr/a?b=1). mail a@b.fr #1"
    items = extract_syntax(text)
    got = [(e["type"], e["id"]) for e in items]
    assert got == [
        ("HASHTAG", "mirabelledown"),
        ("MENTION", "mirabellesav"),
        ("URL", "https://www.exemple.fr/a?b=1"),
    ]
    assert items[2]["domain"] == "exemple.fr"
    assert all(text[e["start"] : e["end"]] == e["text"] for e in items)


# ---- dictionary ----------------------------------------------------------------------


def test_validate_entities_accepts_good_and_explains_bad() -> None:
    assert validate_entities(BRAND) == []
    errors = validate_entities(
        [
            {"name": "Telvia", "type": "brand"},
            {"name": "TELVIA", "type": "brand"},
            {"type": "brand"},
            {"name": "X", "type": "company", "aliases": "X Corp", "colour": "red"},
            "Telvia",
            {"name": "!!!", "type": "brand"},
        ]
    )
    text = "\n".join(errors)
    assert "entities[1] ('TELVIA'): 'TELVIA' already names entities[0]" in text
    assert "entities[2]: name must be a non-empty string" in text
    assert "type must be one of" in text and "'company'" in text
    assert "aliases must be a list of strings" in text
    assert "unknown keys ['colour']" in text
    assert "entities[4] must be a table" in text
    assert "has no letters or digits" in text
    assert validate_entities({"name": "x"}) == ["entities must be a list of tables, not dict"]


def test_fold_with_offsets_maps_back_to_the_original() -> None:
    text = "Œuvre à L’Haÿ Straße e\u0301te\u0301"
    folded, index = fold_with_offsets(text)
    assert len(folded) == len(index)
    assert "strasse" in folded and "ete" in folded


def test_dictionary_matches_lowercase_and_unaccented_on_word_boundaries() -> None:
    d = Dictionary({1: BRAND})
    hits = d.match(
        "chez mirabelle  telecom, #Mirabelle et MIRA 5G; pas les mirabelles ni @mirabellex"
    )
    got = [(h["text"], h["type"], h["id"]) for h in hits]
    assert got == [
        ("mirabelle  telecom", "BRAND", "Mirabelle Télécom"),
        ("Mirabelle", "BRAND", "Mirabelle Télécom"),
        ("MIRA 5G", "PRODUCT", "Mira 5G"),
    ]
    assert all(h["workspace_id"] == 1 and h["source"] == "rules" for h in hits)
    assert d.match("Telvia Flex")[0]["category"] == "competitor"


# ---- the stage with a real store ---------------------------------------------------------


def _setup(store: Store) -> tuple[int, int, int, int]:
    a = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    b = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert a.id is not None and b.id is not None
    store.workspaces.set_workspace_setting(a.id, "entities", BRAND)
    store.workspaces.set_workspace_setting(
        b.id, "entities", [{"name": "Box Ultra", "type": "product"}]
    )
    store.workspaces.upsert_watchlist(
        Watchlist(
            a.id,
            "Journalistes",
            "journalist",
            members=[WatchlistMember("x", "@camroussel", "Camille Roussel", "journalist")],
        )
    )
    qa = store.workspaces.upsert_query(Query(a.id, "marque", "mirabelle"))
    qb = store.workspaces.upsert_query(Query(b.id, "box", "box"))
    assert qa.id is not None and qb.id is not None
    return a.id, b.id, qa.id, qb.id


def test_stage_uses_the_workspaces_dictionaries(store: Store) -> None:
    ws_a, ws_b, qa, qb = _setup(store)
    st = EntityStage(Context(store, {"entities_ner": False}))
    text = "Camille Roussel (@camroussel) teste la box ultra de mirabelle"
    only_a = mention(text, query_ids=[qa])
    both = mention(text, n=2, query_ids=[qa, qb])
    unrouted = mention(text, n=3)
    st.process([only_a, both, unrouted])
    rules_a = {
        (e["id"], e["type"], e["workspace_id"]) for e in only_a.entities if e["source"] == "rules"
    }
    assert rules_a == {
        ("Camille Roussel", "PER", ws_a),
        ("Mirabelle Télécom", "BRAND", ws_a),
    }
    rules_both = {(e["id"], e["workspace_id"]) for e in both.entities if e["source"] == "rules"}
    assert ("Box Ultra", ws_b) in rules_both and ("Mirabelle Télécom", ws_a) in rules_both
    assert {e["id"] for e in unrouted.entities if e["source"] == "rules"} >= {"Box Ultra"}
    # a setting change is picked up on refresh
    store.workspaces.set_workspace_setting(
        ws_a, "entities", [{"name": "Nexo", "type": "competitor"}]
    )
    st.refresh(force=True)
    m = mention("nexo ou mirabelle ?", n=4, query_ids=[qa])
    st.process([m])
    assert [e["id"] for e in m.entities if e["source"] == "rules"] == ["Nexo"]


def test_stage_without_store_does_ner_and_syntax(stage: EntityStage) -> None:
    fr = mention("Jeanne Valcourt a rencontré la Banque de France à Marseille #réunion")
    en = mention("CEO Jane Doe of Acme Telecom said the outage in Grenoble is over", "en", 2)
    es = mention("Jeanne Valcourt en Marseille #hola", "es", 3)
    stage.process([fr, en, es])
    assert {(e["text"], e["type"], e["source"]) for e in fr.entities} == {
        ("Jeanne Valcourt", "PER", "ner"),
        ("Banque de France", "ORG", "ner"),
        ("Marseille", "LOC", "ner"),
        ("#réunion", "HASHTAG", "syntax"),
    }
    assert {(e["text"], e["type"]) for e in en.entities} == {
        ("Jane Doe", "PER"),
        ("Acme Telecom", "ORG"),
        ("Grenoble", "LOC"),
    }
    assert [e["type"] for e in es.entities] == ["HASHTAG"]  # no NER for Spanish
    assert all(spans_ok(m) for m in (fr, en, es))


def test_dictionary_beats_ner_on_the_same_span(store: Store) -> None:
    _, _, qa, _ = _setup(store)
    st = EntityStage(Context(store, {}))
    m = mention("Chez Mirabelle Télécom on a des appels qui coupent", query_ids=[qa])
    st.process([m])
    assert [(e["text"], e["type"], e["source"]) for e in m.entities] == [
        ("Mirabelle Télécom", "BRAND", "rules")
    ]


def test_english_rules_need_a_cue() -> None:
    assert english_rules("Great Service And Fast Delivery Today") == []
    assert [e["type"] for e in english_rules("I moved from New York to Lyon")] == ["LOC", "LOC"]


# ---- bad input -----------------------------------------------------------------------


def test_hostile_input_never_breaks_a_batch(stage: EntityStage) -> None:
    batch = [mention(t, lang, i) for i, t in enumerate(HOSTILE) for lang in ("fr",)]
    batch += [mention(t, "en", 100 + i) for i, t in enumerate(HOSTILE)]
    out = stage.process(batch)
    assert out == batch
    assert all(spans_ok(m) for m in batch)
    # the NER input is bounded: no NER entity beyond the documented limit
    long = batch[2]
    assert any(e["source"] == "ner" for e in long.entities)
    assert all(e["end"] <= ner_module.NER_MAX_CHARS for e in long.entities if e["source"] == "ner")


def test_nothing_downloads_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    # build from scratch (caches emptied) with every socket refused
    monkeypatch.setattr(ner_module, "_MODELS", {})
    monkeypatch.setattr(gazetteer_module, "_CACHE", {})
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    ctx = Context(None, {})
    entities, places = EntityStage(ctx), PlaceStage(ctx)
    assert entities.ner is not None
    m = mention(
        "Panne chez Mirabelle à Villeurbanne, Jeanne Valcourt est furieuse",
        author=Author("x", "1", location="Lyon, France"),
    )
    entities.process([m])
    places.process([m])
    assert ("Jeanne Valcourt", "PER") in {(e["text"], e["type"]) for e in m.entities}
    assert {p["name"] for p in m.places} == {"Villeurbanne", "Lyon", "France"}
