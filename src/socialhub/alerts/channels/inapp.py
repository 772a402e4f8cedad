"""In-app notifications: stored in the ``notifications`` table, read by the web app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialhub.alerts import render
from socialhub.records.alerts import Alert, Notification

if TYPE_CHECKING:
    from socialhub.store.base import Store


@dataclass(slots=True)
class InAppChannel:
    """Stores a notification for the alert's workspace (or one user, if ``username``).

    The text is stored as plain text; the web layer escapes it when rendering, as it
    does with every post.
    """

    store: Store
    username: str = ""
    name: str = "inapp"

    def send(self, alert: Alert, event: str) -> None:
        assert alert.id is not None
        self.store.alerts.add_notification(
            Notification(
                alert_id=alert.id,
                title=render.headline(alert, event),
                body=render.as_text(alert, event),
                severity=alert.severity,
                workspace_id=alert.workspace_id,
                username=self.username,
            )
        )
