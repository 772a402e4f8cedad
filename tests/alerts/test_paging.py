"""On-call escalation on both stores, with a real SMTP server and a local webhook
receiver, driven by an injected clock (nothing sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from socialhub.alerts.incidents import IncidentDesk
from socialhub.alerts.manager import AlertManager
from socialhub.alerts.paging import Pager
from socialhub.mailer import SmtpSettings
from socialhub.models import User, Workspace
from socialhub.records.oncall import subject_of
from socialhub.store.base import Store

from .helpers import signal
from .servers import http_server, smtp_server


def _settings(hook: str) -> dict[str, object]:
    return {
        "oncall": {
            "min_severity": 8,
            "ack_minutes": 15,
            "rotation": [
                {
                    "days": "mon-sun",
                    "hours": "00:00-24:00",
                    "chain": ["alice", "email:astreinte@example.org", f"webhook:{hook}/sms"],
                }
            ],
        }
    }


def test_unacknowledged_incident_escalates_level_by_level(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    store.accounts.upsert_user(User("alice", "Alice", "alice@example.org"))
    now = [datetime.now(UTC)]
    with smtp_server() as (port, box), http_server() as (url, inbox):
        store.workspaces.set_workspace_setting(ws.id, "incidents", _settings(url))
        desk = IncidentDesk(store, clock=lambda: now[0])
        pager = Pager(
            store,
            desk=desk,
            smtp=SmtpSettings("127.0.0.1", port, security="none"),
            clock=lambda: now[0],
            base_url="https://hub.example",
        )
        inc = desk.open(ws.id, "Panne réseau Lyon", "bob", severity=9)
        assert inc.id is not None
        assert pager.run() == []  # not due yet
        now[0] += timedelta(minutes=16)
        [first] = pager.run()
        assert (first.level, first.target, first.channel, first.status) == (
            0,
            "alice",
            "email",
            "sent",
        )
        assert pager.run() == []  # level 1 is due 15 minutes later
        now[0] += timedelta(minutes=15)
        [second] = pager.run()
        assert (second.target, second.status) == ("email:astreinte@example.org", "sent")
        now[0] += timedelta(minutes=15)
        [third] = pager.run()
        assert (third.channel, third.status) == ("webhook", "sent")
        now[0] += timedelta(minutes=15)
        assert pager.run() == []  # the chain is exhausted
        mails = box.messages()
        assert [m["To"] for m in mails] == ["alice@example.org", "astreinte@example.org"]
        assert "Panne réseau Lyon" in str(mails[0]["Subject"])
        assert f"https://hub.example/w/qos/incidents/{inc.id}" in mails[0].get_content()
        [(path, _, body)] = inbox.requests
        payload = orjson.loads(body)
        assert path == "/sms" and payload["event"] == "oncall.page" and payload["level"] == 2
    got = store.incidents.get_incident(inc.id)
    assert got is not None and got.escalation_level == 3
    escalated = [e for e in store.incidents.timeline(inc.id) if e.kind == "escalated"]
    assert [e.details["oncall"] for e in escalated] == [
        "alice",
        "email:astreinte@example.org",
        f"webhook:{url}/sms",
    ]
    assert len(store.oncall.list_pages(subject_of("incident", inc.id))) == 3


def test_acknowledging_stops_escalation_and_alerts_are_paged_too(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    now = [datetime.now(UTC)]
    with http_server() as (url, inbox):
        settings = _settings(url)
        settings["oncall"]["rotation"][0]["chain"] = [f"webhook:{url}/a", f"webhook:{url}/b"]  # type: ignore[index]
        store.workspaces.set_workspace_setting(ws.id, "incidents", settings)
        desk = IncidentDesk(store, clock=lambda: now[0])
        pager = Pager(store, desk=desk, clock=lambda: now[0])
        inc = desk.open(ws.id, "Rumeur", "bob", severity=8)
        assert inc.id is not None
        manager = AlertManager(store)
        out = manager.process(signal(0, severity=9, workspace_id=ws.id))
        low = manager.process(signal(0, severity=5, workspace_id=ws.id, key="query:5"))
        assert out.alert is not None and out.alert.id is not None and low.alert is not None
        now[0] += timedelta(minutes=16)
        pages = pager.run()
        assert sorted(p.subject for p in pages) == sorted(
            [subject_of("incident", inc.id), subject_of("alert", out.alert.id)]
        )
        desk.acknowledge(inc.id, ws.id, "alice")
        manager.acknowledge(out.alert.id, "alice", at=now[0])
        now[0] += timedelta(minutes=30)
        assert pager.run() == []  # acknowledged: nobody else is woken up
        assert len(inbox.requests) == 2
    events = store.alerts.list_alert_events(out.alert.id)
    assert any(e.kind == "escalated" and e.details.get("oncall") for e in events)


def test_failures_are_logged_not_raised(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    store.workspaces.set_workspace_setting(ws.id, "incidents", _settings("http://127.0.0.1:9"))
    now = [datetime.now(UTC)]
    desk = IncidentDesk(store, clock=lambda: now[0])
    pager = Pager(store, desk=desk, clock=lambda: now[0])  # no SMTP server configured
    desk.open(ws.id, "Sans SMTP", "bob", severity=9)
    now[0] += timedelta(minutes=16)
    [page] = pager.run()
    assert page.status == "failed" and "email" in page.error  # alice has no address
