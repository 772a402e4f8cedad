"""The command line: --help everywhere, demo -> search round trip, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.store import open_store

runner = CliRunner()


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = [[]]
    import typer.main
    from typer import _click as click

    group = typer.main.get_command(app)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = group.get_command(ctx, name)  # type: ignore[attr-defined]
        paths.append([name])
        for sub in getattr(cmd, "commands", {}):
            paths.append([name, sub])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "root")
def test_every_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_demo_then_search(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    result = runner.invoke(
        app,
        [
            "demo",
            "--limit",
            "800",
            "--no-web",
            "--speed",
            "0",
            "--db",
            db,
            "--mode",
            "fast",
            "--ground-truth",
            str(tmp_path / "truth.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth  # the episodes' ground truth was written
    found = runner.invoke(
        app, ["search", "mirabelle OR #MirabelleDown", "--db", db, "--json", "--limit", "5"]
    )
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["count"] > 0 and len(data["items"]) == min(5, data["count"])
    assert all("mirabelle" in m["text"].lower() for m in data["items"])


def test_search_syntax_error_points_at_the_column(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["search", "mirabelle AND (panne", "--db", db])
    assert result.exit_code == 2
    assert "column" in result.output


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'u.db'}"
    first = runner.invoke(app, ["db", "upgrade", "--db", db, "--json"])
    second = runner.invoke(app, ["db", "upgrade", "--db", db, "--json"])
    assert first.exit_code == second.exit_code == 0
    assert json.loads(first.stdout)["applied_now"]
    assert json.loads(second.stdout)["applied_now"] == []


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telecom.toml"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def test_apply_then_export_round_trips(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    first = runner.invoke(app, ["apply", str(EXAMPLE), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["counts"]["workspace"]["created"] >= 1
    assert report["counts"]["query"]["created"] >= 5
    exported = tmp_path / "exported.toml"
    result = runner.invoke(app, ["export-config", "--db", db, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    # applying the export to the same database changes nothing
    again = runner.invoke(app, ["apply", str(exported), "--db", db, "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["changes"] == []


def test_apply_reports_a_bad_query_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[workspace]]\nslug = "w"\nname = "W"\n'
        '[[workspace.query]]\nname = "broken"\ndefinition = "mirabelle AND (panne"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["apply", str(bad), "--db", f"sqlite:///{tmp_path / 'b.db'}"])
    assert result.exit_code == 2
    assert "broken" in result.output and "column" in result.output


def test_import_routes_quarantines_and_is_idempotent(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'i.db'}"
    assert runner.invoke(app, ["apply", str(EXAMPLE), "--db", db]).exit_code == 0
    src = FIXTURES / "broken.csv"
    first = runner.invoke(app, ["import", str(src), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (
        report["read"]
        == report["inserted"]
        + report["updated"]
        + report["unchanged"]
        + report["duplicates"]
        + report["dropped"]
        + report["quarantined"]
    )
    assert report["quarantined"] > 0 and report["inserted"] > 0
    listed = runner.invoke(app, ["quarantine", "list", "--db", db, "--json"])
    assert listed.exit_code == 0, listed.output
    quarantined = json.loads(listed.stdout)
    assert quarantined["count"] == report["quarantined"]
    assert all(item["reason"] and item["raw"] is not None for item in quarantined["items"])
    second = runner.invoke(app, ["import", str(src), "--db", db, "--json"])
    again = json.loads(second.stdout)
    # the same records again: skipped as unchanged (same raw hash), never duplicated
    assert again["inserted"] == again["updated"] == 0
    assert again["unchanged"] == report["inserted"]
    store = open_store(db)
    try:
        assert store.mentions.count() == report["inserted"]
    finally:
        store.close()


def test_import_with_column_mapping_routes_to_queries(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    assert runner.invoke(app, ["apply", str(EXAMPLE), "--db", db]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "import",
            str(FIXTURES / "mapped.csv"),
            "--db",
            db,
            "--json",
            "--map",
            "text=message",
            "--map",
            "created_at=date",
            "--map",
            "author=user",
            "--map",
            "platform=network",
            "--map",
            "id=post",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inserted"] > 0
    found = runner.invoke(app, ["search", "mirabelle", "--db", db, "--json", "--limit", "50"])
    items = json.loads(found.stdout)["items"]
    assert items and all(m["query_ids"] for m in items)


def test_import_bad_mapping_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "import",
            str(FIXTURES / "mapped.csv"),
            "--map",
            "text",
            "--db",
            f"sqlite:///{tmp_path / 'e.db'}",
        ],
    )
    assert result.exit_code == 2
    assert "FIELD=COLUMN" in result.output


def test_import_reports_coverage_per_query_and_warns_when_handles_are_stripped(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    cfg = tmp_path / "ws.toml"
    cfg.write_text(
        '[[workspace]]\nslug = "acme"\nname = "Acme"\n'
        '[[workspace.query]]\nname = "Acme brand"\ndefinition = "acme OR @AcmeHelp"\n',
        encoding="utf-8",
    )
    assert runner.invoke(app, ["apply", str(cfg), "--db", db]).exit_code == 0
    # an export that stripped the @handles: most posts were replies to @AcmeHelp
    rows = [
        {
            "id": str(i),
            "text": f"toujours pas de réseau depuis {i} heures",
            "created_at": "2026-03-02T10:00:00Z",
            "author": f"u{i}",
        }
        for i in range(30)
    ]
    rows += [{"id": str(100 + i), "text": "acme répond enfin", "created_at": "2026-03-02T11:00:00Z",
              "author": f"v{i}"} for i in range(5)]  # fmt: skip
    src = tmp_path / "stripped.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["import", str(src), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    coverage = json.loads(result.stdout)["coverage"]
    assert coverage["mentions"] == 35 and coverage["routed"] == 5
    assert coverage["per_query"] == [
        {"query_id": 1, "query": "Acme brand", "mentions": 5, "share": round(5 / 35, 4)}
    ]
    said = " ".join(result.stderr.split())
    assert "only 14.3 % of the mentions matched a query" in said
    assert "may have stripped the handles" in said
    fresh = f"sqlite:///{tmp_path / 'c2.db'}"  # a re-import of the same rows routes nothing new
    assert runner.invoke(app, ["apply", str(cfg), "--db", fresh]).exit_code == 0
    plain = runner.invoke(app, ["import", str(src), "--db", fresh])
    assert "routed to a query: 5 of 35 (14.3 %)" in plain.stdout
    assert "Acme brand: 5 (14.3 %)" in plain.stdout
