"""On-call escalation (issue 14, item 5): an incident or alert of severity ≥ N that nobody
acknowledged within M minutes pages the next person or route of the rotation in force.

The workspace's settings (:mod:`~socialhub.alerts.incident_settings`) give N
(``oncall.min_severity``), M (``oncall.ack_minutes``) and the rotations (weekday and hour
ranges in the workspace's time zone, each a chain of targets). Level ``k`` of a subject
is due ``(k + 1) × M`` after it was created and goes to the ``k``-th target of the chain
in force at that moment; a chain's end stops the escalation. An alert grouped into an
active incident is paged through its incident only.

Targets go through the existing channels: a username or ``email:<address>`` by email
(:mod:`socialhub.mailer`, the SMTP settings of the alert email channel), ``webhook:<url>``
by a JSON POST signed like the alert webhooks (an SMS gateway is a webhook). Every page
is a row of ``store.oncall`` and an ``escalated`` event on the incident's timeline (or
the alert's audit trail).

:meth:`Pager.run` reads the time from the injected ``clock`` only: tests move it, nothing
sleeps.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

import orjson

from socialhub.alerts import render
from socialhub.alerts.channels import DeliveryError
from socialhub.alerts.incident_settings import IncidentSettings
from socialhub.alerts.incidents import IncidentDesk
from socialhub.mailer import SmtpSettings, send_message
from socialhub.models import utcnow
from socialhub.records.alerts import AlertEvent
from socialhub.records.oncall import Page, subject_of

if TYPE_CHECKING:
    from socialhub.store.base import Store

log = logging.getLogger(__name__)

__all__ = ["Pager", "pager_from_env"]


class Pager:
    """See the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        desk: IncidentDesk | None = None,
        smtp: SmtpSettings | None = None,
        sender: str = "socialhub@localhost",
        webhook_secret: str = "",
        base_url: str = "",
        clock: Callable[[], datetime] = utcnow,
        timeout: float = 10.0,
        every: float = 0.0,
    ) -> None:
        self.store = store
        self.desk = desk or IncidentDesk(store, clock=clock)
        self.smtp = smtp
        self.sender = sender
        self.webhook_secret = webhook_secret
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.timeout = timeout
        self.every = every  # run_due: at most once per this many seconds (0: never)
        self._ran = 0.0

    def run_due(self) -> list[Page]:
        """:meth:`run`, at most once every ``every`` seconds (the detector service's tick)."""
        if not self.every or time.monotonic() - self._ran < self.every:
            return []
        self._ran = time.monotonic()
        return self.run()

    def run(self) -> list[Page]:
        """Page every subject whose next escalation level is due now."""
        now = self.clock()
        pages: list[Page] = []
        for ws in self.store.workspaces.list_workspaces():
            assert ws.id is not None
            s = self.desk.settings(ws.id, fresh=True)
            if not s.rotations:
                continue
            for inc in self.store.incidents.list_incidents(ws.id, status="active"):
                if inc.acknowledged_at is not None or inc.severity < s.page_severity:
                    continue
                assert inc.id is not None
                page = self._due(
                    ws.id, ws.slug, s, subject_of("incident", inc.id), inc.created_at or now,
                    now, inc.title, inc.severity,
                )  # fmt: skip
                if page is not None:
                    inc.escalation_level = page.level + 1
                    self.store.incidents.save_incident(inc)
                    self.desk.record(inc.id, "escalated", now, details=_page_details(page))
                    pages.append(page)
            for alert in self.store.alerts.list_alerts(workspace_id=ws.id, state="open"):
                if alert.severity < s.page_severity or alert.id is None:
                    continue
                if any(
                    (i := self.store.incidents.get_incident(n)) is not None and i.active
                    for n in self.store.incidents.incidents_of("alert", alert.id)
                ):
                    continue  # paged through its incident
                page = self._due(
                    ws.id, ws.slug, s, subject_of("alert", alert.id), alert.created_at or now,
                    now, alert.title, alert.severity,
                )  # fmt: skip
                if page is not None:
                    self.store.alerts.add_alert_event(
                        AlertEvent(alert.id, "escalated", now, details=_page_details(page))
                    )
                    pages.append(page)
        return pages

    def _due(
        self,
        workspace_id: int,
        slug: str,
        s: IncidentSettings,
        subject: str,
        created: datetime,
        now: datetime,
        title: str,
        severity: int,
    ) -> Page | None:
        done = self.store.oncall.list_pages(subject)
        level = 1 + max(p.level for p in done) if done else 0
        if now < created + s.ack_after * (level + 1):
            return None
        chain = s.chain_at(now)
        if level >= len(chain):
            return None  # the chain is exhausted: nobody left to page
        target = chain[level]
        kind, _, _ = subject.partition(":")
        link = f"{self.base_url}/w/{slug}/{'incidents' if kind == 'incident' else 'alerts'}"
        if kind == "incident":
            link += f"/{subject.split(':')[1]}"
        info = {"subject": subject, "title": title, "severity": severity, "level": level,
                "workspace": slug, "url": link, "at": now.isoformat()}  # fmt: skip
        channel, status, error = self._send(target, info)
        page = Page(workspace_id, subject, level, target, channel, status, now, error)
        return self.store.oncall.add_page(page)

    def _send(self, target: str, info: Mapping[str, Any]) -> tuple[str, str, str]:
        try:
            if target.startswith("webhook:"):
                self._post(target[len("webhook:") :], info)
                return "webhook", "sent", ""
            address = target[len("email:") :] if target.startswith("email:") else ""
            if not address:
                user = self.store.accounts.get_user(target)
                address = user.email if user is not None else ""
            if not address:
                return "email", "failed", f"no email address for {target!r}"
            self._mail(address, info)
            return "email", "sent", ""
        except DeliveryError as exc:
            log.error("on-call page to %s failed: %s", target, exc)
            return ("webhook" if target.startswith("webhook:") else "email"), "failed", str(exc)

    def _mail(self, address: str, info: Mapping[str, Any]) -> None:
        if self.smtp is None:
            raise DeliveryError("no SMTP server configured", retryable=False)
        msg = EmailMessage()
        msg["Subject"] = render.one_line(
            f"[socialhub] On call (level {info['level'] + 1}): {info['title']}"
        )
        msg["From"] = self.sender
        msg["To"] = address
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="socialhub.local")
        msg["X-Socialhub-Oncall"] = str(info["subject"])
        msg.set_content(
            f"{info['title']}\nSeverity {info['severity']}, not acknowledged.\n"
            f"Acknowledge: {info['url']}\n"
        )
        send_message(self.smtp, msg)

    def _post(self, url: str, info: Mapping[str, Any]) -> None:
        body = orjson.dumps({"event": "oncall.page", **info})
        headers = {"Content-Type": "application/json", "User-Agent": "socialhub-oncall"}
        if self.webhook_secret:
            digest = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Socialhub-Signature"] = f"sha256={digest}"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook unreachable: {type(exc).__name__}") from exc


