"""Wall-of-screens kiosk tokens (migration 0011); a mention page's thread is in :mod:`.reads`.

Shared by both stores, in the style of :mod:`.web`: SQL written once with ``?``
placeholders, times through ``self._ts``/``self._dt``. Tokens arrive as SHA-256 hex:
the value itself never reaches this layer.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from socialhub.records.sessions import WallToken
from socialhub.store.convert import clean
from socialhub.store.sqlbase import Repo


class WallRepo(Repo):
    """Table ``wall_tokens``: read-only kiosk tokens of a workspace's wall."""

    _WALL_COLS = "workspace_id, wall, name, prefix, created_at, created_by, revoked_at, id"

    def _wall_token(self, row: tuple[Any, ...]) -> WallToken:
        ws, wall, name, prefix, created, by, revoked, token_id = row
        return WallToken(
            int(ws),
            wall,
            name,
            prefix,
            self._dt(created),
            by,
            None if revoked is None else self._dt(revoked),
            int(token_id),
        )

    def add_wall_token(self, token: WallToken, token_hash: str) -> WallToken:
        with self._tx() as cur:
            token_id = self._one(
                cur,
                "INSERT INTO wall_tokens (workspace_id, wall, name, token_hash, prefix, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    token.workspace_id,
                    clean(token.wall),
                    clean(token.name),
                    token_hash,
                    token.prefix,
                    clean(token.created_by),
                    self._ts(token.created_at),
                ),
            )
        return dataclasses.replace(token, id=int(token_id))

    def find_wall_token(self, token_hash: str) -> WallToken | None:
        """The live (not revoked) wall token with this hash."""
        rows = self._rows(
            f"SELECT {self._WALL_COLS} FROM wall_tokens "
            "WHERE token_hash = ? AND revoked_at IS NULL",
            [token_hash],
        )
        return self._wall_token(rows[0]) if rows else None

    def list_wall_tokens(self, workspace_id: int) -> list[WallToken]:
        rows = self._rows(
            f"SELECT {self._WALL_COLS} FROM wall_tokens WHERE workspace_id = ? ORDER BY id",
            [workspace_id],
        )
        return [self._wall_token(r) for r in rows]

    def revoke_wall_token(self, workspace_id: int, token_id: int, at: datetime) -> bool:
        """Revoke a token of the workspace; False when not there or already revoked."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "UPDATE wall_tokens SET revoked_at = ? WHERE id = ? AND workspace_id = ? "
                    "AND revoked_at IS NULL RETURNING id"
                ),
                (self._ts(at), token_id, workspace_id),
            )
            return bool(cur.fetchall())
