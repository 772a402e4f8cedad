"""The wall of screens: kiosk keys (no login, one wall of one workspace, read-only,
revocable, hashed at rest), layouts as data edited by admins, crisis mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from socialhub.records.alerts import Alert
from socialhub.web.security import digest
from socialhub.web.wall_layout import DEFAULT_WALL, validate_walls

from .helpers import NOW, World, csrf_of

Login = Callable[[str], TestClient]
LOBBY = {
    "name": "lobby",
    "title": "Hall <script>x</script>",
    "screens": [["volume", "live"], ["alerts"]],
    "rotation_seconds": 10,
    "font_scale": 2,
    "crisis_severity": 6,
    "crisis_panels": ["alerts", "live"],
}


def _admin(as_user: Login) -> tuple[TestClient, dict[str, str]]:
    c = as_user("admin")
    return c, {"X-CSRF-Token": csrf_of(c)}


def _key(as_user: Login, wall: str = "lobby") -> str:
    c, h = _admin(as_user)
    assert c.put("/api/workspaces/com/walls", json={"walls": [LOBBY]}, headers=h).status_code == 200
    r = c.post("/api/workspaces/com/walls/tokens", json={"wall": wall, "name": "hall"}, headers=h)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["url"] == f"/wall/com/{wall}?key={body['token']}"
    return str(body["token"])


def _alert(
    world: World, severity: int, state: str = "open", detector: str = "burst", key: str = "query:1"
) -> Alert:
    return world.store.alerts.save_alert(
        Alert(
            f"{detector}:com",
            detector,
            "1",
            key,
            "Pic <img src=x onerror=alert(1)>",
            severity,
            NOW - timedelta(minutes=5),
            NOW,
            50.0,
            5.0,
            20.0,
            4.0,
            workspace_id=world.ws["com"].id,
            state=state,
        )
    )


def test_layout_validation() -> None:
    assert validate_walls([DEFAULT_WALL]) == []
    assert validate_walls([LOBBY]) == []
    bad = validate_walls([{**LOBBY, "screens": [["nope"]], "font_scale": 9}, {"name": "Bad Name"}])
    assert any("unknown panel 'nope'" in p for p in bad)
    assert any("font_scale" in p for p in bad)
    assert any("[1] 'name'" in p for p in bad)
    assert validate_walls([LOBBY, LOBBY])[-1].endswith("duplicate wall name 'lobby'")


def test_key_opens_wall_without_login(world: World, as_user: Login) -> None:
    key = _key(as_user)
    kiosk = world.client()  # no session
    r = kiosk.get("/api/kiosk/com/lobby", params={"key": key})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["layout"]["font_scale"] == 2 and body["crisis"] is False
    assert set(body["panels"]) == {
        "volume",
        "sentiment",
        "share_of_voice",
        "top_posts",
        "alerts",
        "live",
    }
    live_ids = [m["id"] for m in body["panels"]["live"]["items"]]
    assert "x:1" in live_ids and "x:5" not in live_ids  # qos's mention never shown
    assert all("raw" not in m for m in body["panels"]["live"]["items"])
    page = kiosk.get(f"/wall/com/lobby?key={key}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Hall &lt;script&gt;x&lt;/script&gt;" in page.text and "<script>x" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"


def test_key_is_scoped_read_only_and_hashed(world: World, as_user: Login) -> None:
    key = _key(as_user)
    kiosk = world.client()
    # another wall, another workspace, or a garbled key: refused
    c, h = _admin(as_user)
    walls = [LOBBY, {**LOBBY, "name": "boardroom"}]
    assert c.put("/api/workspaces/com/walls", json={"walls": walls}, headers=h).status_code == 200
    assert kiosk.get("/api/kiosk/com/boardroom", params={"key": key}).status_code == 401
    assert kiosk.get("/api/kiosk/qos/main", params={"key": key}).status_code == 401
    assert kiosk.get("/api/kiosk/com/lobby", params={"key": key + "x"}).status_code == 401
    # it is not an API token: no other route accepts it
    bearer = {"Authorization": f"Bearer {key}"}
    assert kiosk.get("/api/workspaces/com/mentions", headers=bearer).status_code == 401
    assert kiosk.get("/api/workspaces/com/walls", headers=bearer).status_code == 401
    assert (
        kiosk.put("/api/workspaces/com/walls", json={"walls": []}, headers=bearer).status_code
        == 401
    )
    assert kiosk.post("/api/kiosk/com/lobby", params={"key": key}).status_code == 405
    # stored as its SHA-256 only
    rows = world.store.db._rows("SELECT token_hash, prefix FROM wall_tokens")
    assert rows == [(digest(key), key[:12])]
    assert key not in str(c.get("/api/workspaces/com/walls").json())


def test_revoked_key_stops_working(world: World, as_user: Login) -> None:
    key = _key(as_user)
    c, h = _admin(as_user)
    tokens = c.get("/api/workspaces/com/walls").json()["tokens"]
    assert len(tokens) == 1 and tokens[0]["revoked_at"] is None
    assert (
        c.delete(f"/api/workspaces/com/walls/tokens/{tokens[0]['id']}", headers=h).status_code
        == 200
    )
    assert world.client().get("/api/kiosk/com/lobby", params={"key": key}).status_code == 401
    assert (
        c.delete(f"/api/workspaces/com/walls/tokens/{tokens[0]['id']}", headers=h).status_code
        == 404
    )


def test_only_admins_manage_walls(world: World, as_user: Login) -> None:
    for role in ("viewer", "analyst", "press"):
        c = as_user(role)
        h = {"X-CSRF-Token": csrf_of(c)}
        assert (
            c.put("/api/workspaces/com/walls", json={"walls": [LOBBY]}, headers=h).status_code
            == 403
        )
        r = c.post("/api/workspaces/com/walls/tokens", json={"wall": "main"}, headers=h)
        assert r.status_code == 403
        listed = c.get("/api/workspaces/com/walls").json()
        assert listed["tokens"] == [] and listed["items"][0]["name"] == "main"
    other = as_user("qosviewer")
    assert other.get("/api/workspaces/com/walls").status_code == 404
    assert other.get("/api/kiosk/com/main").status_code == 404
    c, h = _admin(as_user)
    bad = c.put(
        "/api/workspaces/com/walls",
        json={"walls": [{"name": "x", "screens": [["pie"]]}]},
        headers=h,
    )
    assert bad.status_code == 400 and "unknown panel" in bad.json()["message"]
    assert c.put("/api/workspaces/com/walls", json={"walls": [LOBBY]}).status_code == 403  # no CSRF


def test_member_session_opens_wall_without_key(as_user: Login, world: World) -> None:
    assert as_user("viewer").get("/api/kiosk/com/main").status_code == 200
    assert world.client().get("/api/kiosk/com/main").status_code == 401
    assert world.client().get("/api/kiosk/com/nope", params={"key": "shwall_x"}).status_code == 401
    assert as_user("viewer").get("/api/kiosk/com/nope").status_code == 404


def test_crisis_mode_follows_severe_open_alerts(world: World, as_user: Login) -> None:
    key = _key(as_user)
    kiosk = world.client()
    state = lambda: kiosk.get("/api/kiosk/com/lobby", params={"key": key}).json()  # noqa: E731
    _alert(world, 5)
    assert state()["crisis"] is False  # below the wall's crisis_severity (6)
    severe = _alert(world, 8)
    body = state()
    assert body["crisis"] is True and [a["id"] for a in body["crisis_alerts"]] == [severe.id]
    assert body["layout"]["crisis_panels"] == ["alerts", "live"]
    world.store.alerts.save_alert(
        Alert(
            **{**{f: getattr(severe, f) for f in severe.__dataclass_fields__}, "state": "resolved"}
        )
    )
    assert state()["crisis"] is False


def test_ordinary_complaints_never_turn_a_wall_red_and_crisis_is_per_wall(
    world: World, as_user: Login
) -> None:
    c, h = _admin(as_user)
    walls = [
        {**LOBBY, "crisis_severity": 6},
        {"name": "calm", "crisis": False, "screens": [["volume"]]},
        {"name": "vitrine", "mode": "showcase"},
    ]
    assert c.put("/api/workspaces/com/walls", json={"walls": walls}, headers=h).status_code == 200
    state = lambda wall: c.get(f"/api/kiosk/com/{wall}").json()  # noqa: E731
    # a complaint burst in one city, a journalist's post: alerts, not a crisis
    _alert(world, 9, detector="complaints", key="complaints:1:network_outage:lyon")
    _alert(world, 9, detector="watchlist", key="author:x:1")
    assert state("lobby")["crisis"] is False
    # complaints everywhere at once are a crisis, on the operations wall only
    _alert(world, 9, detector="complaints", key="complaints:1:network_outage:*")
    assert state("lobby")["crisis"] is True
    assert state("calm")["crisis"] is False  # crisis mode switched off for this wall
    vitrine = state("vitrine")
    assert vitrine["crisis"] is False and vitrine["panels"]["alerts"]["items"] == []
    assert vitrine["layout"]["mode"] == "showcase"
    assert all("alerts" not in screen for screen in vitrine["layout"]["screens"])
    # a showcase wall cannot show alerts
    bad = [{"name": "v", "mode": "showcase", "screens": [["alerts"]]}]
    r = c.put("/api/workspaces/com/walls", json={"walls": bad}, headers=h)
    assert r.status_code == 400 and "a showcase wall shows no alerts panel" in r.json()["message"]


def test_showcase_wall_leaves_negative_posts_out(world: World, as_user: Login) -> None:
    c, h = _admin(as_user)
    walls = [{"name": "vitrine", "mode": "showcase"}, {"name": "ops"}]
    assert c.put("/api/workspaces/com/walls", json={"walls": walls}, headers=h).status_code == 200
    panels = c.get("/api/kiosk/com/vitrine").json()["panels"]
    shown = panels["live"]["items"] + panels["top_posts"]["items"]
    assert shown and all(m["sentiment_label"] != "negative" for m in shown)
    ops = as_user("viewer").get("/api/kiosk/com/ops").json()["panels"]["live"]["items"]
    assert any(m["sentiment_label"] == "negative" for m in ops)  # the world has one
