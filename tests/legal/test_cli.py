"""`socialhub legal ...` end to end on SQLite: open a case, note, update, capture
through the guard, export, verify, and a tampered bundle failing verify by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialhub.cli.main import app
from socialhub.legal.bundle import read_member, rewrite_member
from socialhub.store import open_store

from .helpers import PIXEL, Site, page, serve, world_with_post


def test_legal_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    run = CliRunner()
    monkeypatch.setenv("SOCIALHUB_EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.delenv("SOCIALHUB_FETCH_ALLOW", raising=False)
    with serve(Site()) as site:
        site.routes["/p"] = (200, {"Content-Type": "text/html"}, page("Billet"))
        site.routes["/pixel.png"] = (200, {"Content-Type": "image/png"}, PIXEL)
        store = open_store(db)
        store.migrate()
        try:
            world_with_post(store, f"{site.base}/p")
        finally:
            store.close()

        def ok(*args: str) -> str:
            done = run.invoke(app, [*args, "--db", db])
            assert done.exit_code == 0, done.output
            return done.output

        opened = json.loads(ok("legal", "open", "com", "x:77", "--reason", "threat",
                               "--title", "Menaces", "--by", "ana", "--json"))  # fmt: skip
        case = str(opened["id"])
        ok("legal", "note", case, "Huissier prévenu", "--by", "juriste")
        ok("legal", "update", case, "--status", "investigating", "--owner", "juriste")
        # Without the allowance, the local page is loopback: refused, exit 1.
        refused = run.invoke(app, ["legal", "capture", case, "--no-browser", "--db", db])
        assert refused.exit_code == 1 and "refused" in refused.output
        monkeypatch.setenv("SOCIALHUB_FETCH_ALLOW", site.allow)
        assert "warc: ok" in ok("legal", "capture", case, "--no-browser")
    shown = json.loads(ok("legal", "show", case, "--json", "--by", "juriste"))
    assert shown["case"]["status"] == "investigating" and shown["custody_ok"]
    assert [c["status"] for c in shown["captures"]] == ["refused", "ok"]
    listed = json.loads(ok("legal", "list", "--json"))
    assert listed[0]["items"] == 1 and listed[0]["reason"] == "threat"
    bundle = tmp_path / "case.zip"
    ok("legal", "export", case, "-o", str(bundle), "--lang", "fr")
    done = run.invoke(app, ["legal", "verify", str(bundle)])
    assert done.exit_code == 0 and "OK" in done.output
    data = bytearray(read_member(bundle, "case.json"))
    data[10] ^= 0x20
    rewrite_member(bundle, "case.json", bytes(data))
    done = run.invoke(app, ["legal", "verify", str(bundle)])
    assert done.exit_code == 1 and "case.json: altered" in done.output
