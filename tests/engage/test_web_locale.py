"""The engagement pages through gettext: inbox, item, drafts, saved replies and the
audit log read French with no English message id left (the net of tests/web/french.py),
and English with ``?lang=en`` (remembered by a cookie); the API's refusals follow the
same language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socialhub.store.sqlite import SqliteStore
from web.french import english_in, visible_text

from .fake_x import FakeX
from .fakeserver import running
from .webworld import app_of, client_as, web_world
from .world import EngageWorld

PAGES = [
    ("alice", "/w/mirabelle-com/inbox"),
    ("alice", "/w/mirabelle-com/inbox?status=all"),
    ("alice", "/w/mirabelle-com/inbox/1"),
    ("alice", "/w/mirabelle-com/drafts"),
    ("paul", "/w/mirabelle-com/drafts"),
    ("alice", "/w/mirabelle-com/templates"),
    ("lea", "/audit"),
]


@pytest.fixture
def w(sqlite_store: SqliteStore) -> Iterator[EngageWorld]:
    holder: dict[str, Any] = {}
    fake = FakeX("tok-123", lambda: holder["clock"]())
    with running(fake):
        world = web_world(sqlite_store, fake.url)
        holder["clock"] = world.clock
        eng = world.engagement()
        eng.refresh_inbox(world.ws)
        eng.create_draft(
            world.ws, world.actor("alice"), account_id=world.account.id, text="Bonjour", item_id=1
        )
        yield world


def _data_nodes(nodes: list[str], w: EngageWorld) -> frozenset[str]:
    """Text nodes that are the test world's data (post texts, names), not product text."""
    items = w.engagement().repo.list_items(w.ws.id)
    data = [i.text[:160] for i in items] + [i.author for i in items] + [w.ws.name]
    return frozenset(n for n in nodes if any(d and d in n for d in data) or n == "English")


def test_the_engagement_pages_read_french(w: EngageWorld) -> None:
    app = app_of(w)
    problems = []
    for user, path in PAGES:
        page = client_as(w, user, app).get(path)
        assert page.status_code == 200, (path, page.text[:300])
        nodes = visible_text(page.text)
        problems += [f"{path}: {p}" for p in english_in(nodes, _data_nodes(nodes, w))]
    assert problems == []
    inbox = client_as(w, "alice", app).get("/w/mirabelle-com/inbox").text
    assert "Boîte de réception" in inbox and "Délai de première réponse" in inbox
    assert "7 derniers jours" in inbox
    audit = client_as(w, "lea", app).get("/audit").text
    assert "Chaîne vérifiée" in audit


def test_the_engagement_pages_read_english_when_asked(w: EngageWorld) -> None:
    app = app_of(w)
    alice = client_as(w, "alice", app)
    inbox = alice.get("/w/mirabelle-com/inbox?lang=en")
    assert "Inbox" in inbox.text and "First-response time" in inbox.text
    assert "Boîte de réception" not in inbox.text and "Français" in inbox.text
    drafts = alice.get("/w/mirabelle-com/drafts")  # the cookie remembers the choice
    assert "Drafts and approvals" in drafts.text and "Brouillons" not in drafts.text
    assert "waiting" in drafts.text or "draft" in drafts.text
    audit = client_as(w, "lea", app).get("/audit?lang=en").text
    assert "Chain verified" in audit and "Audit log" in audit


def test_refusals_follow_the_page_language(w: EngageWorld) -> None:
    alice = client_as(w, "alice")
    token = str(alice.get("/api/me").json()["csrf_token"])
    json = {"accept": "application/json"}
    fr = alice.post("/w/mirabelle-com/drafts/1/approve", data={"csrf_token": token}, headers=json)
    # display_message in the page's language; message stays English (API clients, logs)
    assert fr.status_code == 403 and "propre brouillon" in fr.json()["display_message"]
    assert fr.json()["message"] == "Nobody approves their own draft: ask a colleague."
    en = alice.post(
        "/w/mirabelle-com/drafts/1/approve?lang=en", data={"csrf_token": token}, headers=json
    )
    assert en.status_code == 403
    assert en.json()["display_message"] == "Nobody approves their own draft: ask a colleague."
    empty = alice.post(
        "/w/mirabelle-com/templates", data={"csrf_token": token, "name": "x"}, headers=json
    )
    assert empty.status_code == 422
    assert empty.json()["display_message"] == "Une réponse type a besoin d'un nom et d'un texte."
    assert empty.json()["message"] == "A saved reply needs a name and a text."


def test_form_field_refusals_follow_the_page_language(w: EngageWorld) -> None:
    """The drafts form's number and date fields refuse in the page's language (?lang=,
    then its cookie), not the user's or the workspace's, like the service's refusals."""
    alice = client_as(w, "alice")
    token = str(alice.get("/api/me").json()["csrf_token"])
    json = {"accept": "application/json"}
    bad = {
        "account_id": {"csrf_token": token, "account_id": "x", "text": "Bonjour"},
        "required": {"csrf_token": token, "text": "Bonjour"},
        "date": {"csrf_token": token, "account_id": str(w.account.id), "text": "Bonjour",
                 "scheduled_at": "demain 8h"},
    }  # fmt: skip
    english = {
        "account_id": "account_id: expected a number",
        "required": "account_id: required",
        "date": "not a date and time: 'demain 8h'",
    }
    french = {
        "account_id": "account_id : nombre attendu",
        "required": "account_id : obligatoire",
        "date": "pas une date et une heure : 'demain 8h'",
    }
    for what, data in bad.items():
        fr = alice.post("/w/mirabelle-com/drafts", data=data, headers=json)
        assert fr.status_code == 422, fr.text
        assert fr.json()["display_message"] == french[what]
        assert fr.json()["message"] == english[what]
        en = alice.post("/w/mirabelle-com/drafts?lang=en", data=data, headers=json)
        assert en.status_code == 422, en.text
        assert en.json()["display_message"] == english[what], (what, en.json())
    # the page's choice, remembered by its cookie, holds without ?lang=
    alice.get("/w/mirabelle-com/drafts?lang=en")
    again = alice.post("/w/mirabelle-com/drafts", data=bad["date"], headers=json)
    assert again.json()["display_message"] == english["date"]
    # and the HTML error page a form post falls on speaks it too
    page = alice.post("/w/mirabelle-com/drafts", data=bad["account_id"])
    assert page.status_code == 422 and "expected a number" in page.text
