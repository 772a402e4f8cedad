"""Web sign-in records: browser sessions, API tokens and wall (kiosk) tokens."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class WebSession:
    id_hash: str
    user_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ip: str = ""
    user_agent: str = ""


@dataclass(slots=True)
class ApiToken:
    user_id: int
    name: str
    prefix: str  # the first characters of the token, to recognise it in a list
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("created_at", "last_used_at", "revoked_at"):
            data[key] = None if data[key] is None else data[key].isoformat()
        return data


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
