"""Workspace administration: queries with the linter, watchlists from CSV, alert routing
and report schedules as validated settings, sources, members; admins only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from socialhub.web.admin_api import members_from_csv

from .helpers import World, csrf_of

Login = Callable[[str], TestClient]

WRITES = [
    ("POST", "/api/workspaces/com/queries", {"name": "n", "definition": "prune"}),
    ("PUT", "/api/workspaces/com/queries/1", {"name": "n", "definition": "prune"}),
    ("DELETE", "/api/workspaces/com/queries/1", None),
    ("POST", "/api/workspaces/com/watchlists", {"name": "w", "csv": "handle\nbob\n"}),
    ("PUT", "/api/workspaces/com/watchlists/1/notify", {"notify": "email"}),
    ("PUT", "/api/workspaces/com/settings/alerts", {"value": {"min_severity": 2}}),
    ("PUT", "/api/workspaces/com/settings/reports", {"value": []}),
    ("PUT", "/api/workspaces/com/members/viewer", {"role": "admin"}),
    ("POST", "/api/workspaces/com/settings/alerts/preview", {"value": None}),
    ("POST", "/api/workspaces/com/settings/reports/preview", {"value": None}),
    ("POST", "/api/workspaces/com/walls/preview", {"value": None}),
]
READS = [
    "/api/workspaces/com/queries",
    "/api/workspaces/com/watchlists",
    "/api/workspaces/com/settings/alerts",
    "/api/workspaces/com/settings/reports",
    "/api/workspaces/com/sources",
    "/api/workspaces/com/members",
]


def _c(as_user: Login, who: str) -> tuple[TestClient, dict[str, str]]:
    c = as_user(who)
    return c, {"X-CSRF-Token": csrf_of(c)}


@pytest.mark.parametrize("role", ["viewer", "analyst", "press"])
def test_non_admins_reach_no_admin_action(as_user: Login, role: str) -> None:
    c, h = _c(as_user, role)
    for method, path, body in WRITES:
        r = c.request(method, path, json=body, headers=h)
        assert r.status_code == 403, (method, path, r.text)
    for path in READS:
        assert c.get(path).status_code == 403, path
    assert c.get("/w/com/admin", headers={"accept": "text/html"}).status_code == 403


def test_other_workspace_admin_sees_404(world: World, as_user: Login) -> None:
    c, h = _c(as_user, "qosviewer")
    assert c.get("/api/workspaces/com/queries").status_code == 404
    r = c.post("/api/workspaces/com/queries", json={"name": "n", "definition": "x"}, headers=h)
    assert r.status_code == 404


def test_queries_crud_with_linter(world: World, as_user: Login) -> None:
    c, h = _c(as_user, "admin")
    bad = c.post(
        "/api/workspaces/com/queries", json={"name": "x", "definition": "NOT job"}, headers=h
    )
    assert bad.status_code == 400 and "column" in bad.json()["message"]
    r = c.post(
        "/api/workspaces/com/queries",
        json={"name": "Prunes <b>", "definition": "prune OR pruneau"},
        headers=h,
    )
    assert r.status_code == 201
    qid = r.json()["id"]
    dup = c.post(
        "/api/workspaces/com/queries", json={"name": "Prunes <b>", "definition": "x"}, headers=h
    )
    assert dup.status_code == 409
    r = c.put(
        f"/api/workspaces/com/queries/{qid}",
        json={"name": "Prunes", "definition": "prune", "enabled": False},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["enabled"] is False
    names = [q["name"] for q in c.get("/api/workspaces/com/queries").json()["items"]]
    assert "Prunes" in names
    outage = world.queries["outage"].id  # qos's query: not editable from com
    assert c.delete(f"/api/workspaces/com/queries/{outage}", headers=h).status_code == 404
    assert c.delete(f"/api/workspaces/com/queries/{qid}", headers=h).status_code == 200
    # the live preview is the /count route with the draft query
    assert c.get(
        "/api/workspaces/com/count", params={"q": "mirabelle", "since": "2026-02-01T00:00:00"}
    ).json() == {"count": 3}


def test_watchlist_csv_import(as_user: Login) -> None:
    c, h = _c(as_user, "admin")
    text = "\ufeffHandle,Platform,Name\n@alice,x,Alice <i>\nbob,,Bob\n"
    r = c.post(
        "/api/workspaces/com/watchlists",
        json={"name": "Journalistes", "list_type": "journalist", "csv": text},
        headers=h,
    )
    assert r.status_code == 200, r.text
    members = r.json()["members"]
    assert [(m["platform"], m["handle"], m["name"]) for m in members] == [
        ("x", "alice", "Alice <i>"),
        ("", "bob", "Bob"),
    ]
    bad = c.post(
        "/api/workspaces/com/watchlists", json={"name": "W", "csv": "name\nx\n"}, headers=h
    )
    assert bad.status_code == 400 and "handle" in bad.json()["message"]
    listed = c.get("/api/workspaces/com/watchlists").json()["items"]
    assert [w["name"] for w in listed] == ["Journalistes"]
    wid = listed[0]["id"]
    assert listed[0]["notify"] == "digest" and listed[0]["min_severity"] == 0
    # issue 14: what a listed voice's post does, kept apart from the members
    r = c.put(
        f"/api/workspaces/com/watchlists/{wid}/notify",
        json={"notify": "email", "min_severity": 6},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["notify"], r.json()["min_severity"], len(r.json()["members"])) == (
        "email",
        6,
        2,
    )
    bad = c.put(f"/api/workspaces/com/watchlists/{wid}/notify", json={"notify": "sms"}, headers=h)
    assert bad.status_code in (400, 422)
    assert (
        c.put(
            "/api/workspaces/com/watchlists/999/notify", json={"notify": "never"}, headers=h
        ).status_code
        == 404
    )
    assert c.delete(f"/api/workspaces/com/watchlists/{wid}", headers=h).status_code == 200
    assert c.get("/api/workspaces/com/watchlists").json()["items"] == []


def test_members_from_csv_names_bad_line() -> None:
    with pytest.raises(ValueError, match="line 3"):
        members_from_csv('handle\nok\n""\n', "other")


def test_settings_are_validated(world: World, as_user: Login) -> None:
    c, h = _c(as_user, "admin")
    good = {"min_severity": 3, "routes": [{"channels": ["email"], "min_severity": 7}]}
    assert (
        c.put("/api/workspaces/com/settings/alerts", json={"value": good}, headers=h).status_code
        == 200
    )
    assert c.get("/api/workspaces/com/settings/alerts").json()["value"] == good
    bad = {"min_severity": 11, "routes": [{"channels": ["pigeon"]}]}
    r = c.put("/api/workspaces/com/settings/alerts", json={"value": bad}, headers=h)
    msg = r.json()["message"]
    assert r.status_code == 400 and "min_severity" in msg and "channels" in msg
    reports = c.get("/api/workspaces/com/settings/reports").json()
    assert reports["default"] is True and reports["effective"][0]["name"] == "press-digest"
    sched = [{"name": "am", "kind": "digest", "times": ["07:30"], "recipients": ["a@example.org"]}]
    assert (
        c.put("/api/workspaces/com/settings/reports", json={"value": sched}, headers=h).status_code
        == 200
    )
    ws_id = world.ws["com"].id or 0
    assert world.store.workspaces.get_workspace_settings(ws_id)["reports"] == sched
    r = c.put(
        "/api/workspaces/com/settings/reports",
        json={"value": [{"name": "x", "times": ["25:00"]}]},
        headers=h,
    )
    assert r.status_code == 400 and "25:00" in r.json()["message"]


def test_sources_with_health_or_none(world: World, as_user: Login) -> None:
    c = as_user("admin")
    ws_id = world.ws["com"].id or 0
    world.store.workspaces.set_workspace_setting(
        ws_id, "sources", [{"kind": "rss", "name": "press"}]
    )
    body = c.get("/api/workspaces/com/sources").json()
    assert [{k: v for k, v in i.items() if k != "summary"} for i in body["items"]] == [
        {"kind": "rss", "name": "press", "origin": "workspace", "health": None}
    ]
    assert body["items"][0]["summary"]["level"] == "unknown"
    world.store.sources.save_source_health("press", {"status": "ok", "items_per_hour": 12})
    body = c.get("/api/workspaces/com/sources").json()
    assert body["items"][0]["health"] == {"status": "ok", "items_per_hour": 12}


def test_members_roles(world: World, as_user: Login) -> None:
    c, h = _c(as_user, "admin")
    body = c.get("/api/workspaces/com/members").json()
    assert {m["username"]: m["role"] for m in body["items"]}["viewer"] == "viewer"
    assert "legal" in body["roles"]
    r = c.put("/api/workspaces/com/members/viewer", json={"role": "legal"}, headers=h)
    assert r.status_code == 200
    assert as_user("viewer").get("/api/workspaces/com").json()["role"] == "legal"
    assert (
        c.put("/api/workspaces/com/members/viewer", json={"role": None}, headers=h).status_code
        == 200
    )
    assert as_user("viewer").get("/api/workspaces/com").status_code == 404
    assert (
        c.put("/api/workspaces/com/members/admin", json={"role": "viewer"}, headers=h).status_code
        == 409
    )


def test_workspace_admin_cannot_probe_usernames_nor_add_site_users(
    world: World, as_user: Login
) -> None:
    """Before: 404 for an unknown username, 200 (and a new member) for any existing one."""
    c, h = _c(as_user, "admin")
    existing = c.put("/api/workspaces/com/members/qosviewer", json={"role": "viewer"}, headers=h)
    unknown = c.put("/api/workspaces/com/members/ghost", json={"role": "viewer"}, headers=h)
    assert existing.status_code == unknown.status_code == 403
    assert existing.json()["error"] == unknown.json()["error"] == "forbidden"
    assert existing.json()["message"].replace("qosviewer", "X") == unknown.json()[
        "message"
    ].replace("ghost", "X")
    assert as_user("qosviewer").get("/api/workspaces/com").status_code == 404  # not added
    # the site administrator decides: then the workspace admin manages the role
    root, rh = _c(as_user, "root")
    added = root.put("/api/workspaces/com/members/qosviewer", json={"role": "viewer"}, headers=rh)
    assert added.status_code == 200
    assert (
        root.put("/api/workspaces/com/members/ghost", json={"role": "viewer"}, headers=rh)
    ).status_code == 404
    r = c.put("/api/workspaces/com/members/qosviewer", json={"role": "legal"}, headers=h)
    assert r.status_code == 200
    assert as_user("qosviewer").get("/api/workspaces/com").json()["role"] == "legal"


def test_admin_page_renders_for_admin(as_user: Login) -> None:
    r = as_user("admin").get("/w/com/admin", headers={"accept": "text/html"})
    assert r.status_code == 200 and 'id="query-form"' in r.text
    assert "Communication &lt;i&gt;" in r.text


def test_hub_sources_are_listed(world: World, as_user: Login) -> None:
    from socialhub.settings import SourceSettings

    c = as_user("admin")
    c.app.state.sources = [SourceSettings("demo", "simulator", {"rate": 5})]  # type: ignore[attr-defined]
    world.store.sources.save_source_health("simulator", {"status": "ok"})
    items = c.get("/api/workspaces/com/sources").json()["items"]
    assert items[0]["summary"]["status"] == "ok"
    assert {k: v for k, v in items[0].items() if k != "summary"} == {
        "kind": "demo",
        "name": "simulator",
        "origin": "hub",
        "health": {"status": "ok"},
    }


def test_forms_preview_what_saving_would_do(world: World, as_user: Login) -> None:
    c, h = _c(as_user, "admin")
    routing = {"min_severity": 3, "routes": [{"channels": ["email"], "min_severity": 7}]}
    p = c.post("/api/workspaces/com/settings/alerts/preview", json={"value": routing}, headers=h)
    assert p.json() == {
        "problems": [],
        "display_problems": [],
        "lines": [
            "Recorded: alerts of severity 3 and above.",
            "Sent to email: alerts of severity 7 and above.",
        ],
    }
    bad = {"min_severity": 0, "routes": [{"channels": ["pigeon"]}]}
    p = c.post("/api/workspaces/com/settings/alerts/preview", json={"value": bad}, headers=h)
    assert "min_severity must be an integer from 1 to 10" in p.json()["problems"]
    # next runs in the workspace's zone (the test clock: Monday 2 March 2026, 13:00 Paris)
    sched = [{"name": "weekly", "kind": "competitors", "times": ["09:30"], "weekdays": [0]}]
    p = c.post("/api/workspaces/com/settings/reports/preview", json={"value": sched}, headers=h)
    assert p.json()["next_runs"]["weekly"][:2] == [
        "2026-03-09T09:30:00+01:00",
        "2026-03-16T09:30:00+01:00",
    ]
    p = c.post(
        "/api/workspaces/com/settings/reports/preview",
        json={"value": [{"name": "x", "times": ["25:00"]}]},
        headers=h,
    )
    assert p.json()["problems"] == ["[0] time '25:00' is not HH:MM"]
    assert p.json()["display_problems"] == ["[0] time '25:00' is not HH:MM"]  # English reader
    p = c.post(
        "/api/workspaces/com/walls/preview", json={"value": [{"name": "Bad Name"}]}, headers=h
    )
    assert p.json()["problems"] == ["[0] 'name' must be 1-40 lowercase letters, digits, - or _"]


def test_health_summary_colours_status_and_counts_errors() -> None:
    from datetime import UTC, datetime

    from socialhub.web.source_health import health_summary

    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    doc = {
        "status": "backing_off",
        "last_success": "2026-03-02T11:50:00Z",
        "errors": {"rate_limited": 3, "server": 2},
        "last_error": "rate_limited: 429",
        "items_per_hour": 40,
        "targets": {
            "a": {"last_item_at": "2026-03-02T11:40:00Z"},
            "b": {"last_item_at": "2026-03-02T11:45:00Z"},
        },
    }
    s = health_summary(doc, now)
    assert (s["level"], s["errors"], s["last_item_at"]) == ("warn", 5, "2026-03-02T11:45:00Z")
    assert health_summary({**doc, "status": "stopped"}, now)["level"] == "bad"
    assert health_summary({**doc, "status": "ok"}, now)["level"] == "ok"
    silent = {**doc, "status": "ok", "last_success": "2026-03-02T09:00:00Z"}
    assert health_summary(silent, now)["level"] == "warn"  # alive but silent for hours
    assert health_summary(None, now)["level"] == "unknown"
