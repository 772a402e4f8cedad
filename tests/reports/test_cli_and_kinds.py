"""`socialhub report` and `socialhub scheduler` from the shell; the competitor and
crisis reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from alerts.servers import smtp_server  # the shared SMTP test server
from socialhub.cli.report_cmd import report, scheduler
from socialhub.records.alerts import Alert, AlertEvent
from socialhub.reports.build import build
from socialhub.store.sqlite import SqliteStore

from .helpers import PERIOD, World, hours, mention, setup_workspace

START, END = PERIOD


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report)
    app.command("scheduler")(scheduler)
    return app


def _fill(store: SqliteStore, w: World) -> None:
    b, az = w.brand.id, w.azurel.id
    assert b and az
    store.mentions.add(
        [mention(f"b{i}", f"Fictel panne {i}", START + hours(i / 4), f"user{i}", [b],
                 likes=i, sentiment="negative" if i % 2 else "positive") for i in range(20)]
        + [mention(f"a{i}", "Azurel lance sa box", START + hours(3 + i / 30), f"fan{i}", [az],
                   keyphrases=["box Azurel"], likes=2) for i in range(10)]
        + [mention("off1", "Nous rétablissons le service, merci de votre patience",
                   START + hours(4), "hmarc", [b])]
    )  # fmt: skip


def test_report_command_writes_html_pdf_json_and_sends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    store = SqliteStore(db)
    store.migrate()
    _fill(store, setup_workspace(store))
    store.close()
    runner = CliRunner()
    with smtp_server() as (port, box):
        monkeypatch.setenv("SOCIALHUB_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SOCIALHUB_SMTP_PORT", str(port))
        monkeypatch.setenv("SOCIALHUB_SMTP_SECURITY", "none")
        monkeypatch.setenv("SOCIALHUB_SMTP_FROM", "hub@fictel.example")
        result = runner.invoke(
            _app(),
            ["report", "digest", "--workspace", "fictel", "--since", START.isoformat(),
             "--until", END.isoformat(), "--html", str(tmp_path / "d.html"),
             "--pdf", str(tmp_path / "d.pdf"), "--send", "--to", "a@fictel.example",
             "--db", db, "--json"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["delivery"] == "sent" and out["report"]["status"] == "sent"
    assert out["data"]["figures"]["current"]["volume"] == 31
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF-")
    assert "Revue de presse" in (tmp_path / "d.html").read_text(encoding="utf-8")
    [msg] = box.messages()
    assert msg["To"] == "a@fictel.example"
    store = SqliteStore(db)
    [archived] = store.reports.list_reports()
    assert archived.status == "sent" and archived.schedule == ""
    store.close()
    # the scheduler from the shell: first run sets the marks
    result = runner.invoke(_app(), ["scheduler", "--once", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_competitor_report_compares_share_engagement_and_finds_the_launch(
    sqlite_store: SqliteStore,
) -> None:
    w = setup_workspace(sqlite_store)
    _fill(sqlite_store, w)
    built = build(sqlite_store, w.ws, "competitors", START, END, pdf=False)
    rows = {r["label"]: r for r in built.data["rows"]}
    assert set(rows) == {"Fictel Télécom", "Azurel"}
    assert rows["Azurel"]["volume"] == 10 and rows["Fictel Télécom"]["volume"] == 21
    assert rows["Azurel"]["share"] == pytest.approx(32.3)
    assert rows["Azurel"]["engagement_per_post"] == 2.0
    # every player's peaks are listed (ours too), each against its own previous period
    [moment] = [m for m in built.data["moments"] if m["competitor"] == "Azurel"]
    assert moment["count"] == 10
    assert moment["phrases"] == ["box Azurel"]
    assert "Part de voix" in built.html


def test_crisis_report_from_an_alert(sqlite_store: SqliteStore) -> None:
    w = setup_workspace(sqlite_store)
    _fill(sqlite_store, w)
    assert w.ws.id and w.brand.id
    alert = sqlite_store.alerts.save_alert(
        Alert(
            rule=f"{w.ws.id}|volume|query:{w.brand.id}",
            detector="volume",
            version="1",
            key=f"query:{w.brand.id}",
            title="Panne : pic de plaintes",
            severity=8,
            first_t=START + hours(1),
            last_t=START + hours(3),
            observed=12,
            baseline=2,
            threshold=6,
            score=6,
            workspace_id=w.ws.id,
            query_id=w.brand.id,
            state="resolved",
            resolved_by="alice",
            resolved_at=START + hours(5),
            evidence=["x:b4", "x:b5"],
        )
    )
    assert alert.id is not None
    sqlite_store.alerts.add_alert_event(
        AlertEvent(alert.id, "acknowledged", START + hours(2), "bruno")
    )
    built = build(sqlite_store, w.ws, "crisis", None, None, alert_id=alert.id, pdf=False)
    data = built.data
    assert data["volume_total"] == 21  # the brand query's posts in the window
    kinds = [e["what"] for e in data["timeline"]]
    assert kinds[0] == "first_post" and "acknowledged" in kinds and "peak" in kinds
    assert data["timeline"][0]["detail"]["id"] == "x:b0"
    assert data["provenance"]["total"] == 21
    assert [a["id"] for a in data["answers"]] == ["x:off1"]  # the executive answered
    assert sum(data["curves"]["volume"]) == 21
    assert "Rapport de crise" in built.html and "bruno" in built.html
