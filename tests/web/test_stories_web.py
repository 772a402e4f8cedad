"""Stories in the web app: the ranked list and a story's page (hostile text escaped),
the REST API, and no story of another workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from socialhub.models import Mention
from socialhub.records.stories import StoryRecord

from .helpers import World

Login = Callable[[str], TestClient]
T0 = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)


def _stories(world: World) -> tuple[int, int, int]:
    store = world.store
    com, qos = world.ws["com"].id or 0, world.ws["qos"].id or 0
    store.mentions.add(
        [Mention("x", "st1", "Panne <b>Lyon</b>", T0), Mention("x", "st2", "idem", T0)]
    )
    repo = store.stories
    why = [
        {"component": "velocity", "value": 9.0, "points": 22.0,
         "why": "60 posts in its busiest hour vs 6.0 usual"},
        {"component": "who", "value": 1, "points": 8.0, "why": "1 listed voices, 40 authors"},
    ]  # fmt: skip
    big = StoryRecord(com, "k:big", "Panne <script>alert(1)</script>", "x:st1", T0,
                      T0 + timedelta(hours=2), T0, size=40, authors=30, importance=61.0,
                      explanation=why, responses={"answered": False})  # fmt: skip
    small = StoryRecord(com, "k:small", "Forfait", "x:2", T0, T0 + timedelta(hours=3), T0,
                        size=5, importance=12.0)  # fmt: skip
    other = StoryRecord(qos, "k:qos", "Secret QoS", "x:2", T0, T0, T0, size=9, importance=90.0)
    repo.save([big, small, other], [(com, "k:big", "x:st1"), (com, "k:big", "x:st2")])
    ids = [repo.get_by_key(w, k) for w, k in ((com, "k:big"), (com, "k:small"), (qos, "k:qos"))]
    assert all(r is not None and r.id is not None for r in ids)
    return ids[0].id, ids[1].id, ids[2].id  # type: ignore[union-attr,return-value]


def test_members_read_stories_ranked_with_why(world: World, as_user: Login) -> None:
    big, small, _ = _stories(world)
    c = as_user("press")
    items = c.get("/api/workspaces/com/stories").json()["items"]
    assert [s["id"] for s in items] == [big, small]  # by importance
    assert items[0]["explanation"][0]["component"] == "velocity"
    recent = c.get("/api/workspaces/com/stories?order=recent").json()["items"]
    assert [s["id"] for s in recent] == [small, big]
    assert c.get("/api/workspaces/com/stories?order=nope").status_code == 422
    posts = c.get(f"/api/workspaces/com/stories/{big}/mentions").json()["items"]
    assert sorted(p["id"] for p in posts) == ["x:st1", "x:st2"]
    page = c.get("/w/com/stories")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "60 posts in its busiest hour" in page.text
    one = c.get(f"/w/com/stories/{big}")
    assert one.status_code == 200
    assert "<b>Lyon</b>" not in one.text and "&lt;b&gt;Lyon&lt;/b&gt;" in one.text
    assert "Not answered by an official account" in one.text
    assert 'id="patient-zero"' in one.text and "x:st1" in one.text


def test_another_workspace_sees_none_of_them(world: World, as_user: Login) -> None:
    big, _, qos = _stories(world)
    viewer = as_user("viewer")  # member of com only
    assert viewer.get(f"/api/workspaces/com/stories/{qos}").status_code == 404
    assert viewer.get(f"/w/com/stories/{qos}").status_code == 404
    assert viewer.get("/api/workspaces/qos/stories").status_code == 404
    other = as_user("qosviewer")
    assert other.get(f"/api/workspaces/qos/stories/{big}").status_code == 404
    assert [s["id"] for s in other.get("/api/workspaces/qos/stories").json()["items"]] == [qos]
