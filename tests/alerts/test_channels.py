"""Email received by a real SMTP server, webhooks received by a real HTTP server."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
from email.message import EmailMessage

import pytest

from socialhub.alerts.channels import DeliveryError
from socialhub.alerts.channels.email import EmailChannel
from socialhub.alerts.channels.inapp import InAppChannel
from socialhub.alerts.channels.webhook import WebhookChannel
from socialhub.alerts.manager import AlertManager
from socialhub.records.alerts import Alert
from socialhub.store.base import Store

from .helpers import burst, signal
from .servers import http_server, smtp_server


@pytest.fixture
def alert(sqlite_store: Store) -> Alert:
    mentions = burst()
    sqlite_store.mentions.add(mentions)
    out = AlertManager(sqlite_store).process(
        signal(0, severity=8, evidence=[m.id for m in mentions])
    )
    assert out.alert is not None
    return out.alert


def _parts(raw: bytes) -> tuple[EmailMessage, str, str]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    return msg, text.get_content(), html.get_content()


def test_email_received_by_smtp_server_explains_the_alert(alert: Alert) -> None:
    with smtp_server() as (port, box):
        channel = EmailChannel(
            "127.0.0.1",
            "alerts@fictel.example",
            ["crise@fictel.example"],
            port=port,
            security="none",
            username="hub",
            password="s3cret",
        )
        channel.send(alert, "opened")
    assert box.logins == ["hub"]
    [envelope] = box.envelopes
    assert envelope.rcpt_tos == ["crise@fictel.example"]
    msg, text, html = _parts(envelope.original_content or b"")
    assert msg["Subject"].startswith("[socialhub] [ALERT 8/10] Volume burst on query:1")
    assert msg["X-Socialhub-Alert"] == str(alert.id)
    for body in (text, html):
        assert "volume v1.2" in body  # detector and version
        assert "50 vs baseline 10 (×5.0)" in body  # observed vs baseline
        assert "@zero" in body  # patient zero
        assert "bignews" in body  # top amplifier
    assert text.index("First posts") < text.index("Panne réseau Fictel")
    # hostile post text: escaped in HTML, never live markup
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<!channel>" not in html
    assert "href=" not in html  # post URLs are never links


def test_email_wrong_password_is_not_retryable(alert: Alert) -> None:
    with smtp_server() as (port, box):
        channel = EmailChannel(
            "127.0.0.1",
            "a@fictel.example",
            ["b@fictel.example"],
            port=port,
            security="none",
            username="hub",
            password="wrong",
        )
        with pytest.raises(DeliveryError) as err:
            channel.send(alert, "opened")
    assert err.value.retryable is False
    assert "wrong" not in str(err.value)
    assert box.envelopes == []


def test_email_unreachable_server_is_retryable(alert: Alert) -> None:
    from .servers import free_port

    channel = EmailChannel(
        "127.0.0.1", "a@x.example", ["b@x.example"], port=free_port(), security="none", timeout=2
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(alert, "opened")
    assert err.value.retryable is True


def _post(fmt: str, alert: Alert, secret: str = "") -> tuple[dict[str, str], dict]:  # type: ignore[type-arg]
    with http_server() as (url, inbox):
        WebhookChannel(f"{url}/hook/{fmt}", format=fmt, secret=secret).send(alert, "escalated")
    [(path, headers, body)] = inbox.requests
    assert path == f"/hook/{fmt}"
    assert headers["Content-Type"] == "application/json"
    return headers, json.loads(body)


def test_generic_json_webhook_is_signed_and_carries_the_record(alert: Alert) -> None:
    with http_server() as (url, inbox):
        WebhookChannel(url, format="json", secret="k3y").send(alert, "escalated")
    [(_, headers, body)] = inbox.requests
    expected = hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert headers["X-Socialhub-Signature"] == f"sha256={expected}"
    data = json.loads(body)
    assert (data["type"], data["event"]) == ("socialhub.alert", "escalated")
    assert data["alert"]["detector"] == "volume" and data["alert"]["baseline"] == 10
    assert data["alert"]["provenance"]["first_posts"][0]["id"] == "x:1"
    assert "First posts:" in data["explanation"]


def test_slack_webhook_escapes_mrkdwn_and_never_unfurls(alert: Alert) -> None:
    _, data = _post("slack", alert)
    assert data["unfurl_links"] is False and data["unfurl_media"] is False
    assert data["blocks"][0]["type"] == "header"
    fields = " ".join(f["text"] for f in data["blocks"][1]["fields"])
    assert "50 vs baseline 10" in fields and "volume v1.2" in fields
    posts = next(
        b["text"]["text"] for b in data["blocks"][2:] if "First posts" in b["text"]["text"]
    )
    assert "&lt;!channel&gt;" in posts and "<!channel>" not in posts
    assert "&lt;script&gt;" in posts and "&amp;" in posts
    assert "<https://" not in json.dumps(data)  # no mrkdwn links built from post URLs


def test_teams_webhook_is_an_adaptive_card(alert: Alert) -> None:
    _, data = _post("teams", alert)
    assert data["type"] == "message"
    [attachment] = data["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.2")
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert "baseline 10" in facts["Observed"]
    texts = " ".join(b.get("text", "") for b in card["body"])
    assert "\\[lien\\]\\(javascript:x\\)" in texts  # Markdown link made literal
    assert "@\u200bhere" in texts and "@here" not in texts


def test_mattermost_webhook_escapes_markdown_and_mentions(alert: Alert) -> None:
    _, data = _post("mattermost", alert)
    text = data["text"]
    assert data["username"] == "socialhub"
    assert "Observed | 50 vs baseline 10" in text
    assert "@\u200bhere" in text and "@here" not in text
    assert "\\*\\*gras\\*\\*" in text
    assert "`https://x.example/zero/1`" in text  # URL shown verbatim, not linked


def test_webhook_errors_are_classified(alert: Alert) -> None:
    with http_server() as (url, inbox):
        inbox.script = [503, 400, 429]
        channel = WebhookChannel(url)
        with pytest.raises(DeliveryError) as e503:
            channel.send(alert, "opened")
        with pytest.raises(DeliveryError) as e400:
            channel.send(alert, "opened")
        with pytest.raises(DeliveryError) as e429:
            channel.send(alert, "opened")
    assert (e503.value.retryable, e400.value.retryable, e429.value.retryable) == (
        True,
        False,
        True,
    )
    assert e429.value.retry_after == 0


def test_inapp_notification_is_stored(sqlite_store: Store, alert: Alert) -> None:
    InAppChannel(sqlite_store).send(alert, "opened")
    [note] = sqlite_store.alerts.list_notifications(username="alice")
    assert note.alert_id == alert.id and note.severity == 8
    assert "First posts:" in note.body
    sqlite_store.alerts.mark_notification_read(note.id or 0)
    assert sqlite_store.alerts.list_notifications(unread_only=True) == []
