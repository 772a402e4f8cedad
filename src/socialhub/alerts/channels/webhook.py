"""Webhooks: generic JSON, Slack, Microsoft Teams and Mattermost payloads over HTTP POST.

Formats (checked against each product's incoming-webhook documentation):

* ``json``: ``{"type": "socialhub.alert", "event", "alert", "explanation"}``; with a
  ``secret``, the body is signed: ``X-Socialhub-Signature: sha256=<hex HMAC>``.
* ``slack``: ``text`` (fallback) plus Block Kit ``blocks`` (header, fields, sections in
  mrkdwn); post text escaped (``&``, ``<``, ``>``) and ``unfurl_links``/``unfurl_media``
  false so no post URL is previewed.
* ``teams``: a ``message`` whose single attachment is an Adaptive Card
  (``application/vnd.microsoft.card.adaptive``, schema 1.2) with a FactSet.
* ``mattermost``: ``text`` in Markdown, ``username``; post text Markdown-escaped,
  ``@`` broken so ``@channel``/``@here`` in a post notify nobody, URLs in code spans.

Sent through the address guard (:func:`~socialhub.connectors.linkguard.guarded_sync_client`,
no proxy from the environment): a webhook URL that resolves to a loopback or private
address is refused unless its ``host:port`` is allowed (``SOCIALHUB_FETCH_ALLOW``), and
the connection goes to the checked address. Redirects are not followed. 429 and 5xx are
retryable (``Retry-After`` honoured by the router), other answers are not.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from socialhub.alerts import render
from socialhub.alerts.channels import DeliveryError
from socialhub.connectors.linkguard import AddressRefused, LinkGuard, guarded_sync_client
from socialhub.records.alerts import Alert

FORMATS = ("json", "slack", "teams", "mattermost")
MAX_POSTS = 5
_COLOURS = {"note": "good", "warning": "warning", "major": "attention", "crisis": "attention"}


def generic_payload(alert: Alert, event: str) -> dict[str, Any]:
    """The whole record: a machine reads it, so nothing is escaped (JSON is safe)."""
    return {
        "type": "socialhub.alert",
        "event": event,
        "alert": alert.to_dict(),
        "explanation": render.as_text(alert, event),
    }


def slack_payload(alert: Alert, event: str) -> dict[str, Any]:
    esc = render.slack_escape
    fields = [
        {"type": "mrkdwn", "text": f"*{esc(k)}*\n{esc(render.one_line(v, 150))}"}
        for k, v in render.facts(alert)
    ]
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": render.headline(alert, event)[:150]},
        },
        # Slack shows at most 10 fields per section.
        {"type": "section", "fields": fields[:10]},
    ]
    posts = render.first_posts(alert)[:MAX_POSTS]
    if posts:
        lines = [
            f"• *@{esc(render.one_line(p['author'], 60))}* {esc(p['created_at'])}: "
            f"{esc(render.one_line(p['text'], 280))}"
            + (f"\n   {esc(render.one_line(p['url'], 300))}" if p["url"] else "")
            for p in posts
        ]
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ("*First posts*\n" + "\n".join(lines))[:2900]},
            }
        )
    hints = render.coordination(alert)
    if hints:
        text = "\n".join(
            f"• {esc(h['kind'])} `{esc(render.one_line(h['value'], 100))}`: "
            f"{len(h['accounts'])} accounts in {float(h['span_seconds']):.0f}s"
            for h in hints[:5]
        )
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Coordination hints*\n" + text}}
        )
    return {
        "text": esc(render.headline(alert, event)),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def teams_payload(alert: Alert, event: str) -> dict[str, Any]:
    md = render.md_escape
    word = render.severity_word(alert.severity)
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": md(render.headline(alert, event)),
            "size": "Large",
            "weight": "Bolder",
            "color": _COLOURS.get(word, "default"),
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": k, "value": md(render.one_line(v, 150))} for k, v in render.facts(alert)
            ],
        },
    ]
    posts = render.first_posts(alert)[:MAX_POSTS]
    if posts:
        body.append({"type": "TextBlock", "text": "First posts", "weight": "Bolder"})
        for p in posts:
            body.append(
                {
                    "type": "TextBlock",
                    "wrap": True,
                    "text": f"@{md(render.one_line(p['author'], 60))} {md(p['created_at'])}: "
                    f"{md(render.one_line(p['text'], 280))}",
                }
            )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def mattermost_payload(alert: Alert, event: str, username: str = "socialhub") -> dict[str, Any]:
    md = render.md_escape
    lines = [f"#### {md(render.headline(alert, event))}", "", "| | |", "|---|---|"]
    lines += [f"| {md(k)} | {md(render.one_line(v, 150))} |" for k, v in render.facts(alert)]
    posts = render.first_posts(alert)[:MAX_POSTS]
    if posts:
        lines += ["", "**First posts**"]
        for p in posts:
            line = (
                f"- @{md(render.one_line(p['author'], 60))} {md(p['created_at'])}: "
                f"{md(render.one_line(p['text'], 280))}"
            )
            if p["url"]:
                line += " " + render.md_code(render.one_line(p["url"], 300))
            lines.append(line)
    hints = render.coordination(alert)
    if hints:
        lines += ["", "**Coordination hints**"]
        lines += [
            f"- {h['kind']} {render.md_code(render.one_line(h['value'], 100))}: "
            f"{len(h['accounts'])} accounts in {float(h['span_seconds']):.0f}s"
            for h in hints[:5]
        ]
    return {"text": "\n".join(lines), "username": username}


@dataclass(slots=True)
class WebhookChannel:
    """POST one alert event as JSON to ``url`` in one of :data:`FORMATS`."""

    url: str
    format: str = "json"
    name: str = "webhook"
    secret: str = field(default="", repr=False)
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    guard: LinkGuard | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"webhook format must be one of {FORMATS}, not {self.format!r}")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("webhook URL must be http(s)")

    def payload(self, alert: Alert, event: str) -> dict[str, Any]:
        if self.format == "slack":
            return slack_payload(alert, event)
        if self.format == "teams":
            return teams_payload(alert, event)
        if self.format == "mattermost":
            return mattermost_payload(alert, event)
        return generic_payload(alert, event)

    def send(self, alert: Alert, event: str) -> None:
        body = orjson.dumps(self.payload(alert, event), option=orjson.OPT_NON_STR_KEYS)
        headers = {"Content-Type": "application/json", "User-Agent": "socialhub-alerts"}
        headers.update(self.headers)
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Socialhub-Signature"] = f"sha256={digest}"
        try:
            with guarded_sync_client(self.guard, timeout=self.timeout) as client:
                response = client.post(self.url, content=body, headers=headers)
        except AddressRefused as exc:
            raise DeliveryError(f"webhook {exc}", retryable=False) from None
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook unreachable: {type(exc).__name__}") from exc
        code = response.status_code
        if not 200 <= code < 300:
            retryable = code == 429 or code >= 500
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise DeliveryError(f"HTTP {code}", retryable=retryable, retry_after=retry_after)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is ignored)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
