"""Every command of the README's "Command line" block runs, as written, from a fresh
directory laid out like a clone (``examples/`` and ``.venv`` beside, ``../shared/data``)
against a scratch database.

Three lines need a hand: the demo runs until Ctrl-C, so it gets ``--limit`` (and no web
server, fast mode); ``relevance label`` asks y/n/s/q, so it is answered ``q``; ``db upgrade``
names a PostgreSQL database, so it gets a scratch one instead.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from socialhub.shared_data import shared_data_dir

ROOT = Path(__file__).resolve().parents[2]
DEMO_BOUND = ["--limit", "3000", "--no-web", "--mode", "fast"]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "no bash block under ## Command line"
    commands: list[str] = []
    for line in block.group(1).splitlines():
        for part in line.split(" ; "):  # `a ; b` runs both
            if shlex.split(part, comments=True):
                commands.append(part.strip())
    return commands


def _argv(command: str) -> tuple[dict[str, str], list[str], str | None]:
    """Environment assignments, argv and an output redirection of one command line."""
    words = shlex.split(command, comments=True)
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    target = None
    if ">" in words:
        i = words.index(">")
        target = words[i + 1]
        words = words[:i]
    return env, words, target


@pytest.mark.slow
@pytest.mark.postgres
def test_every_readme_command_runs(tmp_path: Path, pg_database: Callable[[], str]) -> None:
    venv = ROOT / ".venv" / "bin" / "socialhub"
    assert venv.exists(), "run scripts/setup.sh first (.venv/bin/socialhub)"
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(ROOT / ".venv")
    (clone / "examples").symlink_to(ROOT / "examples")
    data = shared_data_dir()
    assert data.is_dir(), f"the shared data is missing: {data}"
    (tmp_path / "shared").symlink_to(data.parent)  # ../shared/data, as beside a clone
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALHUB_")}
    base_env["SOCIALHUB_DB"] = f"sqlite:///{tmp_path / 'scratch.db'}"
    commands = readme_commands()
    assert len(commands) >= 19
    for command in commands:
        env, argv, target = _argv(command)
        assert argv[0] == ".venv/bin/socialhub", command
        stdin = None
        if argv[1] == "demo":
            argv += DEMO_BOUND
        if argv[1:3] == ["relevance", "label"]:
            stdin = "q\n"
        if argv[1:3] == ["db", "upgrade"]:
            argv[argv.index("--db") + 1] = pg_database()
        done = subprocess.run(
            argv,
            cwd=clone,
            env={**base_env, **env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        if target:
            (clone / target).write_text(done.stdout, encoding="utf-8")
    # what the commands wrote is there and sound
    assert "[[workspace]]" in (clone / "current.toml").read_text(encoding="utf-8")
    assert (clone / "enriched.jsonl").read_text(encoding="utf-8").count("\n") == 40
    assert (clone / "digest.pdf").read_bytes().startswith(b"%PDF")
