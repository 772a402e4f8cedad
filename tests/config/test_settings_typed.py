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
        ("[pipeline]\ndedup_widow = 10\n", "[pipeline]: unknown key dedup_widow"),
        ('[pipeline]\ndedup_window = "10"\n', "[pipeline]: dedup_window: input should be a valid"),
        ('[pipeline]\nmode = "quick"\n', "[pipeline]: mode: input should be 'full' or 'fast'"),
        ("[pipeline]\nentities_ner = 1\n", "[pipeline]: entities_ner: input should be a valid"),
    ],
)
def test_errors_name_file_table_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        Settings.from_file(path)


def test_pipeline_table_is_typed_and_stages_read_it(tmp_path: Path) -> None:
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.options import PipelineOptions

    path = _file(tmp_path, "[pipeline]\ndedup_window = 10\nneardup_threshold = 1\n")
    s = Settings.from_file(path)
    opts = Context(None, s.pipeline).options
    assert opts.dedup_window == 10 and opts.neardup_threshold == 1.0
    assert opts.catch_up_backlog == PipelineOptions().catch_up_backlog  # the default, once
    with pytest.raises(ValueError, match=r"\[pipeline\] settings: unknown key dedup_widow"):
        _ = Context(None, {"dedup_widow": 3}).options
