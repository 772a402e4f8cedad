"""The alerts CLI on a SQLite file (the sub-app alone; the main app registers it)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from socialhub.alerts.manager import AlertManager
from socialhub.cli.alerts_cmds import app
from socialhub.store.sqlite import SqliteStore

from .helpers import burst, signal


def test_list_show_ack_resolve_feedback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = SqliteStore(url)
    store.migrate()
    store.mentions.add(burst())
    alert = AlertManager(store).process(signal(0, evidence=[m.id for m in burst()])).alert
    store.close()
    assert alert is not None
    run = CliRunner().invoke
    db = ["--db", url]

    listed = run(app, ["list", "--json", *db])
    assert listed.exit_code == 0, listed.output
    assert [a["id"] for a in json.loads(listed.stdout)] == [alert.id]
    worst = run(app, ["list", "--json", "--order", "severity", "--state", "active", *db])
    assert [a["id"] for a in json.loads(worst.stdout)] == [alert.id]
    assert run(app, ["list", "--order", "loudest", *db]).exit_code == 2

    shown = run(app, ["show", str(alert.id), *db])
    assert shown.exit_code == 0, shown.output
    assert "Observed: 50 vs baseline 10" in shown.stdout and "@zero" in shown.stdout

    acked = run(app, ["ack", str(alert.id), "--user", "alice", "--json", *db])
    assert json.loads(acked.stdout)["acknowledged_by"] == "alice"
    again = run(app, ["ack", str(alert.id), *db])
    assert again.exit_code == 1

    fb = run(app, ["feedback", str(alert.id), "--false-alarm", "--json", *db])
    data = json.loads(fb.stdout)
    assert (data["feedback"], data["multiplier"]) == (False, 1.25)

    done = run(app, ["resolve", str(alert.id), "--user", "bob", *db])
    assert done.exit_code == 0 and "resolved" in done.stdout
    events = json.loads(run(app, ["show", str(alert.id), "--json", *db]).stdout)["events"]
    assert [e["kind"] for e in events] == ["opened", "acknowledged", "feedback", "resolved"]
    assert run(app, ["show", "999", *db]).exit_code == 1


def test_human_output_follows_the_locale_and_json_does_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = SqliteStore(url)
    store.migrate()
    sig = dataclasses.replace(
        signal(0),
        detector="complaints",
        title="network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)",
    )
    alert = AlertManager(store).process(sig).alert
    store.close()
    assert alert is not None
    run = CliRunner().invoke
    db = ["--db", url]
    fr = run(app, ["show", str(alert.id), *db], env={"SOCIALHUB_LOCALE": "fr"})
    assert fr.exit_code == 0, fr.output
    assert "Réclamations « panne réseau » partout" in fr.stdout and "Historique :" in fr.stdout
    assert "Gravité : 5/10 (avertissement)" in fr.stdout
    en = run(app, ["show", str(alert.id), *db], env={"SOCIALHUB_LOCALE": "", "LANG": "C.UTF-8"})
    assert "network outage complaints everywhere" in en.stdout and "Severity: 5/10" in en.stdout
    fr_lang = run(app, ["list", *db], env={"SOCIALHUB_LOCALE": "", "LANG": "fr_FR.UTF-8"})
    assert "Réclamations" in fr_lang.stdout and "ouverte" in fr_lang.stdout
    as_json = run(app, ["list", "--json", *db], env={"SOCIALHUB_LOCALE": "fr"})
    assert json.loads(as_json.stdout)[0]["title"] == sig.title  # machine output unchanged


def test_show_without_an_id_explains_the_most_important_alert(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    store = SqliteStore(url)
    store.migrate()
    run = CliRunner().invoke
    db = ["--db", url]
    empty = run(app, ["show", *db])
    assert empty.exit_code == 0 and "no alert yet" in empty.stdout  # an answer, not an error
    assert json.loads(run(app, ["show", "--json", *db]).stdout) is None
    store.mentions.add(burst())
    evidence = [m.id for m in burst()]
    manager = AlertManager(store)
    half = len(evidence) // 2
    low = manager.process(signal(0, evidence=evidence[:half])).alert
    high = manager.process(signal(0, key="query:2", evidence=evidence[half:])).alert
    assert low is not None and high is not None and low.id is not None and high.id is not None
    assert low.id != high.id
    for alert, importance in ((low, 10.0), (high, 60.0)):
        alert.importance = importance
        store.alerts.save_alert(alert)
    store.close()
    shown = json.loads(run(app, ["show", "--json", *db]).stdout)
    assert shown["alert"]["id"] == high.id
