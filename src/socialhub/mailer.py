"""Sending one email over SMTP (stdlib ``smtplib``): plain SMTP, STARTTLS or implicit
TLS, optional login, and SMTP errors mapped to retryable or permanent failures.

Shared by the alert email channel and the report delivery, so connection, TLS and
authentication are written once. Retries belong to the callers (they own the backoff
policy and the delivery log).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from socialhub.alerts.channels import DeliveryError

__all__ = ["SECURITY_MODES", "DeliveryError", "SmtpSettings", "send_message"]

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(slots=True)
class SmtpSettings:
    """Where and how to connect. ``security``: "none", "starttls" (port 587) or "tls"
    (implicit TLS, port 465). The password is never logged nor put in an error."""

    host: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 20.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be none, starttls or tls, not {self.security!r}")


def send_message(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Send ``msg`` to the addresses of its To/Cc/Bcc headers.

    Raises
    ------
    DeliveryError
        ``retryable`` for network errors and 4xx replies, not for refused logins,
        refused recipients and 5xx replies.
    """
    context = settings.ssl_context or ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password)
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
