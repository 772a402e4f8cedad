"""Explore: linter, facets, streamed exports (formula-safe CSV), a mention's thread and
evidence, with roles and workspace isolation checked by page and by API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import orjson
from fastapi.testclient import TestClient

from socialhub.models import Author, Role, User, Watchlist, WatchlistMember
from socialhub.web.explore import safe_cell

from .helpers import HOSTILE, World, login, mention

Login = Callable[[str], TestClient]


def _thread(world: World) -> None:
    brand = world.queries["brand"]
    world.store.workspaces.upsert_watchlist(
        Watchlist(
            world.ws["com"].id or 0, "Journalistes", members=[WatchlistMember("x", "journo1")]
        )
    )
    world.store.mentions.add(
        [
            mention(
                20,
                '=HYPERLINK("http://evil") mirabelle',
                brand,
                author=Author("x", "j1", "journo1", name="Journo <b>One</b>", followers=5),
                raw={"id": "20", "html": HOSTILE},
                collected_via="test-fixture",
                watchlists=["Journalistes"],
                country="fr",
                categories=[{"label": "outage"}],
            ),
            mention(21, "+mirabelle reply", brand, reply_to="x:20", root_id="x:20"),
            mention(22, "@mirabelle quote", brand, quote_of="x:20"),
            mention(23, "-mirabelle secret reply", world.queries["outage"], reply_to="x:20"),
        ]
    )


def test_lint_reports_columns(as_user: Login) -> None:
    c = as_user("viewer")
    r = c.get("/api/workspaces/com/lint", params={"q": "mirabelle AND (panne"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is False and body["messages"][0]["level"] == "error"
    assert body["messages"][0]["column"] >= 1
    ok = c.get("/api/workspaces/com/lint", params={"q": "mirabelle"}).json()
    assert ok["ok"] is True


def test_facets_cover_every_field(world: World, as_user: Login) -> None:
    _thread(world)
    body = (
        as_user("viewer")
        .get("/api/workspaces/com/explore/facets", params={"since": "2026-02-01T00:00:00"})
        .json()
    )
    for field in ("platform", "lang", "sentiment", "category", "watchlist", "place", "author"):
        assert field in body, field
    assert {"value": "Journalistes", "count": 1} in body["watchlist"]
    assert {"value": "fr", "count": 1} in body["place"]
    assert {"value": "outage", "count": 1} in body["category"]
    platforms = {f["value"]: f["count"] for f in body["platform"]}
    assert platforms == {"x": 6, "bsky": 1}  # qos's panne never counted here
    assert body["exact"] is True


def test_facet_filter_by_watchlist_through_query(world: World, as_user: Login) -> None:
    _thread(world)
    c = as_user("viewer")
    r = c.get(
        "/api/workspaces/com/mentions",
        params={"q": 'mirabelle AND list:"Journalistes"', "since": "2026-02-01T00:00:00"},
    )
    assert [m["id"] for m in r.json()["items"]] == ["x:20"]


def test_csv_export_escapes_formulas_and_streams_everything(world: World, as_user: Login) -> None:
    _thread(world)
    many = [
        mention(1000 + i, f"mirabelle bulk {i}", world.queries["brand"], hours_ago=5)
        for i in range(1203)
    ]
    world.store.mentions.add(many)
    c = as_user("viewer")
    r = c.get(
        "/api/workspaces/com/export", params={"format": "csv", "since": "2026-02-01T00:00:00"}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1203 + 3 + 4  # bulk, x:20-22, and the world's x:1-4 (x:5 is qos's)
    texts = {row["id"]: row["text"] for row in rows}
    assert texts["x:20"].startswith("'=HYPERLINK")
    assert texts["x:21"] == "'+mirabelle reply"
    assert texts["x:22"] == "'@mirabelle quote"
    assert "x:23" not in texts and "x:5" not in texts  # other workspace
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_jsonl_export_pages_through_all(world: World, as_user: Login) -> None:
    world.store.mentions.add(
        [mention(2000 + i, f"quetsche {i}", world.queries["rival"]) for i in range(1100)]
    )
    r = as_user("viewer").get(
        "/api/workspaces/com/export",
        params={"format": "jsonl", "q": "quetsche", "since": "2026-02-01T00:00:00"},
    )
    lines = [orjson.loads(x) for x in r.content.splitlines()]
    assert len(lines) == 1101 and len({x["id"] for x in lines}) == 1101
    assert all("raw" not in x for x in lines)


def test_export_bad_query_is_400_with_column(as_user: Login) -> None:
    r = as_user("viewer").get("/api/workspaces/com/export", params={"q": "a AND (b"})
    assert r.status_code == 400 and r.json()["error"] == "query_syntax" and "column" in r.json()


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("\t=x") == "'\t=x"
    assert safe_cell("plain") == "plain"
    assert safe_cell(None) == ""


def test_mention_thread_author_and_no_raw_for_viewer(world: World, as_user: Login) -> None:
    _thread(world)
    r = as_user("viewer").get("/api/workspaces/com/mentions/x:20")
    assert r.status_code == 200
    body = r.json()
    assert [m["id"] for m in body["thread"]["replies"]] == ["x:21"]  # x:23 is qos's
    assert [m["id"] for m in body["thread"]["quotes"]] == ["x:22"]
    assert body["author"]["handle"] == "journo1" and body["author"]["mentions_here"] >= 1
    assert body["evidence"] is None and "raw" not in body["mention"]
    assert HOSTILE not in r.text.replace("\\", "")  # the raw payload never reached a viewer
    child = as_user("analyst").get("/api/workspaces/com/mentions/x:21").json()
    assert child["thread"]["parent"]["mention"]["id"] == "x:20"
    for role in ("viewer", "analyst", "press"):
        assert as_user(role).get("/api/workspaces/com/mentions/x:20/raw").status_code == 403


def test_legal_and_admin_get_raw_payload_and_hash(world: World, as_user: Login) -> None:
    _thread(world)
    legal = world.store.accounts.upsert_user(
        User("legal1", "Legal", "", world.users["viewer"].password_hash)
    )
    world.store.accounts.set_membership(world.ws["com"].id or 0, legal.id or 0, Role.LEGAL)
    stored = world.store.mentions.get_mention("x:20")
    assert stored is not None and stored.raw_sha256
    for who, pw in (("legal1", "viewer-pass-123"), ("admin", None)):
        c = login(world.client(), who, pw)
        body = c.get("/api/workspaces/com/mentions/x:20").json()
        assert orjson.loads(body["evidence"]["raw"]) == {"id": "20", "html": HOSTILE}
        assert body["evidence"]["raw_sha256"] == stored.raw_sha256
        assert body["evidence"]["collected_at"]
        raw = c.get("/api/workspaces/com/mentions/x:20/raw").json()
        assert raw["raw_sha256"] == stored.raw_sha256
        page = c.get("/w/com/m/x:20", headers={"accept": "text/html"})
        assert page.status_code == 200 and 'id="raw"' in page.text
    page = as_user("viewer").get("/w/com/m/x:20", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'id="raw"' not in page.text


def test_workspace_isolation(world: World, as_user: Login) -> None:
    _thread(world)
    c = as_user("qosviewer")
    assert c.get("/api/workspaces/com/mentions/x:20").status_code == 404
    assert c.get("/api/workspaces/com/export").status_code == 404
    assert c.get("/api/workspaces/com/explore/facets").status_code == 404
    assert c.get("/api/workspaces/qos/mentions/x:20").status_code == 404  # not routed to qos
    assert c.get("/api/workspaces/qos/mentions/x:23").status_code == 200
    assert c.get("/w/com/explore", headers={"accept": "text/html"}).status_code == 404


def test_explore_page_escapes(world: World, as_user: Login) -> None:
    r = as_user("viewer").get("/w/com/explore", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert "Communication &lt;i&gt;" in r.text and "<i>" not in r.text
    assert 'href="/w/com/admin"' not in r.text  # no admin link for a viewer
    assert 'href="/w/com/admin"' in as_user("admin").get("/w/com/explore").text


def test_anonymous_is_refused(world: World) -> None:
    c = world.client()
    assert c.get("/api/workspaces/com/export").status_code == 401
    assert c.get("/api/workspaces/com/mentions/x:1").status_code == 401
    assert c.get("/w/com/explore", headers={"accept": "text/html"}).status_code == 303


def test_csv_export_names_queries_and_lists_each_category_once(
    world: World, as_user: Login
) -> None:
    brand, rival, outage = world.queries["brand"], world.queries["rival"], world.queries["outage"]
    m = mention(3000, "mirabelle et quetsche en panne", brand)
    m.query_ids = [brand.id or 0, rival.id or 0, outage.id or 0]  # outage: another workspace
    m.categories = [{"label": "network_outage"}, {"label": "network_outage"}, {"label": "billing"}]
    world.store.mentions.add([m])
    r = as_user("viewer").get(
        "/api/workspaces/com/export", params={"format": "csv", "q": "quetsche AND panne"}
    )
    [row] = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert row["queries"] == "Brand|Rival <b>"  # names, and only this workspace's
    assert row["query_ids"] == f"{brand.id}|{rival.id}"
    assert row["categories"] == "network_outage|billing"
