"""The REST API: OpenAPI, search with facets and cursors, series, errors, hostile text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from socialhub.web.series import Buckets

from .helpers import HOSTILE, NOW, World

AsUser = Callable[[str], TestClient]
WEEK = {"since": "2026-02-23T12:00:00Z", "until": "2026-03-02T12:00:00Z"}


def test_openapi_document_lists_what_the_ui_uses(world: World) -> None:
    doc = world.client().get("/openapi.json")  # public: it is the contract, not data
    assert doc.status_code == 200
    paths = doc.json()["paths"]
    for path in (
        "/api/workspaces",
        "/api/workspaces/{slug}/mentions",
        "/api/workspaces/{slug}/facets",
        "/api/workspaces/{slug}/volume",
        "/api/workspaces/{slug}/sentiment",
        "/api/workspaces/{slug}/share-of-voice",
        "/api/workspaces/{slug}/authors",
        "/api/workspaces/{slug}/alerts",
        "/api/workspaces/{slug}/alerts/{alert_id}/ack",
        "/api/workspaces/{slug}/live",
        "/api/quarantine",
        "/api/me/tokens",
    ):
        assert path in paths, path
    assert "/login" not in paths and "/w/{slug}" not in paths  # pages are not API
    schemes = doc.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    # /docs serves Swagger UI from the npm package, never a CDN (test_api_reference_...)
    assert "cdn" not in world.client().get("/docs").text.lower()


def test_search_facets_and_cursor_paging(as_user: AsUser) -> None:
    client = as_user("viewer")
    base = "/api/workspaces/com"
    first = client.get(f"{base}/mentions", params={"q": "mirabelle", "limit": 2}).json()
    assert [m["native_id"] for m in first["items"]] == ["1", "2"]  # newest first
    assert first["next_cursor"] == "x:2"
    second = client.get(
        f"{base}/mentions", params={"q": "mirabelle", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [m["native_id"] for m in second["items"]] == ["3"] and second["next_cursor"] is None
    only_bsky = client.get(f"{base}/mentions", params={"q": "mirabelle", "platform": "bsky"})
    assert [m["native_id"] for m in only_bsky.json()["items"]] == ["3"]
    negative = client.get(f"{base}/mentions", params={"sentiment": "negative"}).json()["items"]
    assert [m["native_id"] for m in negative] == ["1"]
    recent = client.get(f"{base}/mentions", params={"since": "2026-03-02T09:30:00Z"}).json()
    assert [m["native_id"] for m in recent["items"]] == ["1", "2"]
    facets = client.get(f"{base}/facets", params={"q": "mirabelle", "platform": "x"}).json()
    # a facet ignores its own filter, so the other platforms stay visible
    assert facets["platform"] == [{"value": "x", "count": 2}, {"value": "bsky", "count": 1}]
    assert facets["lang"] == [{"value": "fr", "count": 2}]
    assert {f["value"] for f in facets["sentiment"]} == {"negative", "positive"}
    assert client.get(f"{base}/count", params={"q": "mirabelle"}).json() == {"count": 3}


def test_errors_are_json_with_a_message(as_user: AsUser) -> None:
    client = as_user("viewer")
    bad = client.get("/api/workspaces/com/mentions", params={"q": "mirabelle AND (panne"})
    assert bad.status_code == 400 and bad.json()["error"] == "query_syntax"
    assert bad.json()["message"] and bad.json()["column"] >= 1
    when = client.get("/api/workspaces/com/volume", params={"since": "yesterday"})
    assert when.status_code == 400 and when.json()["error"] == "bad_request"
    invalid = client.get("/api/workspaces/com/mentions", params={"platform": "x y<"})
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid_request"
    assert "platform" in invalid.json()["message"]
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    too_many = client.get(
        "/api/workspaces/com/volume",
        params={
            "since": "2020-01-01T00:00:00Z",
            "until": "2026-01-01T00:00:00Z",
            "interval": "hour",
        },
    )
    assert too_many.status_code == 400 and "buckets" in too_many.json()["message"]


def test_volume_by_query_in_the_workspace_time_zone(as_user: AsUser) -> None:
    client = as_user("viewer")
    day = client.get("/api/workspaces/com/volume", params={**WEEK, "interval": "day"}).json()
    assert day["timezone"] == "Europe/Paris" and day["interval"] == "day"
    assert day["buckets"][0] == "2026-02-23T00:00:00+01:00"  # local midnight
    assert day["buckets"][-1] == "2026-03-02T00:00:00+01:00"
    series = {s["name"]: s["counts"] for s in day["series"]}
    assert set(series) == {"Brand", "Rival <b>"}  # names are data, returned as is
    assert series["Brand"][-1] == 2 and series["Brand"][-2] == 1  # mention 3: 1 March, 10:00
    assert series["Rival <b>"][-1] == 1 and sum(series["Rival <b>"]) == 1
    hours = client.get(
        "/api/workspaces/com/volume",
        params={"since": "2026-03-02T08:00:00Z", "until": "2026-03-02T12:00:00Z"},
    ).json()
    assert hours["interval"] == "hour"
    assert hours["buckets"] == [f"2026-03-02T{h}:00:00+01:00" for h in ("09", "10", "11", "12")]
    brand = next(s["counts"] for s in hours["series"] if s["name"] == "Brand")
    assert brand == [0, 0, 1, 1]  # 10:00 UTC -> 11:00 Paris, 11:00 UTC -> 12:00 Paris


def test_buckets_follow_daylight_saving() -> None:
    b = Buckets(
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 26, 23, 30, tzinfo=UTC),  # 00:30 on the 27th in Paris
        "day",
        "Europe/Paris",
    )
    assert b.labels() == [
        "2026-10-25T00:00:00+02:00",
        "2026-10-26T00:00:00+01:00",
        "2026-10-27T00:00:00+01:00",
    ]
    # 23:30 UTC on the 25th is 00:30 on the 26th in Paris (winter time)
    assert b.index(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == 1
    assert b.index(datetime(2026, 10, 25, 22, 30, tzinfo=UTC)) == 0  # a 25-hour day


def test_sentiment_share_of_voice_and_top_authors(as_user: AsUser, world: World) -> None:
    client = as_user("viewer")
    base = "/api/workspaces/com"
    senti = client.get(f"{base}/sentiment", params={**WEEK, "interval": "day"}).json()
    by_label = {s["label"]: sum(s["counts"]) for s in senti["series"]}
    assert by_label == {"negative": 1, "positive": 1, "none": 2}
    sov = client.get(f"{base}/share-of-voice", params=WEEK).json()
    assert sov["total"] == 4
    assert {i["name"]: (i["count"], i["share"]) for i in sov["items"]} == {
        "Brand": (3, 0.75),
        "Rival <b>": (1, 0.25),
    }
    one = client.get(
        f"{base}/share-of-voice", params={**WEEK, "queries": [world.queries["rival"].id]}
    ).json()
    assert [(i["name"], i["share"]) for i in one["items"]] == [("Rival <b>", 1.0)]
    authors = client.get(f"{base}/authors", params={**WEEK, "limit": 2}).json()["items"]
    # mentions 1 and 4 are by author1 (n % 3), 2 by author2, 3 by author0
    assert [(a["handle"], a["mentions"], a["engagement"]) for a in authors] == [
        ("author1", 2, 5),
        ("author0", 1, 3),  # ties on mentions: more engagement first (author2 has 2)
    ]


def test_hostile_text_is_plain_json_and_escaped_html(as_user: AsUser, world: World) -> None:
    client = as_user("viewer")
    items = client.get("/api/workspaces/com/mentions", params={"q": "mirabelle"}).json()["items"]
    hostile = next(m for m in items if m["native_id"] == "1")
    assert hostile["text"] == f"mirabelle {HOSTILE}"  # a plain string, not rewritten
    assert "raw" not in hostile
    page = client.get("/w/com", headers={"Accept": "text/html"})
    assert "Communication &lt;i&gt;" in page.text and "Communication <i>" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    for name in ("common.js", "dashboard.js", "dashboard_search.js", "home.js", "quarantine.js"):
        js = client.get(f"/static/{name}").text
        assert "innerHTML" not in js.replace("never innerHTML", ""), name
        assert "insertAdjacentHTML" not in js and "document.write" not in js, name
    # the only HTML string built (ECharts tooltips) is made of escaped parts
    dash = client.get("/static/dashboard.js").text
    assert "formatter: axisTooltip" in dash and "SH.esc(p.seriesName)" in dash
    assert NOW.year == 2026


def test_share_of_voice_compares_only_the_declared_queries(as_user: AsUser, world: World) -> None:
    from socialhub.models import Query

    com = world.ws["com"].id or 0
    # an overlapping query (the brand's complaints) is not declared: it stays out
    world.store.workspaces.upsert_query(Query(com, "Brand complaints", "mirabelle AND encore"))
    client = as_user("viewer")
    sov = client.get("/api/workspaces/com/share-of-voice", params=WEEK).json()
    assert sov["configured"] is True
    assert [(i["name"], i["role"]) for i in sov["items"]] == [
        ("Brand", "brand"),
        ("Rival <b>", "competitor"),
    ]
    # a workspace that declares nothing gets no share of voice, not a sum of its queries
    qos = as_user("qosviewer").get("/api/workspaces/qos/share-of-voice", params=WEEK).json()
    assert qos == {"configured": False, "total": 0, "items": []}


def test_extent_says_where_the_data_is(as_user: AsUser) -> None:
    data = as_user("viewer").get("/api/workspaces/com/extent").json()
    assert data["first"].startswith("2026-03-01T10:00")  # 26 hours before NOW
    assert data["last"].startswith("2026-03-02T11:00")
    assert data["timezone"] == "Europe/Paris"


def test_share_of_voice_setting_is_validated() -> None:
    from socialhub.config.load import setting_errors

    assert setting_errors("share_of_voice", {"brand": ["A"], "competitors": ["B"]}) == []
    assert setting_errors("share_of_voice", {"brand": ["A"], "competitors": ["A"]}) == [
        "competitors: 'A' is listed twice"
    ]
    assert setting_errors("share_of_voice", ["A"]) == [
        "expected a table: [workspace.settings.share_of_voice]"
    ]


def test_alerts_are_filtered_and_ranked_by_severity(as_user: AsUser, world: World) -> None:
    from datetime import timedelta

    from socialhub.records.alerts import Alert

    com = world.ws["com"].id or 0
    brand = world.queries["brand"].id

    def alert(
        sev: int, detector: str, hours: float, state: str = "open", q: int | None = None
    ) -> None:
        t = NOW - timedelta(hours=hours)
        world.store.alerts.save_alert(
            Alert(f"{detector}:r", detector, "1", f"k{sev}{detector}{hours}", f"{detector} {sev}",
                  sev, t, t, 10.0, 2.0, 5.0, 3.0, workspace_id=com, query_id=q, state=state)
        )  # fmt: skip

    alert(4, "volume", 1, q=brand)
    alert(9, "complaints", 2)
    alert(6, "volume", 30)
    alert(8, "watchlist", 3, state="resolved")
    c = as_user("viewer")
    url = "/api/workspaces/com/alerts"
    got = c.get(url, params={"order": "severity"}).json()
    assert [a["severity"] for a in got["items"]] == [9, 6, 4]  # active, most severe first
    assert got["detectors"] == ["complaints", "volume"]
    everything = c.get(url, params={"state": "all", "order": "severity"}).json()
    assert [a["severity"] for a in everything["items"]] == [9, 8, 6, 4]
    assert [a["severity"] for a in c.get(url, params={"min_severity": 5}).json()["items"]] == [9, 6]
    only = c.get(url, params={"detector": "volume", "order": "severity"}).json()["items"]
    assert [a["severity"] for a in only] == [6, 4]
    assert [a["severity"] for a in c.get(url, params={"query_id": brand}).json()["items"]] == [4]
    window = {"since": "2026-03-02T08:00:00Z", "until": "2026-03-02T10:30:00Z", "state": "all"}
    assert sorted(a["severity"] for a in c.get(url, params=window).json()["items"]) == [8, 9]
    page = c.get("/w/com/alerts", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'id="alert-filters"' in page.text


def test_search_placeholder_is_the_workspace_own_first_query(as_user: AsUser) -> None:
    page = as_user("viewer").get("/w/com", headers={"accept": "text/html"}).text
    assert 'placeholder="e.g. mirabelle"' in page
    assert "panne OR" not in page  # not the demo brand's example in every workspace
    qos = as_user("qosviewer").get("/w/qos/explore", headers={"accept": "text/html"}).text
    assert 'placeholder="e.g. panne"' in qos


def test_api_reference_is_served_from_the_npm_package(as_user: AsUser) -> None:
    from socialhub.web.app import SWAGGER_UI

    assert (SWAGGER_UI / "swagger-ui-bundle.js").is_file(), (
        "npm ci --prefix src/socialhub/web/frontend"
    )
    c = as_user("viewer")
    page = c.get("/docs", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert '<script src="/vendor/swagger-ui/swagger-ui-bundle.js">' in page.text
    assert "//cdn" not in page.text and "unpkg" not in page.text  # nothing from a CDN
    bundle = c.get("/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
