"""Where alerts go: email (SMTP), webhooks (generic JSON, Slack, Teams, Mattermost) and
in-app notifications. A channel renders one alert event and sends it, raising
:class:`DeliveryError` on failure; retries, rate caps and the delivery log belong to
:mod:`socialhub.alerts.routing`."""

from __future__ import annotations

from typing import Protocol

from socialhub.records.alerts import Alert


class DeliveryError(Exception):
    """A failed send. ``retryable``: worth trying again (network, 429, 5xx)."""

    def __init__(
        self, message: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Channel(Protocol):
    name: str

    def send(self, alert: Alert, event: str) -> None:
        """Deliver one event ("opened", "escalated", "reopened") of an alert."""
        ...


__all__ = ["Channel", "DeliveryError"]
