"""`socialhub backtest`: stored history replayed through the detectors says when a rule
would have fired, on the stream's clock, for one workspace only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.models import Query, Workspace
from socialhub.store import open_store

from .streams import T0, background, burst, expected_rate, merge


def test_backtest_finds_when_the_burst_would_have_fired(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    store = open_store(db)
    store.migrate()
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    other = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None and other.id is not None
    assert store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne OR reseau")).id == 1
    assert store.workspaces.upsert_query(Query(other.id, "Autre", "rien")).id == 2
    start = T0 + timedelta(days=1, hours=14)
    extra = 4 * expected_rate(start, 3.0)
    stream = merge(
        background(41, per_minute=3.0, duration=timedelta(days=1, hours=15)),
        burst(42, start=start, per_minute=extra, minutes=20),
        # the same burst in another workspace's query must not count here
        burst(43, start=start - timedelta(hours=6), per_minute=extra, minutes=20,
              query_ids=(2,), prefix="other"),
    )  # fmt: skip
    for i in range(0, len(stream), 2000):
        store.mentions.add(stream[i : i + 2000])
    store.close()

    result = CliRunner().invoke(
        app,
        ["backtest", "--workspace", "qos", "--since", T0.isoformat(),
         "--until", (T0 + timedelta(days=3)).isoformat(), "--rule", "volume:query:1",
         "--db", db, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    signals = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    rising = [s for s in signals if s["trend"] == "rising"]
    assert len(rising) == 1, signals
    fired = rising[0]
    assert fired["detector"] == "volume" and fired["key"] == "query:1"
    at = datetime.fromisoformat(fired["t"])
    assert start <= at <= start + timedelta(minutes=5)  # this seed: 2 min 47 s
    assert all(e.startswith("x:burst42-") or e.startswith("x:bg41-") for e in fired["evidence"])


def test_another_workspaces_routes_are_not_replayed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h2.db'}"
    store = open_store(db)
    store.migrate()
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    other = store.workspaces.upsert_workspace(Workspace("com", "Com"))
    assert ws.id is not None and other.id is not None
    mine = store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne")).id
    theirs = store.workspaces.upsert_query(Query(other.id, "Autre", "panne")).id
    start = T0 + timedelta(days=1, hours=14)
    # one stream routed to both workspaces' queries
    stream = merge(
        background(51, per_minute=3.0, duration=timedelta(days=1, hours=15),
                   query_ids=(mine or 0, theirs or 0)),
        burst(52, start=start, per_minute=50, minutes=20, query_ids=(mine or 0, theirs or 0)),
    )  # fmt: skip
    store.mentions.add(stream)
    store.close()
    result = CliRunner().invoke(
        app,
        ["backtest", "--workspace", "qos", "--since", T0.isoformat(),
         "--until", (T0 + timedelta(days=3)).isoformat(), "--db", db, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    keys = {json.loads(line)["key"] for line in result.stdout.splitlines() if line.strip()}
    assert f"query:{mine}" in keys
    assert not any(f"query:{theirs}" in key for key in keys), keys


def test_backtest_with_no_signal_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'quiet.db'}"
    store = open_store(db)
    store.migrate()
    store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    store.close()
    result = CliRunner().invoke(
        app, ["backtest", "--workspace", "qos", "--since", T0.isoformat(), "--db", db]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "0 signal(s) shown" in said
    assert "No signal: the workspace has no stored mention yet (see `socialhub import`)" in said


def test_an_empty_period_says_where_the_workspace_data_is(tmp_path: Path) -> None:
    """An imported archive (CrisisLex: 2013) replayed with the README's `--since 30d`
    read "no stored mention in it" and nothing more; now it names the data's span and
    the options that reach it, in the reader's language."""
    db = f"sqlite:///{tmp_path / 'old.db'}"
    store = open_store(db)
    store.migrate()
    ws = store.workspaces.upsert_workspace(Workspace("qos", "QoS"))
    assert ws.id is not None
    store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne OR reseau"))
    store.mentions.add(background(7, per_minute=1.0, duration=timedelta(hours=2)))
    store.close()
    args = ["backtest", "--workspace", "qos", "--since", "2026-06-01", "--db", db]
    result = CliRunner().invoke(app, args, env={"SOCIALHUB_LOCALE": "en"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "no stored mention in this period; its mentions run from 2026-03-02 00:0" in said
    assert "(try --since 2026-03-02 --until 2026-03-03)" in said
    french = CliRunner().invoke(app, args, env={"SOCIALHUB_LOCALE": "fr"})
    said = " ".join(french.stderr.split())
    assert "Aucun signal : l'espace de travail n'a aucune mention stockée" in said
    assert "(essayez --since 2026-03-02 --until 2026-03-03)" in said


def test_the_workspace_wide_signal_is_named_after_the_workspace(tmp_path: Path) -> None:
    """Boston (CrisisLexT26) read "workspace:1 : 18 mentions en 30 min": the
    workspace-wide volume signal carried its key, not the workspace's name."""
    db = f"sqlite:///{tmp_path / 'ws.db'}"
    store = open_store(db)
    store.migrate()
    ws = store.workspaces.upsert_workspace(Workspace("qos", "Qualité de service"))
    assert ws.id is not None
    store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne OR reseau"))
    start = T0 + timedelta(days=1, hours=14)
    stream = merge(
        background(41, per_minute=3.0, duration=timedelta(days=1, hours=15)),
        burst(42, start=start, per_minute=4 * expected_rate(start, 3.0), minutes=20),
    )
    for i in range(0, len(stream), 2000):
        store.mentions.add(stream[i : i + 2000])
    store.close()
    until = (T0 + timedelta(days=3)).isoformat()
    args = ["backtest", "--workspace", "qos", "--since", T0.isoformat(), "--until", until,
            "--rule", "volume:workspace", "--db", db]  # fmt: skip
    result = CliRunner().invoke(app, args, env={"SOCIALHUB_LOCALE": "en"})
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if "workspace:" in ln]
    assert lines, result.output
    assert all("  Qualité de service: " in ln for ln in lines), lines
    assert not any("workspace:1: " in ln for ln in lines), lines
