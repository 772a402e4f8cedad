"""AlertManager on both stores: merging, cooldown, escalation, states, feedback tuning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.alerts.manager import AlertManager, AlertStateError, ManagerConfig
from socialhub.models import Workspace
from socialhub.store.base import Store

from .helpers import T0, burst, signal


def test_fifty_signals_of_one_story_give_one_alert_that_escalates(store: Store) -> None:
    manager = AlertManager(store)
    actions = []
    for i in range(50):
        severity = 3 if i < 20 else (6 if i < 40 else 8)
        actions.append(manager.process(signal(i, severity=severity)).action)
    assert actions.count("opened") == 1
    assert actions.count("escalated") == 2
    assert actions.count("merged") == 47
    [alert] = store.alerts.list_alerts()
    assert (alert.severity, alert.peak_severity, alert.signals) == (8, 8, 50)
    assert alert.evidence == [f"x:{i}" for i in range(50)]  # appended, first first
    assert alert.first_t == T0 and alert.last_t == T0 + timedelta(minutes=49)
    kinds = [e.kind for e in store.alerts.list_alert_events(alert.id or 0)]
    assert kinds.count("escalated") == 2
    escalation = next(
        e for e in store.alerts.list_alert_events(alert.id or 0) if e.kind == "escalated"
    )
    assert escalation.details["severity"] == [3, 6]


def test_alert_keeps_what_is_needed_to_replay_it(store: Store) -> None:
    manager = AlertManager(store)
    out = manager.process(signal(0, observed=42, baseline=7, threshold=21))
    alert = store.alerts.get_alert(out.alert.id if out.alert else 0)
    assert alert is not None
    assert (alert.detector, alert.version, alert.key) == ("volume", "1.2", "query:1")
    assert (alert.observed, alert.baseline, alert.threshold) == (42, 7, 21)
    assert alert.params == {"window": "5m", "z": 3.0}
    [opened] = store.alerts.list_alert_events(alert.id or 0)
    assert opened.kind == "opened"
    assert opened.details["signal"]["params"] == {"window": "5m", "z": 3.0}
    assert opened.details["signal"]["evidence"] == ["x:0"]


def test_a_gap_longer_than_the_merge_window_starts_a_new_alert(store: Store) -> None:
    manager = AlertManager(store, ManagerConfig(merge_window=timedelta(minutes=30)))
    first = manager.process(signal(0))
    second = manager.process(signal(45))
    assert (first.action, second.action) == ("opened", "opened")
    old = store.alerts.get_alert(first.alert.id if first.alert else 0)
    assert old is not None and (old.state, old.resolution) == ("resolved", "auto")


def test_states_open_acknowledged_resolved_with_who_and_when(store: Store) -> None:
    manager = AlertManager(store)
    alert = manager.process(signal(0)).alert
    assert alert is not None and alert.id is not None
    acked = manager.acknowledge(alert.id, "alice", at=T0 + timedelta(minutes=3))
    assert (acked.state, acked.acknowledged_by) == ("acknowledged", "alice")
    with pytest.raises(AlertStateError):
        manager.acknowledge(alert.id, "bob")
    done = manager.resolve(alert.id, "bob", at=T0 + timedelta(minutes=9), note="fixed")
    assert (done.state, done.resolved_by, done.resolution) == ("resolved", "bob", "manual")
    assert done.resolved_at == T0 + timedelta(minutes=9)
    with pytest.raises(AlertStateError):
        manager.resolve(alert.id, "bob")
    events = store.alerts.list_alert_events(alert.id)
    assert [(e.kind, e.actor) for e in events] == [
        ("opened", "system"),
        ("acknowledged", "alice"),
        ("resolved", "bob"),
    ]


def test_auto_resolve_after_quiet_time(store: Store) -> None:
    manager = AlertManager(store, ManagerConfig(quiet_time=timedelta(minutes=30)))
    manager.process(signal(0))
    manager.process(signal(10))
    assert manager.tick(T0 + timedelta(minutes=39)) == []
    [done] = manager.tick(T0 + timedelta(minutes=40))
    assert (done.state, done.resolved_by, done.resolution) == ("resolved", "auto", "auto")


def test_cooldown_suppresses_then_a_stronger_signal_reopens(store: Store) -> None:
    cfg = ManagerConfig(cooldown=timedelta(hours=1), quiet_time=timedelta(minutes=10))
    manager = AlertManager(store, cfg)
    alert = manager.process(signal(0, severity=5)).alert
    manager.tick(T0 + timedelta(minutes=10))
    assert manager.process(signal(20, severity=5)).action == "suppressed"
    again = manager.process(signal(25, severity=7))
    assert again.action == "reopened" and again.alert is not None
    assert again.alert.id == (alert.id if alert else None)
    assert (again.alert.state, again.alert.severity) == ("open", 7)
    assert again.alert.resolved_at is None
    # after the cooldown a new alert opens
    manager.tick(T0 + timedelta(minutes=35))
    assert manager.process(signal(100, severity=3)).action == "opened"
    assert len(store.alerts.list_alerts()) == 2


def test_another_detector_on_the_same_story_merges_by_evidence(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("fictel", "Fictel"))
    manager = AlertManager(store)
    ids = [f"x:{i}" for i in range(10)]
    manager.process(signal(0, evidence=ids, workspace_id=ws.id))
    out = manager.process(
        signal(2, detector="terms", key="term:panne", evidence=ids[3:], workspace_id=ws.id)
    )
    assert out.action == "merged"
    assert len(store.alerts.list_alerts()) == 1
    unrelated = manager.process(
        signal(3, detector="terms", key="term:promo", evidence=["x:99"], workspace_id=ws.id)
    )
    assert unrelated.action == "opened"


def test_a_story_does_not_vanish_into_the_alert_of_its_first_post(store: Store) -> None:
    """A watchlist trigger is about one post; three journalists relaying it is a story
    of its own, not a repeat of the first trigger."""
    ws = store.workspaces.upsert_workspace(Workspace("press", "Presse"))
    manager = AlertManager(store)
    first = manager.process(
        signal(0, detector="watchlist", key="author:x:cam|query:1", evidence=["x:root"],
               workspace_id=ws.id)
    )  # fmt: skip
    story = manager.process(
        signal(50, detector="convergence", key="thread:x:root",
               evidence=["x:root", "x:q1", "x:q2"], workspace_id=ws.id)
    )  # fmt: skip
    assert first.action == story.action == "opened"
    # the other way round, a listed post inside the story joins it
    later = manager.process(
        signal(60, detector="watchlist", key="author:x:alex|query:1", evidence=["x:q2"],
               workspace_id=ws.id)
    )  # fmt: skip
    assert later.action == "merged"
    assert later.alert is not None and story.alert is not None
    assert later.alert.id == story.alert.id


def test_false_alarms_raise_the_rule_threshold_true_alarms_lower_it(store: Store) -> None:
    cfg = ManagerConfig(quiet_time=timedelta(minutes=1), cooldown=timedelta(0))
    manager = AlertManager(store, cfg)
    first = manager.process(signal(0, observed=35, baseline=10, threshold=30)).alert
    assert first is not None and first.id is not None
    _, tuning = manager.feedback(first.id, False, "alice", note="bot noise")
    assert (tuning.multiplier, tuning.false_alarms) == (1.25, 1)
    assert manager.multiplier(None, "volume", "query:1") == 1.25
    manager.tick(T0 + timedelta(minutes=5))
    # needs 10 + 1.25 * 20 = 35: a 34 is filtered out, a 36 opens
    filtered = manager.process(signal(10, observed=34, baseline=10, threshold=30))
    assert filtered.action == "filtered" and filtered.alert is None
    opened = manager.process(signal(11, observed=36, baseline=10, threshold=30))
    assert opened.action == "opened" and opened.alert is not None
    assert opened.alert.multiplier == 1.25
    # the analyst changes their mind: the false-alarm step is undone, a true one applied
    alert, tuning = manager.feedback(first.id, True, "alice")
    assert alert.feedback is True
    assert (tuning.true_alarms, tuning.false_alarms) == (1, 0)
    assert tuning.multiplier == pytest.approx(0.9)
    kinds = [e.kind for e in store.alerts.list_alert_events(first.id)]
    assert kinds.count("feedback") == 2


def test_tuning_is_bounded(store: Store) -> None:
    cfg = ManagerConfig(cooldown=timedelta(0), max_multiplier=2.0, min_multiplier=0.8)
    manager = AlertManager(store, cfg)
    seen = []
    for i in range(6):  # six false alarms on one rule: 1.25**6 would be 3.8
        alert = manager.process(signal(i * 10, observed=1000)).alert
        assert alert is not None and alert.id is not None
        manager.resolve(alert.id, "bob", at=T0 + timedelta(minutes=i * 10 + 1))
        seen.append(manager.feedback(alert.id, False, "bob")[1].multiplier)
    assert seen == [1.25, 1.5625, 1.953125, 2.0, 2.0, 2.0]
    assert len(store.alerts.list_alerts()) == 6
    for i in range(6, 20):  # then many true alarms: down to the floor, no further
        alert = manager.process(signal(i * 10, observed=1000)).alert
        assert alert is not None and alert.id is not None
        manager.resolve(alert.id, "bob", at=T0 + timedelta(minutes=i * 10 + 1))
        manager.feedback(alert.id, True, "bob")
    assert manager.multiplier(None, "volume", "query:1") == 0.8


def test_provenance_is_attached_from_the_stored_mentions(store: Store) -> None:
    mentions = burst()
    store.mentions.add(mentions)
    manager = AlertManager(store)
    out = manager.process(signal(0, evidence=[m.id for m in mentions]))
    assert out.alert is not None
    stored = store.alerts.get_alert(out.alert.id or 0)
    assert stored is not None
    prov = stored.provenance
    assert prov["first_posts"][0]["id"] == "x:1"
    assert prov["amplifiers"][0]["author"] == "bignews"
    assert {h["kind"] for h in prov["coordination"]} == {"text", "link"}


def test_list_filters(store: Store) -> None:
    manager = AlertManager(store)
    a = manager.process(signal(0, key="query:1")).alert
    manager.process(signal(1, key="query:2"))
    assert a is not None and a.id is not None
    manager.resolve(a.id, "alice")
    assert [x.key for x in store.alerts.list_alerts(state="active")] == ["query:2"]
    assert [x.key for x in store.alerts.list_alerts(state="resolved")] == ["query:1"]
    assert [x.key for x in store.alerts.list_alerts()] == ["query:2", "query:1"]


def test_list_by_severity_puts_the_worst_first(store: Store) -> None:
    """A dashboard's open alerts: a press pickup (7) above a morning of one-post
    watchlist alerts (5), whatever came last."""
    manager = AlertManager(store)
    manager.process(signal(0, key="query:1", severity=5))
    manager.process(signal(1, detector="convergence", key="thread:x:1", severity=7))
    manager.process(signal(2, key="query:3", severity=5))
    manager.process(signal(3, key="query:4", severity=3))
    assert [x.key for x in store.alerts.list_alerts()] == [
        "query:4",
        "query:3",
        "thread:x:1",
        "query:1",
    ]
    by_severity = store.alerts.list_alerts(state="active", order="severity")
    assert [x.key for x in by_severity] == ["thread:x:1", "query:3", "query:1", "query:4"]
    with pytest.raises(ValueError, match="unknown order"):
        store.alerts.list_alerts(order="severity; DROP TABLE alerts")
