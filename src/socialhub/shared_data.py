"""Where the shared labelled data lives (read only; never copied into the repository).

Training scripts, evaluations and the tests that measure accuracy read it. Looked up in
order: ``$SOCIALHUB_DATA``; ``../shared/data`` beside the repository (the usual layout);
``/work/shared/data`` (the workplace layout, also seen by CI clones made elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

_WORKPLACE = Path("/work/shared/data")


def candidates() -> list[Path]:
    env = os.environ.get("SOCIALHUB_DATA")
    repo_root = Path(__file__).resolve().parents[2]
    found = [Path(env)] if env else []
    return [*found, repo_root.parent / "shared" / "data", _WORKPLACE]


def shared_data_dir() -> Path:
    """The first candidate that exists (or the first candidate, for the error message)."""
    options = candidates()
    return next((p for p in options if p.is_dir()), options[0])
