"""Alert emails: a plain-text part and an HTML part in which every value from a post is
``html.escape``-d, sent through :mod:`socialhub.mailer` (SMTP, STARTTLS or TLS, login)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from socialhub.alerts import render
from socialhub.mailer import SECURITY_MODES, SmtpSettings, send_message
from socialhub.records.alerts import Alert


@dataclass(slots=True)
class EmailChannel:
    """SMTP settings. ``security``: "none", "starttls" (port 587) or "tls" (465).

    The password is never logged nor put in an error message.
    """

    host: str
    sender: str
    recipients: list[str]
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 20.0
    name: str = "email"
    subject_prefix: str = "[socialhub]"
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be none, starttls or tls, not {self.security!r}")
        if not self.recipients:
            raise ValueError("an email channel needs at least one recipient")

    def message(self, alert: Alert, event: str) -> EmailMessage:
        msg = EmailMessage()
        # Header values must not carry line breaks (header injection): one_line removes them.
        msg["Subject"] = render.one_line(f"{self.subject_prefix} {render.headline(alert, event)}")
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.recipients)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="socialhub.local")
        if alert.id is not None:
            msg["X-Socialhub-Alert"] = str(alert.id)
        msg.set_content(render.as_text(alert, event))
        msg.add_alternative(render.as_html(alert, event), subtype="html")
        return msg

    def send(self, alert: Alert, event: str) -> None:
        settings = SmtpSettings(
            host=self.host,
            port=self.port,
            security=self.security,
            username=self.username,
            password=self.password,
            timeout=self.timeout,
            ssl_context=self.ssl_context,
        )
        send_message(settings, self.message(alert, event))
