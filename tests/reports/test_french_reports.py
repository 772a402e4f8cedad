"""Every report of a French workspace reads French: the digest's morning and afternoon
editions, the competitors report, the crisis report (from an incident and from an
alert), each as the email HTML, the print HTML (the PDF's source), the plain-text part,
the title and the subject, and the email a recipient receives. The nets are those of
tests/web/french.py (an English msgid with a French translation, or a text with two
English function words, fails). The legal case report: tests/legal/test_report_locale.py.
"""

from __future__ import annotations

import dataclasses
import email
from email.message import Message as EmailMessage
from typing import Any

import pytest

from socialhub.models import utcnow
from socialhub.records.alerts import Alert, AlertEvent
from socialhub.records.engage import OfficialAccount
from socialhub.records.incidents import Incident, IncidentEvent
from socialhub.records.stories import StoryRecord
from socialhub.reports.build import Built, build
from socialhub.reports.delivery import build_message
from socialhub.reports.render import render_text, subject, title
from socialhub.store.base import Store
from web.french import english_in, visible_text

from .helpers import PERIOD, World, hours, mention, setup_workspace

START, END = PERIOD
MIDDAY = START + hours(4)

# What the detectors store (English): the reports show them in the reader's language.
TITLES = {
    "complaints": "network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)",
    "volume": "Marque Fictel: 120 mentions in 15 min, 6.3× the usual 19.0 (still rising)",
    "sentiment_shift": "Marque Fictel: 64% negative over 60 min (usually 21%, 45/70 posts)",
    "convergence": "Marque Fictel: 3 listed voices in one conversation within 1.5 h: "
    "@croussel (journalist)",
    "watchlist": "@croussel (Journalistes) posted about Marque Fictel",
}
LYON = [{"name": "Lyon", "admin1": "Auvergne-Rhône-Alpes", "country": "FR", "source": "text"}]


def _world(store: Store) -> tuple[World, int, int]:
    """A French workspace with something in every section: posts of the brand and its
    competitor, listed voices (a journalist's request, an MP, an executive), a story
    with its importance, alerts of each detector, an incident with people's actions."""
    w = setup_workspace(store)
    w.ws = store.workspaces.upsert_workspace(dataclasses.replace(w.ws, locale="fr"))
    ws, b, az, press = w.ws.id, w.brand.id, w.azurel.id, w.press.id
    assert ws and b and az and press
    posts = [
        mention("u0", "vous êtes chez fictel ou chez azurel ?", START, "curious", [b]),
        *[mention(f"o{i}", f"Panne Fictel à Lyon, plus rien ne marche {i}",
                  START + hours(1 + i / 10), f"user{i}", [b], sentiment="negative",
                  keyphrases=["panne Fictel"], likes=i)
          for i in range(8)],
        mention("j1", "Je cherche des abonnés fibre à Lyon pour un reportage, DM ouverts",
                START + hours(1.5), "croussel", [b, press], followers=38000),
        mention("j2", "Fictel fermerait 40 boutiques, selon nos informations",
                START + hours(5), "jaubertin", [b, press], followers=20000, likes=300),
        mention("m1", "Je demande des comptes à Fictel sur cette panne", START + hours(2),
                "mdelorme", [b], sentiment="negative"),
        mention("e1", "Nos équipes sont mobilisées à Lyon", START + hours(2.5), "hmarc", [b]),
        mention("ans", "Nous rétablissons le service à Lyon", START + hours(2), "fictelsav", [b]),
        *[mention(f"a{i}", "Azurel lance sa box", START + hours(3 + i / 30), f"fan{i}", [az],
                  keyphrases=["box Azurel"], likes=2, sentiment="positive") for i in range(6)],
        *[mention(f"p{i}", f"Fictel ferme la boutique de Lyon {i}", START + hours(5 + i / 10),
                  f"reader{i}", [b], sentiment="negative") for i in range(5)],
    ]  # fmt: skip
    for m in posts[1:9]:
        m.places = list(LYON)
    store.mentions.add(posts)
    why = [
        {"component": "velocity", "value": 9.0, "points": 22.0,
         "why": "60 original posts in its busiest hour vs 6.0 usual"},
        {"component": "who", "value": 1, "points": 8.0, "why": "1 listed voices, 40 authors"},
        {"component": "negativity", "value": 0.5, "points": 7.0, "why": "50% negative"},
    ]  # fmt: skip
    key = f"{ws}:x:o0"
    store.stories.save(
        [StoryRecord(ws, key, "Panne Fictel à Lyon", "x:o0", START + hours(1), START + hours(2),
                     START + hours(1), size=9, authors=9, importance=61.0, explanation=why,
                     responses={"answered": True})],
        [(ws, key, m.id) for m in posts[1:10]],
    )  # fmt: skip
    [story] = store.stories.list_stories(ws)
    assert story.id is not None
    store.engage.upsert_account(OfficialAccount("x", "fictelsav", "Fictel SAV"), utcnow())
    alerts = []
    for i, (detector, text) in enumerate(TITLES.items()):
        alerts.append(
            store.alerts.save_alert(
                Alert(rule=f"{ws}|{detector}|query:{b}", detector=detector, version="1",
                      key=f"query:{b}:{i}", title=text, severity=7 + i % 3,
                      first_t=START + hours(1 + i / 4), last_t=START + hours(2 + i / 4),
                      observed=70, baseline=16.7, threshold=40, score=4.2, workspace_id=ws,
                      query_id=b, evidence=["x:o3", "x:j1"])
            )
        )  # fmt: skip
    first = alerts[0]
    assert first.id is not None
    store.alerts.add_alert_event(AlertEvent(first.id, "merged", START + hours(1.5)))
    store.alerts.add_alert_event(AlertEvent(first.id, "acknowledged", START + hours(1.2), "léa"))
    inc = store.incidents.save_incident(
        Incident(ws, "Panne à Lyon", 8, START + hours(1), owner="léa", playbook="outage")
    )
    assert inc.id is not None
    store.incidents.link(inc.id, "alert", first.id)
    store.incidents.link(inc.id, "story", story.id)
    for kind, at, who, details in (
        ("opened", 1.0, "", {}),
        ("acknowledged", 1.1, "léa", {}),
        ("note", 1.3, "léa", {"text": "Appelé la QoS"}),
        ("owner", 1.4, "léa", {"to": "paul"}),
    ):
        store.incidents.add_event(IncidentEvent(inc.id, kind, START + hours(at), who, details))
    return w, inc.id, first.id


