"""`socialhub enrich`: every input line comes out, in order, enriched or with an error."""

from __future__ import annotations

import io
import json
import socket
from typing import Any

import pytest
from typer.testing import CliRunner

from socialhub.cli.enrich_cmd import enrich_stream
from socialhub.cli.main import app
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import DEFAULT_ENRICHERS, Pipeline

LINES = [
    {
        "id": "1",
        "text": "Toujours pas de réseau chez Mirabelle à Lyon depuis 3 jours #MirabelleDown",
    },
    "not json at all",
    {"id": "2"},
    [1, 2],
    {"id": "3", "text": "", "lang": "fr"},
    {"id": "4", "text": "\x00\ufffd" * 10 + "😀" * 50},
    {"id": "5", "text": "Great service from the support team, thanks!", "lang": "en"},
    {"id": "6", "text": "mot " * 25_000},
]


def _input() -> bytes:
    out = [json.dumps(x) if not isinstance(x, str) else x for x in LINES]
    return ("\n".join(out) + "\n").encode()


def test_every_line_comes_back_in_order() -> None:
    result = CliRunner().invoke(app, ["enrich", "--sentiment-mode", "fast"], input=_input())
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(LINES)
    assert [r.get("id") for r in rows] == ["1", None, "2", None, "3", "4", "5", "6"]
    errors = [r for r in rows if "error" in r]
    assert len(errors) == 3 and all(r["error"].startswith("line ") for r in errors)
    assert rows[1]["raw"] == "not json at all"
    first = rows[0]
    assert first["lang"] == "fr"
    for key in ("sentiment", "entities", "keyphrases", "categories", "places"):
        assert key in first
    assert any("mirabelle" in k.lower() for k in first["keyphrases"])
    assert rows[6]["lang"] == "en"


def test_the_whole_chain_runs_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network access attempted at run time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    # pseudonymise switches itself off without its key (a secret, not a download).
    skip = ("dedup", "route", "relevance", "pseudonymise")
    order = {k: v for k, v in DEFAULT_ENRICHERS.items() if k not in skip}
    pipeline = Pipeline.from_settings(Context(None, {"sentiment_mode": "accurate"}), order)
    sink = io.BytesIO()
    try:
        counts = enrich_stream(io.BytesIO(_input()), sink, pipeline, batch_size=4)
    finally:
        pipeline.close()
    assert counts == {"read": 8, "enriched": 5, "errors": 3}
    disabled = [k for k in pipeline.stats.counters if k.startswith("disabled.")]
    assert disabled == [], disabled  # no stage switched itself off for lack of a download
