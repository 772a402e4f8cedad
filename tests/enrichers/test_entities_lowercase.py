"""Entities on lowercase French text (issue 18, item 3): handles as names, truecasing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialhub.enrichers.entities.dictionary import Dictionary, handle_forms
from socialhub.enrichers.entities.ner import french_words, truecase
from socialhub.enrichers.entities.stage import EntityStage
from socialhub.models import Mention, Watchlist, WatchlistMember
from socialhub.pipeline.base import Context

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TWEET = "xavier niel a encore coupé la freebox, merci free"


@pytest.fixture(scope="module")
def stage() -> EntityStage:
    return EntityStage(Context(None, {}))


def test_handles_also_name_their_owner_without_the_at_sign() -> None:
    assert handle_forms("@XavierNiel") == ["@XavierNiel", "XavierNiel", "Xavier Niel"]
    assert handle_forms("@free_mobile") == ["@free_mobile", "free_mobile", "free mobile"]
    assert handle_forms("@sfr") == ["@sfr"]  # too short to be matched bare
    settings = {1: [{"name": "Free", "type": "brand", "aliases": ["@Freebox", "free"]}]}
    wl = Watchlist(1, "patrons", "executive", members=[WatchlistMember("x", "@XavierNiel")])
    hits = Dictionary(settings, [wl]).match(TWEET)
    assert [(h["text"], h["id"], h["type"]) for h in hits] == [
        ("xavier niel", "@XavierNiel", "PER"),
        ("freebox", "Free", "BRAND"),
        ("free", "Free", "BRAND"),
    ]


def test_truecasing_capitalises_only_words_that_are_not_french() -> None:
    is_word = french_words()
    assert is_word is not None
    assert truecase(TWEET, is_word) == "Xavier Niel a encore coupé la Freebox, merci Free"
    assert truecase("le réseau est tombé à lyon #panne @sfrsupport http", is_word) == (
        "le réseau est tombé à Lyon #panne @sfrsupport http"
    )
    assert truecase("Déjà une majuscule à Lyon", is_word) is None  # the model reads it


def test_the_stage_finds_people_and_places_in_lowercase_french(stage: EntityStage) -> None:
    low = Mention("x", "1", "marine le pen et emmanuel macron à marseille ce soir", T0, lang="fr")
    cap = Mention("x", "2", "Emmanuel Macron à Marseille ce soir", T0, lang="fr")
    stage.process([low, cap])
    assert ("emmanuel macron", "PER", "ner_lower") in {
        (e["text"], e["type"], e["source"]) for e in low.entities
    }
    assert ("marseille", "LOC") in {(e["text"], e["type"]) for e in low.entities}
    assert all(low.text[e["start"] : e["end"]] == e["text"] for e in low.entities)
    assert {e["source"] for e in cap.entities} == {"ner"}  # capitals: read as it is