def _reports(store: Store) -> dict[str, Built]:
    w, incident, alert = _world(store)
    ws = w.ws
    return {
        "digest (morning edition)": build(store, ws, "digest", START, MIDDAY, pdf=False),
        "digest (afternoon edition)": build(store, ws, "digest", MIDDAY, END, pdf=False),
        "competitors": build(store, ws, "competitors", START, END, pdf=False),
        "crisis (incident)": build(store, ws, "crisis", None, END, incident_id=incident, pdf=False),
        "crisis (alert)": build(store, ws, "crisis", START, END, alert_id=alert, pdf=False),
    }


def _data_nodes(nodes: list[str]) -> frozenset[str]:
    """Names of the test world (queries, lists, people) are data, not product text."""
    data = ("Marque Fictel", "Concurrent Azurel", "Journalistes", "Fictel Télécom")
    return frozenset(n for n in nodes if n in data)


def _email_parts(built: Built, store: Store) -> tuple[str, str, str]:
    report = built.record(_ws(store))  # as the scheduler sends it
    raw = build_message(report, ["presse@fictel.example"], "hub@fictel.example").as_bytes()
    msg: EmailMessage = email.message_from_bytes(raw)
    header = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    parts: dict[str, Any] = {p.get_content_type(): p for p in msg.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    html = parts["text/html"].get_payload(decode=True).decode("utf-8")
    return header, text, html


def _ws(store: Store) -> Any:
    found = store.workspaces.get_workspace("fictel")
    assert found is not None
    return found


@pytest.fixture
def reports(sqlite_store: Store) -> dict[str, Built]:
    return _reports(sqlite_store)


def test_every_report_of_a_french_workspace_is_french(
    sqlite_store: Store, reports: dict[str, Built]
) -> None:
    problems: list[str] = []
    for name, built in reports.items():
        assert built.data["lang"] == "fr", name
        header, text, mail_html = _email_parts(built, sqlite_store)
        outputs = {
            "html": visible_text(built.html),
            "print html": visible_text(built.print_html),
            "email html": visible_text(mail_html),
            "title": [title(built.data)],
            "subject": [subject(built.data)],
            "email subject": [header],
            "text": [line for line in render_text(built.data).splitlines() if line.strip()],
            "email text": [line for line in text.splitlines() if line.strip()],
        }
        for flavour, nodes in outputs.items():
            problems += [f"{name} / {flavour}: {p}" for p in english_in(nodes, _data_nodes(nodes))]
        assert '<html lang="fr"' in built.html, name
    assert problems == [], "\n".join(problems)


def test_the_reports_show_what_the_test_feeds_them(reports: dict[str, Built]) -> None:
    """The check above is only worth the sections it reads: they are not empty."""
    morning = reports["digest (morning edition)"]
    assert morning.data["alerts"] or morning.data.get("incidents"), morning.data.keys()
    assert "Panne Fictel à Lyon" in morning.html
    assert "Réclamations « panne réseau » partout" in morning.html  # a detector's title
    crisis = reports["crisis (incident)"]
    assert "Panne à Lyon" in crisis.html and "Lyon" in crisis.html
    assert "Azurel" in reports["competitors"].html
    alert = reports["crisis (alert)"]
    assert "Réclamations « panne réseau » partout" in title(alert.data)
