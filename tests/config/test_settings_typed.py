"""The hub file's [hub] and [pipeline.enrichers] tables are typed: a typo or a wrong
type stops the start with the file, the table and the key in the message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socialhub.settings import Settings


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_hub_table_is_read(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "[hub]\nport = 8100\nbatch_size = 200\n"
        "[pipeline.enrichers]\ndedup = false\nlanguage = 10\n",
    )
    s = Settings.from_file(path)
    assert (s.port, s.batch_size, s.path) == (8100, 200, str(path))
    assert s.enrichers == {"dedup": None, "language": 10}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[hub]\nprot = 8100\n", "[hub]: unknown key(s) prot"),
        ('[hub]\nport = "8100"\n', "[hub] port: must be a int, not '8100'"),
        ("[hub]\nbatch_size = true\n", "[hub] batch_size: must be a int, not True"),
        ("[pipeline.enrichers]\ndedup = 1.5\n", "[pipeline.enrichers] dedup: must be a position"),
    ],
)
def test_errors_name_file_table_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        Settings.from_file(path)
