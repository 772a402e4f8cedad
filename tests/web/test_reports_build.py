"""Reports from the web app: press officers and up build a report from the Reports page,
preview it, send it and send it again (a real SMTP server), with the session's CSRF
token; viewers cannot; the archive lists each delivery."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from alerts.servers import smtp_server  # the shared SMTP test server
from socialhub.mailer import SmtpSettings
from socialhub.reports.delivery import Mailer

from .helpers import World, csrf_of

Login = Callable[[str], TestClient]


def _mailer(port: int) -> Mailer:
    smtp = SmtpSettings("127.0.0.1", port, security="none", timeout=5)
    return Mailer(smtp, "socialhub@fictel.example", attempts=1, backoff=0.01)


def test_press_builds_previews_sends_and_resends_a_digest(world: World, as_user: Login) -> None:
    c = as_user("press")
    token = csrf_of(c)
    page = c.get("/w/com/reports")
    assert 'id="build-form"' in page.text and "csrf_token" in page.text
    # without the CSRF token: refused
    r = c.post("/w/com/reports/build", data={"kind": "digest"}, follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/w/com/reports/build", data={"kind": "digest", "csrf_token": token},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    report_id = int(re.search(r"preview=(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    page = c.get(r.headers["location"])
    assert f'src="/w/com/reports/{report_id}.html"' in page.text  # the preview
    html = c.get(f"/w/com/reports/{report_id}.html")
    assert html.status_code == 200 and 'data-section="essentials"' in html.text
    assert c.get(f"/w/com/reports/{report_id}.pdf").content.startswith(b"%PDF")
    with smtp_server() as (port, box):
        c.app.state.report_mailer = _mailer(port)  # type: ignore[attr-defined]
        for _ in range(2):  # send, then send again
            r = c.post(f"/w/com/reports/{report_id}/send",
                       data={"recipients": "presse@fictel.example", "csrf_token": token},
                       follow_redirects=False)  # fmt: skip
            assert r.status_code == 303 and "status=sent" in r.headers["location"]
    assert len(box.messages()) == 2
    assert [e.rcpt_tos for e in box.envelopes] == [["presse@fictel.example"]] * 2
    page = c.get("/w/com/reports")
    assert page.text.count("presse@fictel.example (sent)") == 2
    assert "Send again" in page.text or "Renvoyer" in page.text


def test_viewers_cannot_build_or_send(world: World, as_user: Login) -> None:
    c = as_user("viewer")
    token = csrf_of(c)
    assert 'id="build-form"' not in c.get("/w/com/reports").text
    r = c.post("/w/com/reports/build", data={"kind": "digest", "csrf_token": token},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 403
    api = c.post("/api/workspaces/com/reports", json={"kind": "digest"},
                 headers={"X-CSRF-Token": token})  # fmt: skip
    assert api.status_code == 403


def test_the_api_builds_a_report(world: World, as_user: Login) -> None:
    c = as_user("analyst")
    token = csrf_of(c)
    r = c.post("/api/workspaces/com/reports", json={"kind": "competitors"},
               headers={"X-CSRF-Token": token})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "competitors" and r.json()["status"] == "built"
    bad = c.post("/api/workspaces/com/reports", json={"kind": "crisis"},
                 headers={"X-CSRF-Token": token})  # fmt: skip
    assert bad.status_code == 422
