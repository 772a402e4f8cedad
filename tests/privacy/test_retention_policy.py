"""Retention per workspace and per source kind, on both stores: what is due goes (with
its index entries and rollup counts), nothing held goes, a post another workspace still
keeps stays there; the scheduler runs the policies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.models import Author, Mention, Query, Workspace
from socialhub.privacy.retention import Policy, RetentionJob, run_policies
from socialhub.reports.scheduler import Scheduler
from socialhub.store import open_store
from socialhub.store.base import Store
from socialhub.store.legal import Case, CaseItem, LegalRepo

from .helpers import rollups_exact

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _m(n: int, platform: str, age_days: int, text: str, queries: list[int]) -> Mention:
    return Mention(
        platform=platform,
        native_id=str(n),
        text=text,
        created_at=NOW - timedelta(days=age_days),
        author=Author(platform, f"a{n}", handle=f"auteur{n}"),
        query_ids=queries,
    )


def _setup(store: Store) -> tuple[int, int, int]:
    acme = store.workspaces.upsert_workspace(Workspace(slug="acme", name="Acme"))
    qos = store.workspaces.upsert_workspace(Workspace(slug="qos", name="QoS"))
    assert acme.id is not None and qos.id is not None
    qa = store.workspaces.upsert_query(Query(acme.id, "marque", "acme"))
    qq = store.workspaces.upsert_query(Query(qos.id, "pannes", "panne"))
    assert qa.id is not None and qq.id is not None
    store.mentions.add(
        [
            _m(1, "x", 40, "acme vieux post frobnicateur", [qa.id]),
            _m(2, "x", 10, "acme post récent", [qa.id]),
            _m(3, "rss", 10, "acme article de dix jours", [qa.id]),
            _m(4, "rss", 3, "acme article de trois jours", [qa.id]),
            _m(5, "x", 50, "acme diffamation conservée", [qa.id]),
            _m(6, "x", 45, "acme panne ancienne partagée", [qa.id, qq.id]),
        ]
    )
    store.workspaces.set_workspace_setting(
        acme.id, "retention", {"days": 30, "platforms": {"rss": 7}}
    )
    legal = LegalRepo(store)
    case = legal.add_case(Case(acme.id, "Diffamation", "defamation"))
    assert case.id is not None
    legal.add_item(CaseItem(case.id, "mention", "x:5", NOW))
    return acme.id, qos.id, case.id


def test_policy_drops_what_is_due_and_nothing_held(store: Store) -> None:
    acme, qos, case = _setup(store)
    runs = run_policies(store, NOW)
    assert [r.workspace for r in runs] == ["acme"]
    assert [(h.item_id, h.reason) for h in runs[0].held] == [("x:5", "defamation")]
    assert runs[0].mentions == 2  # x:1 and rss:3; x:6 stays for the QoS workspace
    for gone in ("x:1", "rss:3"):
        assert store.mentions.get_mention(gone) is None
    for kept in ("x:2", "rss:4", "x:5", "x:6"):
        assert store.mentions.get_mention(kept) is not None
    assert store.mentions.count(None, workspace_id=acme) == 3  # x:2, rss:4, x:5
    assert store.mentions.count(None, workspace_id=qos) == 1  # x:6
    assert store.mentions.count("frobnicateur") == 0
    rollups_exact(store)
    events = LegalRepo(store).hold_events(case)
    assert [(i, a) for i, a, _, _ in events] == [("x:5", "retention")]
    # Running again finds nothing new to drop.
    assert run_policies(store, NOW)[0].mentions == 0


def test_scheduler_runs_the_retention_job(store: Store) -> None:
    _setup(store)
    job = RetentionJob(store)
    Scheduler(store, None, clock=lambda: NOW, jobs=[job]).run_due()
    assert store.mentions.get_mention("x:1") is None
    assert job.last == NOW


def test_policy_validation() -> None:
    assert Policy.from_setting(None) is None
    assert Policy.from_setting({"days": 3}) == Policy(3, {})
    for bad in ({"days": 0}, {"days": "3"}, {"platforms": {"x": -1}}, {"keep": 1}, [1]):
        with pytest.raises(ValueError):
            Policy.from_setting(bad)


def test_cli_sets_and_runs_retention_and_erases(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    runner = CliRunner()
    store = open_store(db)
    store.migrate()
    try:
        _setup(store)
    finally:
        store.close()
    done = runner.invoke(app, ["privacy", "retention", "set", "acme", "--days", "20",
                               "--platform", "rss=5", "--db", db])  # fmt: skip
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["privacy", "retention", "run", "--db", db, "--json"])
    assert done.exit_code == 0, done.output
    (run,) = json.loads(done.output)
    assert run["workspace"] == "acme" and run["held"][0]["reason"] == "defamation"
    # x:5 is held whatever today's date: retention and erasure both keep it.
    done = runner.invoke(app, ["privacy", "export", "auteur5", "--db", db])
    assert done.exit_code == 0 and json.loads(done.output)["mentions"][0]["id"] == "x:5"
    done = runner.invoke(app, ["privacy", "erase", "auteur5", "--yes", "--json", "--db", db])
    assert done.exit_code == 0, done.output
    erased = json.loads(done.output)
    assert erased["mentions"] == 0 and erased["held"][0]["item"] == "x:5"
    done = runner.invoke(app, ["privacy", "retention", "set", "nope", "--days", "3", "--db", db])
    assert done.exit_code != 0 and "no workspace" in done.output


def test_monthly_retention_keeps_held_items(store: Store) -> None:
    """`socialhub db retention` (whole months; partition drops on PostgreSQL) keeps
    what a legal hold protects, with its routes and exact rollup counts."""
    from socialhub.store.retention import apply_retention

    _, _, case = _setup(store)
    cutoff = datetime(2026, 12, 1, tzinfo=UTC)  # drops October and November
    dry = apply_retention(store, cutoff, dry_run=True)
    assert [h.split(" ")[0] for h in dry.held] == ["x:5"] and dry.mentions == 4
    done = apply_retention(store, cutoff)
    assert done.mentions == 4 and [h.split(" ")[0] for h in done.held] == ["x:5"]
    assert "defamation" in done.held[0]
    assert store.mentions.get_mention("x:5") is not None
    for gone in ("x:1", "x:6", "x:2", "rss:3"):  # created before December
        assert store.mentions.get_mention(gone) is None
    assert store.mentions.count("diffamation") == 1 and store.mentions.count("frobnicateur") == 0
    rollups_exact(store)
    assert [(i, a) for i, a, _, _ in LegalRepo(store).hold_events(case)] == [("x:5", "retention")]
    # Held rows survive a second pass too, and new rows of that month still write.
    assert apply_retention(store, cutoff).mentions == 0
    assert store.mentions.get_mention("x:5") is not None


def test_retention_setting_is_checked_by_socialhub_apply() -> None:
    from socialhub.config.load import ConfigError, parse_config

    head = '[[workspace]]\nslug = "acme"\nname = "Acme"\n[workspace.settings]\n'
    good = parse_config(head + "retention = {days = 30, platforms = {x = 7}}\n")
    assert good.workspaces[0].settings["retention"] == {"days": 30, "platforms": {"x": 7}}
    with pytest.raises(ConfigError, match="retention"):
        parse_config(head + "retention = {days = 0}\n")
