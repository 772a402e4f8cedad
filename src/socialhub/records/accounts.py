"""The account audit trail and the errors the account rules raise."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any


class LastAdminError(ValueError):
    """Refused: the change would leave no active site administrator."""


@dataclasses.dataclass(slots=True)
class UserEvent:
    """One line of the account audit trail (table ``user_events``)."""

    user_id: int | None
    username: str
    kind: str  # deactivated, activated, password_changed
    actor: str
    at: datetime
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "kind": self.kind,
            "actor": self.actor,
            "at": self.at.isoformat(),
            "details": self.details,
        }
