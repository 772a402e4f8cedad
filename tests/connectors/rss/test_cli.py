"""`socialhub collect --source NAME --once` and `socialhub sources` on a local feed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from socialhub import plugins
from socialhub.cli import sources_cmds
from socialhub.connectors.rss import RssConnector
from socialhub.store import open_store

from .server import Reply, serve
from .test_connector import rss


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    # the built-in hook registers "rss" once wired; the test does not depend on it
    known = plugins.connectors()
    monkeypatch.setattr(plugins, "connectors", lambda: {**known, "rss": RssConnector})
    cli = typer.Typer()
    cli.command("sources")(sources_cmds.sources)
    cli.command("collect")(sources_cmds.collect)
    return cli


def test_collect_once_then_sources(app: typer.Typer, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    with serve() as server:
        body = rss("a", "b").replace(b"{base}", server.url.encode())
        url = server.route("/feed.xml", Reply(200, body))
        server.route("/dead.xml", Reply(404))
        config = tmp_path / "hub.toml"
        config.write_text(
            f'[hub]\ndb = "{db}"\n\n[[source]]\ntype = "rss"\nname = "news-fr"\n'
            f'targets = [{{kind = "feed", value = "{url}"}},'
            f' {{kind = "feed", value = "{server.url}/dead.xml"}}]\n\n'
            '[[source]]\ntype = "demo"\nname = "demo"\n',
            encoding="utf-8",
        )
        runner = CliRunner()
        res = runner.invoke(app, ["collect", "--source", "news-fr", "--once",
                                  "--config", str(config), "--json"])  # fmt: skip
        assert res.exit_code == 0, res.output
        summary = json.loads(res.stdout)
        assert (summary["collected"], summary["inserted"]) == (2, 2)
        assert "skipped" in summary["statement"] and "dead.xml" in summary["statement"]
        again = runner.invoke(app, ["collect", "--source", "news-fr", "--once",
                                    "--config", str(config), "--json"])  # fmt: skip
        assert json.loads(again.stdout)["collected"] == 0  # the feed's items were seen
        listing = runner.invoke(app, ["sources", "--config", str(config), "--json"])
        unknown = runner.invoke(app, ["collect", "--source", "nope", "--once",
                                      "--config", str(config)])  # fmt: skip
    rows = {r["name"]: r for r in json.loads(listing.stdout)}
    assert rows["news-fr"]["items"] == 2 and rows["news-fr"]["status"] == "idle"
    assert rows["demo"]["status"] == "built-in"
    assert unknown.exit_code == 2 and "news-fr" in unknown.output
    store = open_store(db)
    try:
        assert store.sources.count_dead_letters("news-fr") == 0
        for guid in ("a", "b"):  # native ids: the hash of the guid, a permalink read
            ident = f"{server.url}/{guid}"  # relative to the feed, as feedparser does
            stored = store.mentions.get_mention(
                "news:" + hashlib.sha256(ident.encode()).hexdigest()[:32]
            )
            assert stored is not None and stored.kind == "article"
            assert stored.text == f"Article {guid}\n\nRésumé {guid}"
    finally:
        store.close()
