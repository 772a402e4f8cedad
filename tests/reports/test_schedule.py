"""Slots in the workspace's time zone, across daylight-saving changes, and the
scheduler's persisted mark across a DST night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from socialhub.records.reports import Report
from socialhub.reports.schedule import (
    Schedule,
    previous_slot,
    schedules_from_setting,
    slots_between,
    validate_reports,
)
from socialhub.reports.scheduler import Scheduler
from socialhub.store.base import Store

from .helpers import setup_workspace

PARIS = "Europe/Paris"
TWICE = ["08:00", "17:00"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_spring_forward_night_is_14_hours_and_slots_stay_at_local_time() -> None:
    # Sunday 29 March 2026, 02:00 CET -> 03:00 CEST
    slots = slots_between(utc(2026, 3, 28, 0), utc(2026, 3, 30, 0), TWICE, PARIS)
    assert slots == [utc(2026, 3, 28, 7), utc(2026, 3, 28, 16), utc(2026, 3, 29, 6),
                     utc(2026, 3, 29, 15)]  # fmt: skip
    assert slots[2] - slots[1] == timedelta(hours=14)


def test_fall_back_night_is_16_hours() -> None:
    # Sunday 25 October 2026, 03:00 CEST -> 02:00 CET
    slots = slots_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12), TWICE, PARIS)
    assert slots == [utc(2026, 10, 24, 15), utc(2026, 10, 25, 7)]
    assert slots[1] - slots[0] == timedelta(hours=16)


def test_missing_and_repeated_wall_clock_times_run_once() -> None:
    spring = slots_between(utc(2026, 3, 28, 0), utc(2026, 3, 31, 0), ["02:30"], PARIS)
    # 02:30 does not exist on the 29th: run at 03:30 CEST (= 01:30 UTC), once
    assert spring == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    autumn = slots_between(utc(2026, 10, 24, 0), utc(2026, 10, 27, 0), ["02:30"], PARIS)
    # 02:30 happens twice on the 25th: the first one (CEST), once
    assert autumn == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_weekly_schedule_and_previous_slot() -> None:
    weekly = Schedule.from_dict({"name": "concurrents", "kind": "competitors"})
    assert weekly.times == ["08:00"] and weekly.weekdays == [0]
    # Wednesday 4 March 2026 -> Monday 2 March, 08:00 Paris
    assert weekly.previous_slot(utc(2026, 3, 4, 12), PARIS) == utc(2026, 3, 2, 7)
    assert previous_slot(utc(2026, 3, 2, 7), TWICE, PARIS) == utc(2026, 3, 2, 7)  # inclusive


def test_settings_are_validated() -> None:
    assert schedules_from_setting(None)[0].times == TWICE  # the default digest
    problems = validate_reports(
        [{"name": "a", "times": ["8h"], "recipients": ["nobody"], "kind": "crisis", "x": 1}]
    )
    assert len(problems) == 4 and any("8h" in p for p in problems)
    with pytest.raises(ValueError):
        schedules_from_setting([{"name": "a"}, {"name": "a"}])


def test_scheduler_across_the_dst_night_tiles_periods(store: Store) -> None:
    w = setup_workspace(store)
    assert w.ws.id is not None
    store.workspaces.set_workspace_setting(w.ws.id, "reports", [{"name": "presse", "pdf": False}])
    scheduler = Scheduler(store)  # no recipients: archived only
    assert scheduler.run_due(utc(2026, 3, 28, 16, 30)) == []  # mark: Sat 17:00 Paris
    assert store.reports.get_schedule_state(w.ws.id, "presse") == utc(2026, 3, 28, 16)
    outcomes = scheduler.run_due(utc(2026, 3, 29, 15, 5))
    assert [(o.slot, o.status) for o in outcomes] == [
        (utc(2026, 3, 29, 6), "built"),
        (utc(2026, 3, 29, 15), "built"),
    ]
    reports = sorted(store.reports.list_reports(workspace_id=w.ws.id), key=lambda r: r.period_end)
    assert [(r.period_start, r.period_end) for r in reports] == [
        (utc(2026, 3, 28, 16), utc(2026, 3, 29, 6)),  # 14 hours: the clocks went forward
        (utc(2026, 3, 29, 6), utc(2026, 3, 29, 15)),
    ]
    assert store.reports.get_schedule_state(w.ws.id, "presse") == utc(2026, 3, 29, 15)
    # the mark never moves back; a claimed slot is found, not duplicated
    store.reports.set_schedule_state(w.ws.id, "presse", utc(2026, 3, 1))
    assert store.reports.get_schedule_state(w.ws.id, "presse") == utc(2026, 3, 29, 15)
    again, created = store.reports.claim_report(
        Report(w.ws.id, "digest", utc(2026, 3, 29, 6), utc(2026, 3, 29, 15), "x", schedule="presse")
    )
    assert not created and again.id == reports[1].id and again.html
    full = store.reports.get_report(reports[1].id or 0)
    assert full is not None and "Revue de presse" in full.html and full.pdf is None
