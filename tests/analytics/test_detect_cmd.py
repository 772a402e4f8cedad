"""`socialhub detect`: replay a JSONL stream on its own clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import typer
from typer.testing import CliRunner

from socialhub.cli.detect_cmd import detect
from socialhub.models import Author, Mention
from socialhub.serialize import mention_to_json

from .streams import T0, background, burst, merge

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["box", "fibre", "prix", "forfait", "appli", "boutique", "panne"]  # some outages


def app() -> typer.Typer:
    a = typer.Typer()
    a.command("detect")(detect)
    a.command("noop")(lambda: None)  # two commands: typer keeps "detect" as a subcommand
    return a


def write_stream(path: Path) -> Path:
    start = T0 + timedelta(hours=14)
    stream = merge(
        background(101, per_minute=3, duration=timedelta(hours=16)),
        burst(102, start=start, per_minute=40, minutes=10),
    )
    lines = []
    for i, m in enumerate(stream):
        if i % 50 == 0:  # some lines are full mentions as socialhub.serialize writes them
            m.query_ids = []
            lines.append(mention_to_json(m, include_raw=False))
        else:
            plain = {"id": m.native_id, "text": m.text, "created_at": m.created_at.isoformat()}
            lines.append(orjson.dumps(plain))
    lines.insert(10, b"{not json")
    lines.insert(20, b'{"id": "x", "text": "no time"}')
    path.write_bytes(b"\n".join(reversed(lines)) + b"\n")  # out of order on purpose
    return path


def test_detect_json_prints_each_signal_with_its_stream_time(tmp_path: Path) -> None:
    path = write_stream(tmp_path / "stream.jsonl")
    cfg = tmp_path / "detect.toml"
    cfg.write_text('only = ["volume"]\n[detectors.volume]\nz = 5.5\n', encoding="utf-8")
    res = CliRunner().invoke(app(), ["detect", "--input", str(path), "--config", str(cfg),
                                     "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    sigs = orjson.loads(res.stdout)  # a JSON array
    rising = [s for s in sigs if s["trend"] == "rising"]
    assert len(rising) == 1 and rising[0]["key"] == "query:0"
    start = T0 + timedelta(hours=14)
    assert start.isoformat() <= rising[0]["t"] <= (start + timedelta(seconds=60)).isoformat()
    assert "2 line(s) skipped" in res.stderr


def test_detect_routes_to_the_configured_queries(tmp_path: Path) -> None:
    start = T0 + timedelta(hours=14)
    stream = merge(
        background(111, per_minute=2, duration=timedelta(hours=16),
                   text=lambda rng: f"mirabelle {rng.choice(WORDS)}"),
        burst(112, start=start, per_minute=30, minutes=10, text="panne mirabelle à Lyon"),
    )  # fmt: skip
    path = tmp_path / "s.jsonl"
    path.write_bytes(
        b"\n".join(
            orjson.dumps(
                {"id": m.native_id, "text": m.text, "created_at": m.created_at.isoformat()}
            )
            for m in stream
        )
    )
    res = CliRunner().invoke(
        app(), ["detect", "-i", str(path), "--queries", str(ROOT / "examples" / "telecom.toml")]
    )
    assert res.exit_code == 0, res.output
    assert f"{len(stream)} mentions replayed" in res.stderr
    rising = [line for line in res.stdout.splitlines() if " rising " in line]
    # query 5 of examples/telecom.toml is "Pannes et réclamations" (workspace 1)
    assert any("query:5  Pannes et réclamations:" in line for line in rising), res.stdout
    assert all(line.startswith("2026-03-02 14:0") for line in rising), rising


def test_detect_tags_watchlists_so_a_press_pickup_is_replayed(tmp_path: Path) -> None:
    """Authors get the configuration's watchlists as in the hub: three listed
    journalists relaying one post about the brand fire the convergence detector."""
    start = T0 + timedelta(hours=10)
    posts = []
    for i, handle in enumerate(("camroussel", "jaubertin", "ines_bm")):
        m = Mention("x", f"p{i}", "Mirabelle : la panne géante expliquée",
                    start + timedelta(minutes=20 * i), author=Author("x", handle, handle),
                    kind="quote" if i else "post", quote_of="x:p0" if i else None)  # fmt: skip
        posts.append(mention_to_json(m, include_raw=False))
    path = tmp_path / "press.jsonl"
    path.write_bytes(b"\n".join(posts) + b"\n")
    res = CliRunner().invoke(
        app(),
        ["detect", "-i", str(path), "--json", "--queries", str(ROOT / "examples" / "telecom.toml")],
    )
    assert res.exit_code == 0, res.output
    sigs = orjson.loads(res.stdout)  # a JSON array
    press = [s for s in sigs if s["detector"] == "convergence"]
    assert [(s["key"], s["t"]) for s in press] == [
        ("thread:x:p0", (start + timedelta(minutes=40)).isoformat())
    ]
    assert "@ines_bm (journalist)" in press[0]["title"]


def test_no_signal_prints_an_empty_list_and_says_why(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    lines = [
        mention_to_json(Mention("x", f"q{i}", "mirabelle", start + timedelta(minutes=4 * i)))
        for i in range(10)
    ]
    path = tmp_path / "quiet.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    res = CliRunner().invoke(app(), ["detect", "-i", str(path), "--json"])
    assert res.exit_code == 0, res.output
    assert orjson.loads(res.stdout) == []
    said = " ".join(res.stderr.split())
    assert "the baselines need 1 h 00 min of history, the stream has 36 min" in said
