"""The legal desk over HTTP: who may send, who may see cases, CSRF on every form,
custody entries for views, and the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socialhub.legal.desk import LegalConfig, LegalDesk
from socialhub.models import Role, User
from socialhub.store.sqlite import SqliteStore

from .helpers import Clock, World, _hash, build_world, csrf_of, login


@pytest.fixture
def legal_world(sqlite_store: SqliteStore, tmp_path: Path) -> World:
    world = build_world(sqlite_store, Clock())
    user = sqlite_store.accounts.upsert_user(User("juriste", "Juriste", "", _hash("juriste")))
    sqlite_store.accounts.set_membership(world.ws["com"].id or 0, user.id or 0, Role.LEGAL)
    world.users["juriste"] = user
    return world


@pytest.fixture
def client_for(legal_world: World, tmp_path: Path) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        app = legal_world.app()
        app.state.legal = LegalConfig(files=tmp_path / "ev", browser=False)
        client = TestClient(app, base_url="http://testserver", follow_redirects=False)
        clients.append(client)
        return login(client, username)

    yield make
    for c in clients:
        c.close()


def test_roles_on_every_legal_route(client_for: Callable[[str], TestClient]) -> None:
    analyst = client_for("analyst")
    token = csrf_of(analyst)
    sent = analyst.post("/w/com/legal/send", data={
        "csrf_token": token, "kind": "mention", "item_id": "x:1", "reason": "insult",
        "title": "Injure", "case_id": "", "note": "vu ce matin"})  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == "/w/com/m/x:1?sent=1"
    # Without the CSRF token the form is refused.
    assert analyst.post("/w/com/legal/send", data={"item_id": "x:1"}).status_code == 403
    # The analyst cannot see cases; nor can press or viewers (not even the list).
    for username in ("analyst", "press", "viewer"):
        client = analyst if username == "analyst" else client_for(username)
        for url in ("/w/com/legal", "/w/com/legal/1", "/api/workspaces/com/legal/cases",
                    "/api/workspaces/com/legal/cases/1", "/w/com/legal/1/captures/1"):  # fmt: skip
            assert client.get(url, headers={"accept": "application/json"}).status_code == 403, (
                username, url)  # fmt: skip
    viewer = client_for("viewer")
    api = viewer.post("/api/workspaces/com/legal/send", json={"item_id": "x:2"},
                      headers={"X-CSRF-Token": csrf_of(viewer)})  # fmt: skip
    assert api.status_code == 403
    # Another workspace's member does not even learn the workspace exists.
    assert client_for("qosviewer").get("/api/workspaces/com/legal/cases").status_code == 404
    # The mention page offers the form to the analyst, not to the viewer.
    assert 'id="send-legal"' in analyst.get("/w/com/m/x:1").text
    assert 'id="send-legal"' not in viewer.get("/w/com/m/x:1").text
    assert ">Legal</a>" not in viewer.get("/w/com/explore").text

    legal = client_for("juriste")
    listed = legal.get("/api/workspaces/com/legal/cases").json()["items"]
    assert [(c["id"], c["reason"], c["items"]) for c in listed] == [(1, "insult", 1)]
    page = legal.get("/w/com/legal/1")
    assert page.status_code == 200 and "vu ce matin" in page.text
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text  # hostile text
    shown = legal.get("/api/workspaces/com/legal/cases/1").json()
    assert shown["custody_ok"]
    assert [e["action"] for e in shown["custody"]] == [
        "case.opened", "item.added", "note.added", "case.viewed", "case.viewed"]  # fmt: skip
    assert ">Legal</a>" in legal.get("/w/com/explore").text
    # A mention of another workspace cannot be sent from this one.
    bad = legal.post("/api/workspaces/com/legal/send", json={"item_id": "x:5"},
                     headers={"X-CSRF-Token": csrf_of(legal)})  # fmt: skip
    assert bad.status_code == 400


def test_legal_manages_a_case_through_forms(client_for: Callable[[str], TestClient],
                                            legal_world: World) -> None:  # fmt: skip
    legal = client_for("juriste")
    token = csrf_of(legal)
    r = legal.post("/api/workspaces/com/legal/send", json={
        "item_id": "x:2", "reason": "defamation", "title": "Diffamation"},
        headers={"X-CSRF-Token": token})  # fmt: skip
    assert r.status_code == 201 and r.json() == {"case": 1, "added": True}
    for action, data in (("note", {"body": "Constat d'huissier demandé"}),
                         ("update", {"status": "investigating", "owner": "juriste"})):  # fmt: skip
        r = legal.post(f"/w/com/legal/1/{action}", data={"csrf_token": token, **data})
        assert r.status_code == 303, r.text
        assert legal.post(f"/w/com/legal/1/{action}", data=data).status_code == 403  # no CSRF
    case = LegalDesk(legal_world.store).case(1)
    assert (case.status, case.owner) == ("investigating", "juriste")
    bundle = legal.post("/w/com/legal/1/export", data={"csrf_token": token, "lang": "en"})
    assert bundle.status_code == 200 and bundle.content[:2] == b"PK"
    assert bundle.headers["content-type"] == "application/zip"


def test_openapi_covers_the_legal_api(client_for: Callable[[str], TestClient]) -> None:
    schema = client_for("juriste").get("/openapi.json").json()
    for path in ("/api/workspaces/{slug}/legal/send", "/api/workspaces/{slug}/legal/cases",
                 "/api/workspaces/{slug}/legal/cases/{case_id}"):  # fmt: skip
        assert path in schema["paths"]


def test_proposals_on_the_cases_page(
    client_for: Callable[[str], TestClient], legal_world: World
) -> None:
    from socialhub.legal.proposals import scan
    from socialhub.models import utcnow

    from .helpers import mention

    store = legal_world.store
    store.mentions.add(
        [mention(60, "mirabelle: on va brûler vos agences", legal_world.queries["brand"])]
    )
    now = utcnow()
    assert scan(store, now - timedelta(days=3650), now + timedelta(days=3650))["com"] == 1
    viewer = client_for("viewer")
    refused = viewer.post("/w/com/legal/proposals/1/accept", data={"csrf_token": csrf_of(viewer)})
    assert refused.status_code == 403
    legal = client_for("juriste")
    page = legal.get("/w/com/legal")
    assert 'id="proposals"' in page.text and "threat" in page.text
    # once, in the page's content (it was also pasted inside the <body> tag's attributes)
    assert page.text.count('id="proposals"') == 1 and '<body data-slug="com">' in page.text
    opened = legal.post("/w/com/legal/proposals/1/accept", data={"csrf_token": csrf_of(legal)})
    assert opened.status_code == 303 and opened.headers["location"] == "/w/com/legal/1"
    assert 'id="no-proposals"' in legal.get("/w/com/legal").text


def test_an_alert_can_be_sent_to_legal(
    client_for: Callable[[str], TestClient], legal_world: World
) -> None:
    from socialhub.records.alerts import Alert

    from .helpers import NOW

    def alert(ws: str) -> int:
        saved = legal_world.store.alerts.save_alert(Alert(
            rule=f"r-{ws}", detector="burst", version="1", key="k", title="Pic", severity=6,
            first_t=NOW, last_t=NOW, observed=9, baseline=1, threshold=3, score=2,
            workspace_id=legal_world.ws[ws].id, evidence=["x:1"]))  # fmt: skip
        assert saved.id is not None
        return saved.id

    ours, theirs = alert("com"), alert("qos")
    analyst = client_for("analyst")
    headers = {"X-CSRF-Token": csrf_of(analyst)}
    sent = analyst.post("/api/workspaces/com/legal/send",
                        json={"kind": "alert", "item_id": str(ours)}, headers=headers)  # fmt: skip
    assert sent.status_code == 201 and sent.json()["added"] is True
    body = {"kind": "alert", "item_id": str(theirs)}
    other = analyst.post("/api/workspaces/com/legal/send", json=body, headers=headers)
    assert other.status_code == 400
    case = client_for("juriste").get(f"/api/workspaces/com/legal/cases/{sent.json()['case']}")
    assert case.json()["items"][0]["kind"] == "alert"
    assert case.json()["items"][0]["record"]["evidence"] == ["x:1"]


def test_a_story_can_be_sent_to_legal_from_its_page(
    client_for: Callable[[str], TestClient], legal_world: World
) -> None:
    """Issue 17: "Send to legal" on a story — the case holds the story as grouped, with
    its posts' ids; another workspace's story is refused; a viewer sees no form."""
    from .test_stories_web import _stories

    ours, _small, theirs = _stories(legal_world)
    analyst = client_for("analyst")
    page = analyst.get(f"/w/com/stories/{ours}")
    assert page.status_code == 200 and 'name="kind" value="story"' in page.text
    sent = analyst.post("/w/com/legal/send", data={
        "csrf_token": csrf_of(analyst), "kind": "story", "item_id": str(ours),
        "reason": "defamation"})  # fmt: skip
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith(f"/w/com/stories/{ours}?sent=")
    case_id = sent.headers["location"].rsplit("=", 1)[1]
    assert f"Sent to legal: case {case_id}." in analyst.get(sent.headers["location"]).text
    headers = {"X-CSRF-Token": csrf_of(analyst)}
    body = {"kind": "story", "item_id": str(theirs)}
    assert (
        analyst.post("/api/workspaces/com/legal/send", json=body, headers=headers).status_code
        == 400
    )
    case = client_for("juriste").get(f"/api/workspaces/com/legal/cases/{case_id}").json()
    item = case["items"][0]
    assert item["kind"] == "story" and item["record"]["mention_ids"] == ["x:st1", "x:st2"]
    cases = client_for("juriste").get("/api/workspaces/com/legal/cases").json()
    assert f"Sujet {ours}" in str(cases)
    assert 'value="story"' not in client_for("viewer").get(f"/w/com/stories/{ours}").text
