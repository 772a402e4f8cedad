"""Routing: which channels get an alert event, at what rate, with what retries.

A :class:`Route` matches alerts by minimum severity, detectors, rule keys and
workspace, and names channels; an event goes to the union of the channels of every
matching route, each once. Per channel, a :class:`RateCap` limits sends in a sliding
window, counted from the delivery log in the store (so several processes share one
budget); an event over the cap is logged as ``capped`` and not sent, unless its
severity reaches the cap's ``bypass_severity`` (a crisis is never muted). Failed sends
are retried with exponential backoff (``backoff * 2**n``, at most ``max_backoff``,
or the server's ``Retry-After``) when the error is retryable. Every outcome is one
row of the delivery log (``alert_deliveries``).

Sending blocks (SMTP, HTTP, backoff sleeps): async callers run :meth:`Router.dispatch`
in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialhub.alerts.channels import Channel, DeliveryError
from socialhub.i18n import DEFAULT_LOCALE, DEFAULT_TIMEZONE, use_locale
from socialhub.models import utcnow
from socialhub.records.alerts import NOTIFY_EVENTS, Alert, Delivery

if TYPE_CHECKING:
    from socialhub.alerts.manager import Outcome
    from socialhub.store.base import AlertStore, WorkspaceStore

log = logging.getLogger(__name__)

__all__ = ["RateCap", "Route", "Router", "workspace_locale"]


def workspace_locale(workspaces: WorkspaceStore) -> Callable[[int | None], tuple[str, str]]:
    """``Router(locale_of=...)`` from the store: each workspace's language and zone."""

    def locale_of(workspace_id: int | None) -> tuple[str, str]:
        for ws in workspaces.list_workspaces():
            if ws.id == workspace_id:
                return ws.locale, ws.timezone
        return DEFAULT_LOCALE, DEFAULT_TIMEZONE

    return locale_of


@dataclass(slots=True)
class Route:
    """Send matching alert events to ``channels``.

    ``detectors`` / ``keys`` empty means any; a key ending in ``*`` is a prefix
    (``"query:*"``). ``workspace_id`` None means any workspace.
    """

    channels: list[str]
    min_severity: int = 1
    detectors: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    workspace_id: int | None = None
    events: tuple[str, ...] = NOTIFY_EVENTS

    def matches(self, alert: Alert, event: str) -> bool:
        if event not in self.events or alert.severity < self.min_severity:
            return False
        if self.workspace_id is not None and alert.workspace_id != self.workspace_id:
            return False
        if self.detectors and alert.detector not in self.detectors:
            return False
        return not self.keys or any(_key_matches(k, alert.key) for k in self.keys)


def _key_matches(pattern: str, key: str) -> bool:
    return key.startswith(pattern[:-1]) if pattern.endswith("*") else key == pattern


@dataclass(slots=True)
class RateCap:
    """At most ``max_sends`` per ``per`` on one channel."""

    max_sends: int
    per: timedelta = timedelta(hours=1)
    bypass_severity: int | None = 9


class Router:
    """Dispatch alert events to channels; see the module docstring."""

    def __init__(
        self,
        alerts: AlertStore,
        channels: Sequence[Channel],
        routes: Sequence[Route],
        *,
        caps: dict[str, RateCap] | None = None,
        retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utcnow,
        locale_of: Callable[[int | None], tuple[str, str]] | None = None,
    ) -> None:
        """``locale_of(workspace_id)``: the (locale, time zone) an alert of that workspace
        is written in (emails, webhooks, in-app texts); French in Europe/Paris without."""
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"channel names must be unique: {names}")
        self.alerts = alerts
        self.channels = {c.name: c for c in channels}
        unknown = {n for r in routes for n in r.channels} - set(self.channels)
        if unknown:
            raise ValueError(f"routes name unknown channels: {sorted(unknown)}")
        self.routes = list(routes)
        self.caps = caps or {}
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._clock = clock
        self._locale_of = locale_of

    def targets(self, alert: Alert, event: str) -> list[str]:
        """The channel names an event goes to, in route order, each once."""
        names: dict[str, None] = {}
        for route in self.routes:
            if route.matches(alert, event):
                names.update(dict.fromkeys(route.channels))
        if alert.extra.get("notify") == "inapp":  # a watchlist told in the app only
            return [n for n in names if n == "inapp"]
        return list(names)

    def handle(self, outcome: Outcome) -> list[Delivery]:
        """Dispatch what :meth:`AlertManager.process` decided, if it is worth a message."""
        if not outcome.notify or outcome.alert is None:
            return []
        return self.dispatch(outcome.alert, outcome.action)

    def dispatch(self, alert: Alert, event: str) -> list[Delivery]:
        assert alert.id is not None, "save the alert before dispatching it"
        locale, zone = self._locale_of(alert.workspace_id) if self._locale_of else (None, None)
        with use_locale(locale, zone):
            return [
                self._deliver(self.channels[n], alert, event) for n in self.targets(alert, event)
            ]

    def _capped(self, channel: str, alert: Alert) -> bool:
        cap = self.caps.get(channel)
        if cap is None:
            return False
        if cap.bypass_severity is not None and alert.severity >= cap.bypass_severity:
            return False
        since = self._clock() - cap.per
        return self.alerts.count_deliveries(channel, since) >= cap.max_sends

    def _deliver(self, channel: Channel, alert: Alert, event: str) -> Delivery:
        assert alert.id is not None
        if self._capped(channel.name, alert):
            log.warning("alert %s: %s over its rate cap, not sent", alert.id, channel.name)
            return self._log(alert.id, channel.name, event, "capped", 0, "rate cap")
        attempts = 0
        while True:
            attempts += 1
            try:
                channel.send(alert, event)
            except DeliveryError as exc:
                if not exc.retryable or attempts > self.retries:
                    log.error("alert %s: %s failed: %s", alert.id, channel.name, exc)
                    return self._log(alert.id, channel.name, event, "failed", attempts, str(exc))
                delay = self.backoff * 2 ** (attempts - 1)
                if exc.retry_after is not None:
                    delay = exc.retry_after
                self._sleep(min(self.max_backoff, delay))
                continue
            except Exception as exc:  # a bug in a channel must not stop the others
                log.exception("alert %s: %s crashed", alert.id, channel.name)
                return self._log(
                    alert.id, channel.name, event, "failed", attempts, type(exc).__name__
                )
            return self._log(alert.id, channel.name, event, "sent", attempts, "")

    def _log(
        self, alert_id: int, channel: str, event: str, status: str, attempts: int, error: str
    ) -> Delivery:
        return self.alerts.add_delivery(
            Delivery(alert_id, channel, event, status, attempts, error, self._clock())
        )
