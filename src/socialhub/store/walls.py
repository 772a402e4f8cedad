"""Wall-of-screens kiosk tokens (migration 0011) and the thread read of a mention page.

Shared by both stores, in the style of :mod:`.web`: SQL written once with ``?``
placeholders, times through ``self._ts``/``self._dt``. Tokens arrive as SHA-256 hex:
the value itself never reaches this layer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialhub.models import Mention
from socialhub.store.admin import AdminMixin
from socialhub.store.convert import clean

THREAD_LIMIT = 100  # replies or quotes shown on a mention page


@dataclass(slots=True)
class WallToken:
    """A read-only kiosk token for one wall of one workspace."""

    workspace_id: int
    wall: str
    name: str
    prefix: str
    created_at: datetime
    created_by: str = ""
    revoked_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["revoked_at"] = None if self.revoked_at is None else self.revoked_at.isoformat()
        return data


class WallRepo(AdminMixin):
    """Table ``wall_tokens``; ``mention_thread`` reads replies and quotes of a mention."""

    if TYPE_CHECKING:

        def _page(self, inner: str, params: list[Any]) -> list[Mention]: ...

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

    def mention_thread(self, mention_id: str, workspace_id: int) -> dict[str, list[Mention]]:
        """Replies to and quotes of a mention, among those routed to the workspace.

        Only the workspace's mentions: a reply collected for another workspace stays
        invisible here, like everywhere else.
        """
        out: dict[str, list[Mention]] = {}
        for relation, column in (("replies", "reply_to"), ("quotes", "quote_of")):
            inner = self._sql(
                f"SELECT m.seq FROM mentions m JOIN mention_workspaces mw "
                f"ON mw.mention_seq = m.seq AND mw.workspace_id = ? WHERE m.{column} = ? "
                "ORDER BY m.created_at DESC, m.seq DESC LIMIT ?"
            )
            found = self._page(inner, [workspace_id, clean(mention_id), THREAD_LIMIT])
            out[relation] = sorted(found, key=lambda m: m.created_at)
        return out
