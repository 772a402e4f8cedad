"""Engagement pages and API: roles and CSRF on every new route, the form flow,
refusals audited, OpenAPI coverage, escaping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socialhub.store.sqlite import SqliteStore

from .fake_x import FakeX
from .fakeserver import running
from .webworld import app_of, client_as, web_world
from .world import EngageWorld

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def x() -> Iterator[FakeX]:
    holder: dict[str, Any] = {}
    fake = FakeX("tok-123", lambda: holder["clock"]())
    with running(fake):
        fake.holder = holder  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def w(sqlite_store: SqliteStore, x: FakeX) -> EngageWorld:
    world = web_world(sqlite_store, x.url)
    x.holder["clock"] = world.clock  # type: ignore[attr-defined]
    return world


def _csrf(client: Any) -> str:
    return str(client.get("/api/me").json()["csrf_token"])


FORM_POSTS = [
    "/w/mirabelle-com/inbox/1/assign",
    "/w/mirabelle-com/inbox/1/tags",
    "/w/mirabelle-com/inbox/1/status",
    "/w/mirabelle-com/drafts",
    "/w/mirabelle-com/drafts/1/approve",
    "/w/mirabelle-com/drafts/1/refuse",
    "/w/mirabelle-com/drafts/1/edit",
    "/w/mirabelle-com/templates",
]
API_POSTS = [
    "/api/workspaces/mirabelle-com/inbox/1/assign",
    "/api/workspaces/mirabelle-com/inbox/1/tags",
    "/api/workspaces/mirabelle-com/inbox/1/status",
    "/api/workspaces/mirabelle-com/drafts/1/edit",
    "/api/workspaces/mirabelle-com/drafts",
    "/api/workspaces/mirabelle-com/drafts/1/approve",
    "/api/workspaces/mirabelle-com/drafts/1/refuse",
]
GETS = [
    "/w/mirabelle-com/inbox",
    "/w/mirabelle-com/inbox/1",
    "/w/mirabelle-com/drafts",
    "/w/mirabelle-com/templates",
    "/api/workspaces/mirabelle-com/inbox",
    "/api/workspaces/mirabelle-com/inbox/1",
    "/api/workspaces/mirabelle-com/drafts",
    "/api/workspaces/mirabelle-com/official-accounts",
    "/api/workspaces/mirabelle-com/engagement/measures",
]


def _seed(w: EngageWorld) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    eng.create_draft(w.ws, w.actor("alice"), account_id=w.account.id, text="Bonjour", item_id=1)


def test_every_post_needs_the_csrf_token(w: EngageWorld) -> None:
    _seed(w)
    client = client_as(w, "paul")
    for path in FORM_POSTS + API_POSTS:
        r = client.post(path, data={"text": "x", "account_id": "1", "status": "closed"})
        assert r.status_code == 403 and r.json()["error"] == "csrf", path
    assert w.engagement().repo.get_draft(1).status == "waiting"  # nothing happened
    assert [e.action for e in w.store.chain.iter_entries("audit")] == ["draft.created"]


def test_viewers_strangers_and_anonymous_are_kept_out(w: EngageWorld) -> None:
    _seed(w)
    app = app_of(w)
    anonymous, viewer = client_as(w, None, app), client_as(w, "vic", app)
    analyst, legal = client_as(w, "alice", app), client_as(w, "lea", app)
    json = {"accept": "application/json"}
    for path in [*GETS, "/audit", "/api/audit", "/api/audit/verify"]:
        assert anonymous.get(path, headers=json).status_code == 401, path
        assert viewer.get(path, headers=json).status_code == 403, path
        allowed = legal if "audit" in path else analyst
        assert allowed.get(path).status_code == 200, path
    assert analyst.get("/audit", headers=json).status_code == 403
    token = _csrf(viewer)
    for path in FORM_POSTS + API_POSTS:  # a viewer may not write either
        r = viewer.post(path, data={"csrf_token": token}, headers={"X-CSRF-Token": token, **json})
        assert r.status_code == 403 and r.json()["error"] == "forbidden", path


def test_strangers_get_404_for_another_workspace(w: EngageWorld) -> None:
    _seed(w)
    r = client_as(w, "alice").get("/api/workspaces/mirabelle-qos/inbox")
    assert r.status_code == 404


def test_analyst_cannot_approve_and_press_cannot_approve_own(w: EngageWorld, x: FakeX) -> None:
    _seed(w)
    alice = client_as(w, "alice")
    r = alice.post(
        "/w/mirabelle-com/drafts/1/approve",
        data={"csrf_token": _csrf(alice), "note": ""},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 403 and "propre brouillon" in r.json()["display_message"]
    paul = client_as(w, "paul")
    token = _csrf(paul)
    mine = paul.post(
        "/api/workspaces/mirabelle-com/drafts",
        json={"account_id": w.account.id, "text": "Communiqué"},
        headers={"X-CSRF-Token": token},
    )
    assert mine.status_code == 201, mine.text
    r = paul.post(
        f"/api/workspaces/mirabelle-com/drafts/{mine.json()['id']}/approve",
        json={},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 403
    denied = [e for e in w.store.chain.iter_entries("audit") if e.action == "approval.denied"]
    assert [e.actor for e in denied] == ["alice", "paul"]
    assert x.posts == []


def test_form_flow_publishes_and_answers(w: EngageWorld, x: FakeX) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    item_id = eng.repo.find_item(w.ws.id, "x:1799").id
    alice = client_as(w, "alice")
    page = alice.get(f"/w/mirabelle-com/inbox/{item_id}")
    assert page.status_code == 200 and "@mirabellefr" in page.text.lower()
    assert "jeanne_perso" not in page.text  # only declared accounts are offered
    r = alice.post(
        "/w/mirabelle-com/drafts",
        data={
            "csrf_token": _csrf(alice),
            "item_id": str(item_id),
            "account_id": str(w.account.id),
            "text": "Bonjour Jeanne, nos équipes interviennent.",
            "action": "submit",
        },
    )
    assert r.status_code == 303
    paul = client_as(w, "paul")
    r = paul.post("/w/mirabelle-com/drafts/1/approve", data={"csrf_token": _csrf(paul)})
    assert r.status_code == 303
    assert len(x.posts) == 1 and x.posts[0]["referenced_tweets"][0]["id"] == "1799"
    item = paul.get(f"/api/workspaces/mirabelle-com/inbox/{item_id}").json()
    assert item["status"] == "answered" and item["sla"]["state"] == "met"
    audit = client_as(w, "lea").get("/api/audit/verify").json()
    assert audit["ok"] and audit["entries"] >= 4


def test_undeclared_account_is_refused_and_audited(w: EngageWorld, x: FakeX) -> None:
    alice = client_as(w, "alice")
    r = alice.post(
        "/w/mirabelle-com/drafts",
        data={"csrf_token": _csrf(alice), "account_id": "77", "text": "Salut", "action": "submit"},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 403
    last = w.store.chain.head("audit")
    assert last is not None and last.action == "publish.refused" and last.actor == "alice"


def test_openapi_covers_the_new_routes(w: EngageWorld) -> None:
    paths = client_as(w, None).get("/openapi.json").json()["paths"]
    for path in FORM_POSTS + API_POSTS + GETS + ["/api/audit", "/api/audit/verify", "/audit"]:
        templated = path.replace("/1/", "/{item_id}/").replace("mirabelle-com", "{slug}")
        candidates = {templated, templated.replace("{item_id}", "{draft_id}")}
        if path.endswith("/inbox/1"):
            candidates = {path.replace("mirabelle-com", "{slug}").replace("/1", "/{item_id}")}
        assert candidates & set(paths), path
    form = paths["/w/{slug}/drafts"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in form


def test_post_text_is_escaped(w: EngageWorld) -> None:
    from datetime import timedelta

    from socialhub.models import Author, Mention

    w.store.mentions.add(
        [
            Mention(
                "x",
                "1900",
                f"@MirabelleFR {HOSTILE} ?",
                w.clock.now - timedelta(minutes=1),
                author=Author("x", "u9", "evil"),
                query_ids=[1],
            )
        ]
    )
    page = client_as(w, "alice").get("/w/mirabelle-com/inbox")
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text


def test_collision_warning_and_english(w: EngageWorld) -> None:
    w.engagement().refresh_inbox(w.ws)
    app = app_of(w)
    client_as(w, "alice", app).get("/w/mirabelle-com/inbox/1")
    page = client_as(w, "paul", app).get("/w/mirabelle-com/inbox/1?lang=en")
    assert "alice also has this item open" in page.text
    fr = client_as(w, "paul", app).get("/w/mirabelle-com/inbox/1")
    assert "consulte aussi cet élément" in fr.text


def test_dashboard_shows_responsiveness(w: EngageWorld, x: FakeX) -> None:
    eng = w.engagement()
    eng.refresh_inbox(w.ws)
    page = client_as(w, "alice").get("/w/mirabelle-com")
    assert page.status_code == 200 and 'id="responsiveness"' in page.text
    assert "0/2 répondus" in page.text


def test_api_assign_tag_close_with_a_token(w: EngageWorld) -> None:
    from socialhub.web.auth import create_token

    _seed(w)
    token, _ = create_token(w.store, w.users["alice"].id, "ci", w.clock.now)
    client = client_as(w, None)
    auth = {"Authorization": f"Bearer {token}"}  # tokens need no CSRF header
    base = "/api/workspaces/mirabelle-com/inbox/1"
    assert (
        client.post(f"{base}/assign", json={"assignee": "alice"}, headers=auth).json()["status"]
        == "waiting_approval"
    )
    r = client.post(f"{base}/tags", json={"tags": ["réseau", " urgent "]}, headers=auth)
    assert r.json()["tags"] == ["réseau", "urgent"]
    r = client.post(f"{base}/status", json={"status": "closed"}, headers=auth)
    assert r.json()["status"] == "closed" and r.json()["closed_at"]
    bad = client.post(f"{base}/status", json={"status": "answered"}, headers=auth)
    assert bad.status_code == 422
    actions = [e.action for e in w.store.chain.iter_entries("audit")]
    assert actions[-3:] == ["inbox.assigned", "inbox.tagged", "inbox.closed"]
