"""Where a workspace's data is in time: its first and last mention (both dialects).

The dashboard opens on the period that holds data (imported archives may be a year old)
and, when a chosen period is empty, says where the data is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


class ExtentRepo(Protocol):
    def _rows(
        self, sql: str, params: Sequence[Any] = (), *, translate: bool = True
    ) -> list[tuple[Any, ...]]: ...

    def _dt(self, value: Any) -> datetime: ...


def mention_extent(store: ExtentRepo, workspace_id: int) -> tuple[datetime, datetime] | None:
    """The first and last ``created_at`` of the workspace's mentions, or None (no data).

    Both ends come from the ``(workspace_id, created_at)`` index, whatever the volume.
    """
    rows = store._rows(
        "SELECT min(created_at), max(created_at) FROM mention_workspaces WHERE workspace_id = ?",
        [workspace_id],
    )
    if not rows or rows[0][0] is None:
        return None
    return store._dt(rows[0][0]), store._dt(rows[0][1])