def _page_details(page: Page) -> dict[str, Any]:
    return {"oncall": page.target, "level": page.level, "channel": page.channel,
            "status": page.status, "error": page.error}  # fmt: skip


def pager_from_env(
    store: Store, desk: IncidentDesk, env: Mapping[str, str], every: float = 30.0
) -> Pager:
    """A pager with the alert email channel's SMTP settings (``SOCIALHUB_SMTP_*``) and
    the alert webhook secret; without ``SOCIALHUB_SMTP_HOST`` email pages fail (logged)."""
    smtp = None
    if env.get("SOCIALHUB_SMTP_HOST"):
        smtp = SmtpSettings(
            host=env["SOCIALHUB_SMTP_HOST"],
            port=int(env.get("SOCIALHUB_SMTP_PORT", "587")),
            security=env.get("SOCIALHUB_SMTP_SECURITY", "starttls"),
            username=env.get("SOCIALHUB_SMTP_USERNAME", ""),
            password=env.get("SOCIALHUB_SMTP_PASSWORD", ""),
        )
    return Pager(
        store,
        desk=desk,
        smtp=smtp,
        sender=env.get("SOCIALHUB_SMTP_FROM", "socialhub@localhost"),
        webhook_secret=env.get("SOCIALHUB_ALERT_WEBHOOK_SECRET", ""),
        base_url=env.get("SOCIALHUB_BASE_URL", ""),
        every=every,
    )
