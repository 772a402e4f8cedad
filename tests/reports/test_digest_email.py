"""The digest end to end: crafted mentions -> scheduler -> real SMTP server -> MIME.

Also: a restart never sends the same report twice nor skips one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from alerts.servers import smtp_server  # the shared SMTP test server
from socialhub.mailer import SmtpSettings
from socialhub.records.alerts import Alert
from socialhub.reports.delivery import Mailer
from socialhub.reports.scheduler import Scheduler
from socialhub.store.sqlite import SqliteStore

from .helpers import PERIOD, World, hours, mention, setup_workspace

START, END = PERIOD
PRESS = "presse@fictel.example"


def _fill(store: SqliteStore, w: World) -> None:
    b, az, pr = w.brand.id, w.azurel.id, w.press.id
    assert b and az and pr
    azurel_entity = {"text": "Azurel", "type": "ORG", "source": "ner", "id": "Azurel"}
    store.mentions.add(
        [
            # Camille, in the period: fibre roll-out (twice), white zones, Azurel
            mention("c1", "Fibre optique : Fictel accélère face à Azurel", START + hours(2),
                    "croussel", [b, pr], keyphrases=["fibre optique", "déploiement rural"],
                    entities=[azurel_entity], likes=40),
            mention("c2", "Le déploiement rural de la Fibre optique de Fictel, suite",
                    START + hours(4), "croussel", [b, pr],
                    keyphrases=["Fibre optique", "déploiement rural", "zones blanches"], likes=5),
            # Camille, the day before (outside the period and the previous one)
            mention("c0", "Fictel et les tarifs roaming", START - hours(21), "croussel", [b, pr],
                    keyphrases=["tarifs roaming"]),
            # Julien, in the period: an outage, and the fibre too
            mention("j1", "Panne réseau Fictel à Lyon ce matin", START + hours(1), "jaubertin",
                    [b, pr], keyphrases=["panne réseau", "Lyon"], likes=12),
            mention("j2", "Fibre optique : le prix monte chez Fictel", START + hours(3),
                    "jaubertin", [b, pr], keyphrases=["fibre optique", "prix"]),
            # a hostile brand post with the most engagement
            mention("h1", 'Fictel <script>alert(1)</script> "><img src=x onerror=alert(2)>',
                    START + hours(5), "troll", [b], likes=999, sentiment="negative"),
            # the CEO
            mention("e1", "Fier des équipes Fictel", START + hours(6), "hmarc", [b], likes=50,
                    sentiment="positive"),
            # the previous period: a little brand chatter
            *[mention(f"p{i}", "Fictel encore", START - hours(3) + hours(i / 10), "someone", [b])
              for i in range(4)],
        ]
        # Azurel's launch: 12 posts in one hour, nothing the period before
        + [mention(f"a{i}", "Azurel lance Azurel Box Pro", START + hours(6) + hours(i / 20),
                   f"fan{i}", [az], keyphrases=["Azurel Box Pro"]) for i in range(12)]
    )  # fmt: skip
    assert w.ws.id is not None
    store.alerts.save_alert(
        Alert(
            rule=f"{w.ws.id}|volume|query:{b}",
            detector="volume",
            version="1",
            key=f"query:{b}",
            title="Pic de volume sur Marque Fictel",
            severity=6,
            first_t=START + hours(1),
            last_t=START + hours(2),
            observed=40,
            baseline=8,
            threshold=20,
            score=5,
            workspace_id=w.ws.id,
            state="acknowledged",
        )
    )
    store.workspaces.set_workspace_setting(
        w.ws.id,
        "reports",
        [{"name": "presse", "kind": "digest", "times": ["08:00", "17:00"], "recipients": [PRESS]}],
    )


def _mailer(port: int) -> Mailer:
    smtp = SmtpSettings("127.0.0.1", port, security="none", username="hub", password="s3cret",
                        timeout=5)  # fmt: skip
    return Mailer(smtp, "socialhub@fictel.example", attempts=3, backoff=0.01)


def _parts(msg: EmailMessage) -> tuple[str, str, bytes]:
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    assert html is not None and text is not None
    [pdf] = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    return html.get_content(), text.get_content(), pdf.get_content()


def _person_block(html: str, handle: str) -> str:
    start = html.index(f'data-person="{handle}"')
    end = html.find("data-person=", start + 20)
    return html[start : end if end > 0 else len(html)]


def test_digest_arrives_by_smtp_with_journalist_topics_from_their_own_posts(
    sqlite_store: SqliteStore,
) -> None:
    w = setup_workspace(sqlite_store)
    _fill(sqlite_store, w)
    with smtp_server() as (port, box):
        scheduler = Scheduler(sqlite_store, _mailer(port))
        assert scheduler.run_due(START + hours(0.5)) == []  # first sight: the mark is set
        [outcome] = scheduler.run_due(END + hours(0.1))
    assert outcome.status == "sent"
    assert box.logins == ["hub"]
    [envelope] = box.envelopes
    assert envelope.rcpt_tos == [PRESS]
    [msg] = box.messages()
    # the subject names the report, the workspace and the period in Paris time
    assert msg["Subject"] == (
        "[socialhub] Revue de presse — Fictel Télécom — Com — "
        "3 mars 2026 08:00 → 3 mars 2026 17:00 (Europe/Paris)"
    )
    assert msg.get_content_type() == "multipart/mixed"
    html, text, pdf = _parts(msg)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    # hostile post text is escaped: never live markup
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html

    camille = _person_block(html, "croussel")
    topics = re.findall(r'data-topic="([^"]*)"', camille)
    # topics are stories (here, with no story stored, each post stands alone), from her
    # posts in the period only: never keyphrase fragments
    assert set(topics) == {
        "Fibre optique : Fictel accélère face à Azurel",
        "Le déploiement rural de la Fibre optique de Fictel, suite",
    }
    assert all("roaming" not in t for t in topics)
    links = set(re.findall(r'href="https://x\.example/([^"]+)"', camille))
    assert links and links <= {"croussel/status/c1", "croussel/status/c2"}
    julien = _person_block(html, "jaubertin")
    julien_topics = set(re.findall(r'data-topic="([^"]*)"', julien))
    assert julien_topics == {"Panne réseau Fictel à Lyon ce matin",
                             "Fibre optique : le prix monte chez Fictel"}  # fmt: skip
    # the first page is "L'essentiel"; the alerts listed are severity 7 or more only
    assert "L&#39;essentiel" in html
    assert html.index('data-section="essentials"') < html.index("Chiffres clés")
    assert "Pic de volume sur Marque Fictel" not in html  # severity 6
    assert "Azurel" in html[html.index("Temps forts des concurrents") :]
    assert "Fier des équipes Fictel" in html  # the executive's post
    assert "Volume: 18 (+350\u202f%)" in text  # 6 brand posts + 12 Azurel, 4 before


def test_restart_never_sends_twice_nor_skips(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = SqliteStore(url)
    store.migrate()
    w = setup_workspace(store)
    _fill(store, w)
    assert w.ws.id is not None
    store.workspaces.set_workspace_setting(
        w.ws.id,
        "reports",
        [{"name": "presse", "times": ["08:00", "17:00"], "recipients": [PRESS], "pdf": False}],
    )
    with smtp_server() as (port, box):
        Scheduler(store, _mailer(port)).run_due(START + hours(0.5))
        assert [o.status for o in Scheduler(store, _mailer(port)).run_due(END)] == ["sent"]
        store.close()
        # restart: a new process (new store object) at the same time, then later
        store = SqliteStore(url)
        assert Scheduler(store, _mailer(port)).run_due(END + hours(0.2)) == []
        # a crash after claiming the next slot and before sending: claimed, not sent
        nxt = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
        from socialhub.records.reports import Report

        store.reports.claim_report(Report(w.ws.id, "digest", END, nxt, "presse", schedule="presse"))
        # down for a day: the morning and the evening reports both go out, in order
        outcomes = Scheduler(store, _mailer(port)).run_due(nxt + hours(9.5))
        assert [(o.slot, o.status) for o in outcomes] == [
            (nxt, "sent"),
            (nxt + hours(9), "sent"),
        ]
        assert Scheduler(store, _mailer(port)).run_due(nxt + hours(10)) == []
    subjects = [m["Subject"] for m in box.messages()]
    assert len(subjects) == 3 == len(set(subjects))
    assert "3 mars 2026 17:00 → 4 mars 2026 08:00" in subjects[1]
    assert "4 mars 2026 08:00 → 4 mars 2026 17:00" in subjects[2]
    reports = store.reports.list_reports(workspace_id=w.ws.id)
    assert [r.status for r in reports] == ["sent", "sent", "sent"]
    assert [d.status for d in store.reports.list_report_deliveries()] == ["sent", "sent", "sent"]
    store.close()


def test_temporary_smtp_failure_is_retried_with_backoff_and_logged(
    sqlite_store: SqliteStore,
) -> None:
    w = setup_workspace(sqlite_store)
    _fill(sqlite_store, w)
    assert w.ws.id is not None
    sqlite_store.workspaces.set_workspace_setting(
        w.ws.id, "reports", [{"name": "presse", "recipients": [PRESS], "pdf": False}]
    )
    sleeps: list[float] = []
    with smtp_server() as (port, box):
        box.refuse = ["451 4.3.0 try again later"]
        mailer = _mailer(port)
        mailer.sleep = sleeps.append
        scheduler = Scheduler(sqlite_store, mailer)
        scheduler.run_due(START + hours(0.5))
        [outcome] = scheduler.run_due(END)
        assert outcome.status == "sent"
        # a permanent refusal: logged as failed, and the slot is tried again next run
        box.refuse = ["554 5.7.1 rejected"]
        [failed] = scheduler.run_due(END + hours(15))
        assert failed.status == "failed"
        [again] = scheduler.run_due(END + hours(15.1))
        assert again.status == "sent" and again.slot == failed.slot
    assert sleeps == [pytest.approx(0.01)]
    log = sqlite_store.reports.list_report_deliveries()
    assert [(d.status, d.attempts) for d in log] == [("sent", 2), ("failed", 1), ("sent", 1)]
    assert "554" in log[1].error
    assert len(box.envelopes) == 2
