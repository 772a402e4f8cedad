"""Sending a report by email: one message (plain text, HTML, the PDF attached) to the
schedule's recipients, retried with exponential backoff on temporary failures, every
outcome written to the delivery log (``report_deliveries``).

SMTP settings come from the environment (``SOCIALHUB_SMTP_HOST``, ``_PORT``,
``_SECURITY`` = none/starttls/tls, ``_USERNAME``, ``_PASSWORD``, ``_FROM``), so the
password is never in a config file; connection, TLS and login are
:func:`socialhub.mailer.send_message`'s, shared with the alert email channel.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from socialhub.mailer import DeliveryError, SmtpSettings, send_message
from socialhub.records.reports import Report, ReportDelivery
from socialhub.reports.render import render_text, subject
from socialhub.store.base import ReportStore

log = logging.getLogger(__name__)

__all__ = ["Mailer", "build_message", "deliver"]


@dataclass(slots=True)
class Mailer:
    """SMTP settings, sender and retry policy for reports."""

    smtp: SmtpSettings
    sender: str
    subject_prefix: str = "[socialhub]"
    attempts: int = 4
    backoff: float = 5.0  # seconds before the 2nd attempt, doubled each time
    max_backoff: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Mailer:
        env = os.environ if env is None else env
        host = env.get("SOCIALHUB_SMTP_HOST", "")
        if not host:
            raise ValueError("SOCIALHUB_SMTP_HOST is not set: no SMTP server to send reports")
        smtp = SmtpSettings(
            host=host,
            port=int(env.get("SOCIALHUB_SMTP_PORT", "587")),
            security=env.get("SOCIALHUB_SMTP_SECURITY", "starttls"),
            username=env.get("SOCIALHUB_SMTP_USERNAME", ""),
            password=env.get("SOCIALHUB_SMTP_PASSWORD", ""),
        )
        sender = env.get("SOCIALHUB_SMTP_FROM", f"socialhub@{host}")
        mailer = cls(smtp=smtp, sender=sender)
        for key, value in overrides.items():
            setattr(mailer, key, value)
        return mailer


def _filename(report: Report) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{report.kind}-{report.period_end:%Y%m%d-%H%M}")
    return f"socialhub-{stem.strip('-')}.pdf"


def build_message(
    report: Report, recipients: Sequence[str], sender: str, prefix: str = "[socialhub]"
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(report.data, prefix)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(
        idstring=f"report-{report.id}" if report.id else None, domain="socialhub.local"
    )
    if report.id is not None:
        msg["X-Socialhub-Report"] = str(report.id)
    msg.set_content(render_text(report.data))
    msg.add_alternative(report.html, subtype="html")
    if report.pdf:
        msg.add_attachment(
            report.pdf, maintype="application", subtype="pdf", filename=_filename(report)
        )
    return msg


def deliver(
    reports: ReportStore, report: Report, recipients: Sequence[str], mailer: Mailer
) -> ReportDelivery:
    """Send ``report`` (stored: it has an id) and log the outcome; never raises on SMTP
    failure (the log says what happened)."""
    assert report.id is not None, "store the report before sending it"
    msg = build_message(report, recipients, mailer.sender, mailer.subject_prefix)
    attempts, error, status = 0, "", "failed"
    while attempts < mailer.attempts:
        attempts += 1
        try:
            send_message(mailer.smtp, msg)
        except DeliveryError as exc:
            error = str(exc)
            log.warning("report %s: attempt %d failed: %s", report.id, attempts, error)
            if not exc.retryable or attempts >= mailer.attempts:
                break
            mailer.sleep(min(mailer.max_backoff, mailer.backoff * 2 ** (attempts - 1)))
        else:
            status, error = "sent", ""
            break
    return reports.add_report_delivery(
        ReportDelivery(report.id, ", ".join(recipients), status, attempts, error)
    )
