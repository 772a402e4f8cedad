"""The incident and on-call repositories on both stores: save, links, timeline, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.models import Workspace
from socialhub.records.incidents import Incident, IncidentEvent, PlaybookStep
from socialhub.records.oncall import Page, subject_of
from socialhub.store.base import Store

from .helpers import T0


def _incident(ws: int, **fields: object) -> Incident:
    values: dict[str, object] = {
        "workspace_id": ws,
        "title": "Panne réseau <b>Lyon</b>",
        "severity": 9,
        "opened_at": T0,
        "category": "outage",
    }
    values.update(fields)
    return Incident(**values)  # type: ignore[arg-type]


def test_save_get_list_update(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    other = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None and other.id is not None
    repo = store.incidents
    step = PlaybookStep("qos", "Tell the QoS team", role="analyst")
    big = repo.save_incident(
        _incident(
            ws.id,
            importance=80.0,
            explanation=[{"component": "velocity", "points": 30.0, "why": "x12"}],
            steps=[step, PlaybookStep("hold", "Draft a holding statement", role="editor")],
        )
    )
    small = repo.save_incident(_incident(ws.id, title="Rumeur", severity=8, importance=20.0))
    repo.save_incident(_incident(other.id, importance=99.0))
    assert big.id is not None and small.id is not None
    got = repo.get_incident(big.id)
    assert got is not None
    assert got.title == "Panne réseau <b>Lyon</b>" and got.status == "open"
    assert got.steps[0].text == "Tell the QoS team" and got.steps[0].done is False
    assert got.explanation[0]["component"] == "velocity"
    assert got.created_at is not None and got.opened_at == T0
    assert repo.get_incident(big.id, workspace_id=other.id) is None
    assert [i.id for i in repo.list_incidents(ws.id)] == [big.id, small.id]
    assert len(repo.list_incidents(ws.id, order="recent")) == 2
    # a person ticks a step, acknowledges, closes
    got.steps[0].done, got.steps[0].done_by = True, "alice"
    got.steps[0].done_at = T0 + timedelta(minutes=3)
    got.acknowledged_by, got.acknowledged_at = "alice", T0 + timedelta(minutes=2)
    got.status, got.closed_by, got.closed_at = "closed", "alice", T0 + timedelta(hours=9)
    repo.save_incident(got)
    again = repo.get_incident(big.id)
    assert again is not None
    assert again.status == "closed" and again.closed_by == "alice"
    assert again.steps[0].done and again.steps[0].done_at == T0 + timedelta(minutes=3)
    assert again.progress == (1, 2)
    assert [i.id for i in repo.list_incidents(ws.id, status="active")] == [small.id]
    assert [i.id for i in repo.list_incidents(ws.id, status="closed")] == [big.id]
    with pytest.raises(ValueError):
        repo.list_incidents(ws.id, order="nope")
    assert again.to_dict()["progress"] == {"done": 1, "total": 2}


def test_links_and_timeline(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    repo = store.incidents
    inc = repo.save_incident(_incident(ws.id))
    assert inc.id is not None
    assert repo.link(inc.id, "alert", 7, at=T0) is True
    assert repo.link(inc.id, "alert", 7, at=T0) is False
    assert repo.link(inc.id, "alert", 3, at=T0 + timedelta(minutes=1)) is True
    assert repo.link(inc.id, "story", 42) is True
    with pytest.raises(ValueError):
        repo.link(inc.id, "mention", 1)
    assert repo.alert_ids(inc.id) == [7, 3]
    assert repo.story_ids(inc.id) == [42]
    assert repo.incidents_of("alert", 3) == [inc.id]
    assert repo.incidents_of("story", 3) == []
    repo.add_event(IncidentEvent(inc.id, "opened", T0, details={"alert_id": 7}))
    repo.add_event(
        IncidentEvent(
            inc.id,
            "note",
            T0 + timedelta(minutes=5),
            actor="bob",
            details={"text": "Appelé la QoS"},
        )
    )
    events = repo.timeline(inc.id)
    assert [(e.kind, e.actor) for e in events] == [("opened", "system"), ("note", "bob")]
    assert events[1].details == {"text": "Appelé la QoS"} and events[1].id is not None
    with pytest.raises(ValueError):
        IncidentEvent(inc.id, "deleted", T0)


def test_oncall_pages(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    subject = subject_of("incident", 5)
    store.oncall.add_page(Page(ws.id, subject, 0, "alice@example.org", "email", "sent", T0))
    store.oncall.add_page(
        Page(ws.id, subject, 1, "sms", "webhook", "failed", T0 + timedelta(minutes=15), "503")
    )
    pages = store.oncall.list_pages(subject)
    assert [(p.level, p.target, p.status) for p in pages] == [
        (0, "alice@example.org", "sent"),
        (1, "sms", "failed"),
    ]
    assert pages[1].error == "503" and pages[1].at == T0 + timedelta(minutes=15)
    assert len(store.oncall.list_pages(workspace_id=ws.id)) == 2
    assert store.oncall.list_pages(subject_of("alert", 5)) == []
