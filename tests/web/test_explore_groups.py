"""Explore by story, city and département: the search narrowed to one story's posts, to
a city named in the text (else the author's own) or to a département; counts per
story, city and département; paging through a rare city; another workspace's story
refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from socialhub.records.stories import StoryRecord
from socialhub.web import explore_groups

from . import explore_groups_seed as seed
from .helpers import World, mention

Login = Callable[[str], TestClient]


def test_filter_by_city_departement_and_story(world: World, as_user: Login) -> None:
    story = seed.seed(world)
    c = as_user("press")
    base = "/api/workspaces/com/explore/mentions"

    def ids(**params: object) -> list[str]:
        page = c.get(base, params={"since": seed.SINCE, **params})
        assert page.status_code == 200, page.text
        return sorted(m["id"] for m in page.json()["items"])

    assert ids(city="Grenoble") == ["x:901", "x:902", "x:904"]  # 904: its author's place
    assert ids(city="grenoble", q="panne") == ["x:901", "x:902"]
    assert ids(departement="69") == ["x:903"]  # Lyon, not the Parisian author of 901
    assert ids(departement="38", platform="x") == ["x:901", "x:902", "x:904"]
    assert ids(story=story) == ["x:901", "x:903"]
    assert ids(story=story, city="Lyon") == ["x:903"]
    assert ids(story=story, q="Lyon") == ["x:903"]
    assert c.get(base, params={"departement": "999"}).status_code == 422
    assert c.get(base, params={"story": story, "q": "panne AND ("}).status_code == 400

    groups = c.get("/api/workspaces/com/explore/groups", params={"since": seed.SINCE}).json()
    assert groups["story"] == [{"value": str(story), "label": "Panne <b>", "count": 2}]
    assert {g["value"]: g["count"] for g in groups["city"]} == {"Grenoble": 3, "Lyon": 1}
    assert {g["value"]: g["label"] for g in groups["departement"]} == {
        "38": "38 Isère", "69": "69 Rhône"}  # fmt: skip
    assert groups["exact"] is True


def test_paging_a_rare_city(world: World, as_user: Login) -> None:
    seed.seed(world)
    c = as_user("press")
    got, cursor, pages = [], None, 0
    while True:
        params = {"since": seed.SINCE, "city": "Grenoble", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = c.get("/api/workspaces/com/explore/mentions", params=params).json()
        got += [m["id"] for m in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
    assert got == ["x:904", "x:902", "x:901"] and pages == 3  # newest first, no repeat


def test_paging_a_rare_city_past_the_scan_bound(
    world: World, as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that reads its whole bound without a match still answers a cursor, and the
    last match's page answers none."""
    seed.seed(world)
    monkeypatch.setattr(explore_groups, "SCAN_PAGE", 500)  # one store page per request
    later = seed.T0 + timedelta(minutes=20)
    noise = [mention(10_000 + i, f"mirabelle bruit {i}", world.queries["brand"],
                     created_at=later + timedelta(seconds=i)) for i in range(1000)]  # fmt: skip
    world.store.mentions.add(noise)
    c = as_user("press")
    got, cursor, empty = [], None, 0
    for _page in range(10):
        params = {"since": seed.SINCE, "city": "Grenoble", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = c.get("/api/workspaces/com/explore/mentions", params=params).json()
        got += [m["id"] for m in page["items"]]
        empty += not page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert got == ["x:904", "x:902", "x:901"] and empty == 2 and cursor is None


def test_another_workspaces_story_is_refused(world: World, as_user: Login) -> None:
    seed.seed(world)
    qos = world.ws["qos"].id or 0
    world.store.stories.save([StoryRecord(qos, "k:q", "Q", "x:901", seed.T0, seed.T0, seed.T0,
                                          size=3)], [(qos, "k:q", "x:901")])  # fmt: skip
    other = world.store.stories.get_by_key(qos, "k:q")
    assert other is not None
    c = as_user("press")
    r = c.get("/api/workspaces/com/explore/mentions", params={"story": other.id})
    assert r.status_code == 404


def test_exports_and_facets_honour_story_and_place(world: World, as_user: Login) -> None:
    import csv
    import io
    import json

    story = seed.seed(world)
    c = as_user("press")
    api = "/api/workspaces/com"

    def exported(fmt: str, **params: object) -> list[str]:
        r = c.get(f"{api}/export", params={"since": seed.SINCE, "format": fmt, **params})
        assert r.status_code == 200, r.text
        if fmt == "jsonl":
            return [json.loads(line)["id"] for line in r.text.splitlines() if line]
        rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
        return [row[0] for row in rows[1:]]

    assert exported("csv", city="Grenoble") == ["x:904", "x:902", "x:901"]  # newest first
    assert exported("jsonl", departement="69") == ["x:903"]
    assert exported("csv", story=story) == ["x:903", "x:901"]
    assert exported("jsonl", story=story, city="Grenoble", q="panne") == ["x:901"]
    assert sorted(exported("csv")) == ["x:901", "x:902", "x:903", "x:904"]  # unnarrowed
    assert c.get(f"{api}/export", params={"departement": "999"}).status_code == 422

    def facets(**params: object) -> dict[str, object]:
        r = c.get(f"{api}/explore/facets", params={"since": seed.SINCE, **params})
        assert r.status_code == 200, r.text
        got: dict[str, object] = r.json()
        return got

    def total(counts: object) -> int:
        assert isinstance(counts, list)
        return sum(int(x["count"]) for x in counts)

    assert total(facets()["platform"]) == 4
    grenoble = facets(city="Grenoble")
    assert total(grenoble["platform"]) == 3 and grenoble["exact"] is True
    assert total(grenoble["author"]) == 3
    lyon = facets(departement="69")
    assert total(lyon["platform"]) == 1 and total(lyon["author"]) == 1
    assert total(facets(story=story)["platform"]) == 2


def test_a_foreign_story_is_refused_by_export_and_facets(world: World, as_user: Login) -> None:
    seed.seed(world)
    qos = world.ws["qos"].id or 0
    world.store.stories.save([StoryRecord(qos, "k:q", "Q", "x:901", seed.T0, seed.T0, seed.T0,
                                          size=3)], [(qos, "k:q", "x:901")])  # fmt: skip
    other = world.store.stories.get_by_key(qos, "k:q")
    assert other is not None
    c = as_user("press")
    for path in ("export", "explore/facets"):
        r = c.get(f"/api/workspaces/com/{path}", params={"story": other.id})
        assert r.status_code == 404, (path, r.text)
