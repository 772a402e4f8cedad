"""The incident desk on both stores: opened by a severe alert (with its playbook and
stories), grown, monitoring proposed (never closed) by the system, driven by people
(hash-chained audit), and the settings' validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from socialhub.alerts.incident_settings import incident_settings, validate_incidents
from socialhub.alerts.incidents import IncidentDesk, IncidentError
from socialhub.alerts.manager import AlertManager
from socialhub.models import Workspace
from socialhub.records.stories import StoryRecord
from socialhub.store.base import Store

from .helpers import T0, signal

SETTINGS = {
    "open_severity": 8,
    "monitoring_after_minutes": 60,
    "playbooks": {
        "outage": {
            "match": ["volume"],
            "steps": [
                {"id": "qos", "text": "Tell the QoS team", "role": "analyst"},
                {"id": "holding", "text": "Draft a holding statement", "role": "press"},
            ],
        }
    },
}


def _setup(store: Store) -> tuple[int, AlertManager, IncidentDesk]:
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS", timezone="Europe/Paris"))
    assert ws.id is not None
    store.workspaces.set_workspace_setting(ws.id, "incidents", SETTINGS)
    clock = [datetime(2026, 12, 6, 9, 0, tzinfo=UTC)]
    return ws.id, AlertManager(store), IncidentDesk(store, clock=lambda: clock[0])


def test_a_severe_alert_opens_one_incident_with_playbook_and_stories(store: Store) -> None:
    ws, manager, desk = _setup(store)
    store.stories.save(
        [StoryRecord(ws, f"{ws}:x:1", "Panne", "x:1", T0, T0, T0, size=2)],
        [(ws, f"{ws}:x:1", "x:1"), (ws, f"{ws}:x:2", "x:2")],
    )
    low = manager.process(signal(0, severity=5, workspace_id=ws, key="query:9"))
    assert low.alert is not None and desk.observe(low.alert) is None
    first = manager.process(signal(0, severity=9, workspace_id=ws, evidence=["x:1"]))
    assert first.alert is not None
    inc = desk.observe(first.alert)
    assert inc is not None and inc.id is not None
    assert (inc.status, inc.severity, inc.playbook, inc.opened_by) == (
        "open",
        9,
        "outage",
        "system",
    )
    assert [s.id for s in inc.steps] == ["qos", "holding"]
    assert store.incidents.alert_ids(inc.id) == [first.alert.id]
    assert len(store.incidents.story_ids(inc.id)) == 1
    # another severe alert sharing the story joins the same incident
    other = manager.process(
        signal(5, severity=8, workspace_id=ws, key="query:2", evidence=["x:1", "x:5", "x:6", "x:7"])
    )
    assert other.alert is not None
    again = desk.observe(other.alert)
    assert again is not None and again.id == inc.id
    assert len(store.incidents.alert_ids(inc.id)) == 2
    assert len(store.incidents.list_incidents(ws)) == 1
    kinds = [e.kind for e in store.incidents.timeline(inc.id)]
    assert kinds == ["opened", "story_added", "alert_added"]
    # an in-app notification tells people once
    notes = store.alerts.list_notifications(workspace_id=ws)
    assert sum(1 for n in notes if n.title.startswith("Incident opened")) == 1


def test_monitoring_is_proposed_when_quiet_never_while_held(store: Store) -> None:
    ws, manager, desk = _setup(store)
    out = manager.process(signal(0, severity=9, workspace_id=ws))
    assert out.alert is not None
    inc = desk.observe(out.alert)
    assert inc is not None and inc.id is not None
    later = T0 + timedelta(hours=3)
    assert desk.review(later, held=lambda a: True) == []  # series still ≥ 2× baseline
    assert desk.review(T0 + timedelta(minutes=30), held=lambda a: False) == []  # too soon
    [proposed] = desk.review(later, held=lambda a: False)
    assert proposed.monitoring_proposed_at == later and proposed.status == "open"
    assert desk.review(later + timedelta(hours=1), held=lambda a: False) == []  # once
    assert store.incidents.get_incident(inc.id).status == "open"  # type: ignore[union-attr]


def test_people_drive_the_incident_and_the_audit_chain_records_it(store: Store) -> None:
    ws, _, desk = _setup(store)
    inc = desk.open(ws, "Rumeur données", "alice", severity=7, category="volume")
    assert inc.id is not None and inc.owner == "alice" and inc.playbook == "outage"
    inc = desk.acknowledge(inc.id, ws, "bob")
    assert inc.acknowledged_by == "bob"
    with pytest.raises(IncidentError):
        desk.acknowledge(inc.id, ws, "bob")
    inc = desk.step(inc.id, ws, "qos", True, "bob")
    assert inc.progress == (1, 2) and inc.steps[0].done_by == "bob"
    with pytest.raises(IncidentError):
        desk.step(inc.id, ws, "nope", True, "bob")
    desk.set_owner(inc.id, ws, "chloe", "alice")
    desk.note(inc.id, ws, "La QoS confirme", "chloe")
    with pytest.raises(IncidentError):
        desk.set_status(inc.id, ws, "closed", "system")  # only a person closes
    desk.set_status(inc.id, ws, "monitoring", "chloe")
    closed = desk.set_status(inc.id, ws, "closed", "chloe", note="retour à la normale")
    assert closed.status == "closed" and closed.closed_by == "chloe"
    with pytest.raises(IncidentError):
        desk.set_status(inc.id, ws, "monitoring", "chloe")  # closed -> open only
    with pytest.raises(KeyError):
        desk.note(inc.id, ws + 1, "x", "eve")
    kinds = [e.kind for e in store.incidents.timeline(inc.id)]
    assert kinds == ["opened", "acknowledged", "step_done", "owner", "note", "status", "status"]
    audit = store.chain.for_subject(f"incident:{inc.id}", "audit")
    assert [e.action for e in audit][:2] == ["incident.opened", "incident.acknowledged"]
    assert store.chain.verify("audit") is None


def test_settings_validation_and_rotations() -> None:
    assert validate_incidents(SETTINGS) == []
    bad = {
        "open_severity": 11,
        "playbooks": {"x": {"steps": [{"id": "a"}]}},
        "oncall": {"rotation": [{"days": "lun", "hours": "8h", "chain": ["webhook:ftp://x"]}]},
    }
    errors = validate_incidents(bad)
    assert len(errors) == 5, errors
    s = incident_settings(
        {
            "oncall": {
                "min_severity": 7,
                "ack_minutes": 10,
                "rotation": [
                    {"days": "mon-fri", "hours": "08:00-19:00", "chain": ["alice", "bob"]},
                    {"days": "mon-sun", "hours": "19:00-08:00", "chain": ["nuit"]},
                ],
            }
        },
        "Europe/Paris",
    )
    assert (s.page_severity, s.ack_after) == (7, timedelta(minutes=10))
    monday_9_paris = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    assert s.chain_at(monday_9_paris) == ["alice", "bob"]
    assert s.chain_at(monday_9_paris + timedelta(hours=12)) == ["nuit"]  # 21:00
    assert s.chain_at(datetime(2026, 12, 12, 10, 0, tzinfo=UTC)) == []  # Saturday day
    assert incident_settings(bad).open_severity == 8  # invalid: the defaults
    assert incident_settings(None).playbook_for(["coordination"])[0] == "rumour"
    assert incident_settings(None).playbook_for(["unknown"])[0] == "generic"


def test_an_alert_joining_an_open_incident_is_told_through_it(store: Store) -> None:
    ws, manager, desk = _setup(store)
    first = manager.process(signal(0, severity=9, workspace_id=ws))
    assert first.alert is not None
    inc = desk.observe(first.alert)
    assert not desk.told(inc, first.alert)  # the alert that opened it is told itself
    other = manager.process(signal(30, severity=8, workspace_id=ws, key="query:2"))
    assert other.alert is not None
    joined = desk.observe(other.alert)
    assert joined is not None and joined.id == (inc.id if inc else None)  # same playbook
    assert desk.told(joined, other.alert)
    assert not desk.told(None, other.alert)


def test_a_signal_of_no_workspace_is_placed_where_its_posts_are() -> None:
    from socialhub.analytics.placement import Placement
    from socialhub.models import Mention

    placement = Placement()
    placement.query_ws = {1: 10, 2: 20}
    posts = {
        f"x:{i}": Mention("x", str(i), "panne", T0, query_ids=[2 if i < 3 else 1]) for i in range(5)
    }
    sig = signal(0, detector="complaints", key="complaint:network_outage:*",
                 evidence=list(posts))  # fmt: skip
    placement.place(sig, posts)
    assert sig.workspace_id == 20
    later = signal(60, detector="complaints", key="complaint:network_outage:*", evidence=[])
    placement.place(later, {})  # a follow-up keeps its rule's workspace
    assert later.workspace_id == 20
    own = signal(0, workspace_id=10)
    placement.place(own, posts)
    assert own.workspace_id == 10
