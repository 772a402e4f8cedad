"""The report archive in the web app: listed per workspace, opened as HTML (no script may
run) or PDF by any member, invisible to other workspaces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from socialhub.records.reports import Report

from .helpers import World

Login = Callable[[str], TestClient]
START = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
END = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)


def _archive(world: World) -> tuple[Report, Report]:
    store = world.store
    com = store.reports.claim_report(
        Report(
            world.ws["com"].id or 0,
            "digest",
            START,
            END,
            "Revue de presse <script>alert(1)</script>",
            schedule="digest-0800",
            status="built",
            html="<html><body><p>Ce que disent les journalistes</p></body></html>",
            pdf=b"%PDF-1.7 fake but non-empty",
        )
    )[0]
    qos = store.reports.claim_report(
        Report(world.ws["qos"].id or 0, "digest", START, END, "QoS digest", status="built",
               html="<p>secret qos</p>", pdf=b"%PDF-1.7 qos")
    )[0]  # fmt: skip
    return com, qos


def test_members_list_and_open_their_reports(world: World, as_user: Login) -> None:
    com, _ = _archive(world)
    c = as_user("press")
    listed = c.get("/api/workspaces/com/reports").json()["items"]
    assert [r["id"] for r in listed] == [com.id]
    assert listed[0]["title"] == "Revue de presse <script>alert(1)</script>"  # plain JSON
    page = c.get("/w/com/reports")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text and f"/w/com/reports/{com.id}.pdf" in page.text
    # the workspace's time zone (Paris), as the reader's locale writes it
    assert "3/3/26, 8:00\u202fAM → 3/3/26, 5:00\u202fPM" in page.text
    html = c.get(f"/w/com/reports/{com.id}.html")
    assert html.status_code == 200 and "journalistes" in html.text
    assert "script-src" not in html.headers["content-security-policy"]
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = c.get(f"/w/com/reports/{com.id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_workspace_cannot_see_them(world: World, as_user: Login) -> None:
    com, qos = _archive(world)
    viewer = as_user("viewer")  # member of com only
    assert viewer.get(f"/w/com/reports/{qos.id}.html").status_code == 404
    assert viewer.get(f"/api/workspaces/com/reports/{qos.id}").status_code == 404
    assert viewer.get("/api/workspaces/qos/reports").status_code == 404
    other = as_user("qosviewer")
    assert other.get(f"/w/com/reports/{com.id}.pdf").status_code == 404
    assert [r["id"] for r in other.get("/api/workspaces/qos/reports").json()["items"]] == [qos.id]


def test_anonymous_visitors_are_sent_to_login(world: World) -> None:
    com, _ = _archive(world)
    client = world.client()
    assert client.get("/api/workspaces/com/reports").status_code == 401
    r = client.get(f"/w/com/reports/{com.id}.pdf", follow_redirects=False)
    assert r.status_code in (303, 401)
