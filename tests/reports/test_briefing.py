"""The briefing's parts on crafted data: alerts of the period queried by period (a
digest rebuilt a day later lists the same ones), suggested actions from rules, the
press opportunities of listed journalists, the tone for the brand."""

from __future__ import annotations

import doctest
from datetime import timedelta

import pytest

from socialhub.analytics.stories import tone as tone_module
from socialhub.analytics.stories.tone import brand_tone
from socialhub.records.alerts import Alert
from socialhub.records.incidents import Incident
from socialhub.reports import briefing
from socialhub.reports.data import scope_of
from socialhub.reports.digest import alerts_of, incidents_of
from socialhub.store.base import Store

from .helpers import PERIOD, hours, mention, setup_workspace

START, END = PERIOD


@pytest.mark.parametrize("module", [tone_module, briefing])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


def _alert(ws_id: int, n: int, first: timedelta, severity: int, span: float = 0.5) -> Alert:
    return Alert(
        rule=f"{ws_id}|volume|query:{n}", detector="volume", version="1", key=f"query:{n}",
        title=f"alert {n}", severity=severity, first_t=START + first,
        last_t=START + first + hours(span), observed=40, baseline=8, threshold=20, score=5,
        workspace_id=ws_id,
    )  # fmt: skip


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_a_digest_rebuilt_a_day_later_lists_the_same_alerts(store: Store) -> None:
    w = setup_workspace(store)
    assert w.ws.id is not None
    ws = w.ws.id
    store.alerts.save_alert(_alert(ws, 1, hours(2), 8))  # in the period, severe
    store.alerts.save_alert(_alert(ws, 2, hours(3), 5))  # in the period, routine
    store.alerts.save_alert(_alert(ws, 3, -hours(3), 7, span=4))  # started before, ran into it
    store.alerts.save_alert(_alert(ws, 4, -hours(5), 9, span=1))  # over before the period
    on_time = alerts_of(store.alerts, ws, START, END)
    assert [a["title"] for a in on_time] == ["alert 1", "alert 3"]  # most severe first
    # a day of later alerts (more than any "most recent N" would keep)
    for n in range(10, 260):
        store.alerts.save_alert(_alert(ws, n, hours(10) + timedelta(minutes=5 * n), 7))
    assert alerts_of(store.alerts, ws, START, END) == on_time
    # incidents: those open at some point of the period, whatever came later
    store.incidents.save_incident(Incident(ws, "Panne", 8, START + hours(1)))
    store.incidents.save_incident(
        Incident(ws, "Vieux", 9, START - hours(9), status="closed", closed_at=START - hours(1))
    )
    on_time_incidents = incidents_of(store, ws, START, END)
    assert [i["title"] for i in on_time_incidents] == ["Panne"]
    for n in range(5):
        store.incidents.save_incident(Incident(ws, f"later {n}", 9, END + hours(10 + n)))
    assert incidents_of(store, ws, START, END) == on_time_incidents


def test_suggested_actions_follow_the_rules() -> None:
    facts = {"importance": 40.0, "tone": "negative", "answered": False, "press_request": True,
             "voice_types": {"journalist"}, "categories": set()}  # fmt: skip
    # defaults: a journalist's request goes to the press officer (the setting names them)
    assert briefing.suggest(facts, {"press_officer": "Léa Martin"})["owner"] == "Léa Martin"
    assert briefing.suggest({**facts, "press_request": False}, {})["action"] == (
        "Proposer aux journalistes la position de l'entreprise"
    )
    rules = [
        {"when": {"category": "network_outage"}, "action": "Appeler la QoS", "owner": "QoS"},
        {"when": {"min_importance": 30}, "action": "Alerter la direction", "owner": "Dircom"},
    ]
    settings = {"briefing_rules": rules}
    assert briefing.suggest(facts, settings) == {"action": "Alerter la direction",
                                                  "owner": "Dircom"}  # fmt: skip
    outage = {**facts, "categories": {"network_outage"}}
    assert briefing.suggest(outage, settings)["owner"] == "QoS"


def test_press_opportunities_are_the_listed_journalists_requests(store: Store) -> None:
    w = setup_workspace(store)
    assert w.ws.id is not None and w.brand.id and w.press.id
    ids = [w.brand.id, w.press.id]
    posts = [
        mention("r1", "Je cherche des abonnés fibre à Cannes pour un reportage, DM ouverts",
                START + hours(1), "croussel", ids),
        mention("r2", "Looking for people affected by the outage for a story, DMs open",
                START + hours(2), "jaubertin", ids),
        mention("r3", "Je cherche des abonnés fibre à Nice pour un reportage, DM ouverts",
                START + hours(2), "someone", ids),  # not a listed journalist
        mention("r4", "Mon papier du jour sur la fibre", START + hours(3), "croussel", ids),
    ]  # fmt: skip
    scope = scope_of(
        store.workspaces.list_queries(w.ws.id), store.workspaces.list_watchlists(w.ws.id), {}
    )
    found = briefing.press_opportunities(posts, scope, {"press_officer": "Léa"})
    assert [(p["journalist"], p["routed_to"]) for p in found] == [
        ("Camille Roussel", "Léa"),
        ("Julien Aubertin", "Léa"),
    ]


def test_bad_news_in_neutral_words_is_negative_for_the_brand() -> None:
    closure = "Mirabelle Télécom s'apprête à fermer une boutique sur cinq"
    assert brand_tone(closure, [closure] * 3, {"neutral": 3, "positive": 1}) == "negative"
    praise = ["Bravo pour la nouvelle pub #MaVieEnMirabelle", "Trop beau ce film"]
    assert brand_tone("Le film #MaVieEnMirabelle", praise, {}) == "positive"
    assert brand_tone("Telvia ferme des boutiques", ["ferme"], {}, brand=False) == "neutral"


def test_a_thanks_said_in_anger_is_bad_news_not_mixed() -> None:
    """Issue 15: "merci Mirabelle 🤬" is sarcasm; a story of such posts, which a model
    half rates positive, is negative for the brand, while sincere thanks stay praise."""
    angry = [
        "Plus de réseau depuis midi, merci Mirabelle 🤬",
        "Merci Mirabelle pour rien 😡",
        "Trois coupures ce soir. Bravo Mirabelle 👎",
        "Merci Mirabelle, vraiment 🙄",
    ]
    mix = {"positive": 2, "negative": 2}
    assert brand_tone("Merci Mirabelle 🤬", angry, mix) == "negative"
    assert brand_tone("Plus de réseau depuis midi, merci Mirabelle 🤬", angry[:1], mix) == (
        "negative"
    )
    thanks = ["Merci Mirabelle, la fibre est top 😍", "Merci pour la réactivité du SAV 👏"]
    assert brand_tone("Merci Mirabelle", thanks, {"positive": 2}) == "positive"
    # trouble denied is no bad news: "aucune coupure, je recommande"
    praise = ["Passé chez Mirabelle il y a 5 mois, aucune coupure, je recommande 👍"] * 3
    assert brand_tone(praise[0], praise, {"positive": 3}) == "positive"
