"""Roles checked on every page and API call; workspaces isolated from each other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from socialhub.models import QuarantineItem
from socialhub.records.alerts import Alert

from .helpers import NOW, World, csrf_of

AsUser = Callable[[str], TestClient]
HTML = {"Accept": "text/html"}


def _alert(world: World, slug: str, title: str = "Pic de volume") -> int:
    ws_id = world.ws[slug].id
    alert = world.store.alerts.save_alert(
        Alert(
            f"{ws_id}:volume:{title}",
            "volume",
            "1",
            title,
            title,
            3,
            NOW - timedelta(hours=1),
            NOW,
            40.0,
            10.0,
            20.0,
            3.0,
            workspace_id=ws_id,
        )
    )
    assert alert.id is not None
    return alert.id


@pytest.mark.parametrize(
    ("username", "can_triage"),
    [("admin", True), ("analyst", True), ("press", False), ("viewer", False), ("root", True)],
)
def test_alert_triage_matrix(
    world: World, as_user: AsUser, username: str, can_triage: bool
) -> None:
    alert_id = _alert(world, "com")
    client = as_user(username)
    csrf = {"X-CSRF-Token": csrf_of(client)}
    listed = client.get("/api/workspaces/com/alerts")
    assert listed.status_code == 200 and [a["id"] for a in listed.json()["items"]] == [alert_id]
    ack = client.post(f"/api/workspaces/com/alerts/{alert_id}/ack", headers=csrf)
    resolve = client.post(
        f"/api/workspaces/com/alerts/{alert_id}/resolve", json={"note": "ok"}, headers=csrf
    )
    state = world.store.alerts.get_alert(alert_id)
    assert state is not None
    if can_triage:
        assert ack.status_code == 200 and ack.json()["acknowledged_by"] == username
        assert resolve.status_code == 200 and state.state == "resolved"
        assert [e.kind for e in world.store.alerts.list_alert_events(alert_id)][-1] == "resolved"
        again = client.post(f"/api/workspaces/com/alerts/{alert_id}/ack", headers=csrf)
        assert again.status_code == 409 and again.json()["error"] == "conflict"
    else:
        assert ack.status_code == 403 and ack.json()["error"] == "forbidden"
        assert resolve.status_code == 403 and state.state == "open"
    # the page offers the buttons only to those who may use them
    page = client.get("/w/com", headers=HTML)
    assert page.status_code == 200
    assert f'data-can-triage="{"yes" if can_triage else "no"}"' in page.text


def test_open_alerts_by_severity_for_the_dashboard(world: World, as_user: AsUser) -> None:
    mild = _alert(world, "com", "Un journaliste a publié")
    ws_id = world.ws["com"].id
    worst = world.store.alerts.save_alert(
        Alert(f"{ws_id}:convergence:thread", "convergence", "1", "thread:x:1",
              "Reprise par la presse", 7, NOW - timedelta(hours=2), NOW - timedelta(hours=2),
              3.0, 1.0, 3.0, 3.0, workspace_id=ws_id)
    ).id  # fmt: skip
    client = as_user("viewer")
    recent = client.get("/api/workspaces/com/alerts").json()["items"]
    ranked = client.get("/api/workspaces/com/alerts?order=severity").json()["items"]
    assert [a["id"] for a in recent] == [mild, worst]
    assert [a["id"] for a in ranked] == [worst, mild]
    assert client.get("/api/workspaces/com/alerts?order=loud").status_code == 422


def test_viewer_cannot_reach_admin_pages_or_api(as_user: AsUser) -> None:
    viewer = as_user("viewer")
    assert viewer.get("/api/quarantine").status_code == 403
    assert viewer.get("/api/stats").status_code == 403
    assert viewer.get("/quarantine", headers=HTML).status_code == 403
    assert viewer.get("/w/com", headers=HTML).status_code == 200


def test_quarantine_is_for_site_admins_only(world: World, as_user: AsUser) -> None:
    world.store.sources.quarantine([QuarantineItem("import:csv", "bad date", "<script>x</script>")])
    admin_of_one = as_user("admin")  # admin of a workspace, not of the site
    assert admin_of_one.get("/api/quarantine").status_code == 403
    root = as_user("root")
    body = root.get("/api/quarantine").json()
    assert body["total"] == 1 and body["items"][0]["raw"] == "<script>x</script>"
    assert root.get("/quarantine", headers=HTML).status_code == 200


def test_workspace_isolation(world: World, as_user: AsUser) -> None:
    _alert(world, "qos", "secret qos alert")
    com_alert = _alert(world, "com")
    viewer = as_user("viewer")  # member of com only
    assert [w["slug"] for w in viewer.get("/api/workspaces").json()["items"]] == ["com"]
    for path in (
        "",
        "/mentions",
        "/volume",
        "/sentiment",
        "/share-of-voice",
        "/authors",
        "/alerts",
        "/facets",
        "/count",
        "/live",
    ):
        r = viewer.get(f"/api/workspaces/qos{path}")
        assert r.status_code == 404, path  # same answer as a workspace that does not exist
        assert r.json()["error"] == "not_found"
        assert viewer.get(f"/api/workspaces/nope{path}").json() == {
            "error": "not_found",
            "message": "No workspace 'nope' among yours.",
            "display_message": "No workspace 'nope' among yours.",
        }
        # nor does the language of the answer (a non-member never reads qos's)
        assert r.json()["display_message"] == "No workspace 'qos' among yours."
    assert viewer.get("/w/qos", headers=HTML).status_code == 404
    texts = [m["text"] for m in viewer.get("/api/workspaces/com/mentions").json()["items"]]
    assert texts and not any("panne" in t for t in texts)
    # a query naming another workspace's words finds nothing outside this one
    assert viewer.get("/api/workspaces/com/mentions", params={"q": "panne"}).json()["items"] == []
    # an alert of com cannot be acted on through qos, even by qos's members
    qos = as_user("qosviewer")
    texts = [m["text"] for m in qos.get("/api/workspaces/qos/mentions").json()["items"]]
    assert texts == ["panne secrète chez qos"]
    analyst = as_user("analyst")
    r = analyst.post(
        f"/api/workspaces/qos/alerts/{com_alert}/ack", headers={"X-CSRF-Token": csrf_of(analyst)}
    )
    assert r.status_code == 404
    # site admins see every workspace
    root = as_user("root")
    assert {w["slug"] for w in root.get("/api/workspaces").json()["items"]} == {"com", "qos"}


def test_roles_apply_to_api_tokens_too(world: World, as_user: AsUser) -> None:
    viewer = as_user("viewer")
    token = viewer.post(
        "/api/me/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf_of(viewer)}
    ).json()["token"]
    alert_id = _alert(world, "com")
    bare = world.client()
    auth = {"Authorization": f"Bearer {token}"}
    assert bare.get("/api/workspaces/com/mentions", headers=auth).status_code == 200
    assert bare.get("/api/workspaces/qos/mentions", headers=auth).status_code == 404
    assert bare.post(f"/api/workspaces/com/alerts/{alert_id}/ack", headers=auth).status_code == 403
    assert bare.get("/api/quarantine", headers=auth).status_code == 403
