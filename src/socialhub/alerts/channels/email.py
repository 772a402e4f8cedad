"""Email over SMTP (stdlib ``smtplib``): plain SMTP, STARTTLS or implicit TLS, with
optional login. The message has a plain-text part and an HTML part in which every
value from a post is ``html.escape``-d."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from socialhub.alerts import render
from socialhub.alerts.channels import DeliveryError
from socialhub.alerts.records import Alert


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
        if self.security not in ("none", "starttls", "tls"):
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
        msg = self.message(alert, event)
        context = self.ssl_context or ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=context)
                if self.username:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", retryable=False) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError("every recipient was refused", retryable=False) from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx: temporary (greylisting, rate limit); 5xx: permanent.
            raise DeliveryError(
                f"SMTP error {exc.smtp_code}", retryable=400 <= exc.smtp_code < 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError covers timeouts
            raise DeliveryError(f"SMTP connection failed: {type(exc).__name__}") from exc
        if refused:
            raise DeliveryError(f"recipients refused: {sorted(refused)}", retryable=False)
