"""The explanation of an alert, rendered safely for each medium.

Post text, handles and URLs are hostile input: whoever writes a post controls them.
Every renderer escapes them for its medium (HTML: ``html.escape``; Slack mrkdwn:
``&``, ``<``, ``>``; Markdown for Mattermost and Teams: backslash escapes, ``@`` broken
so ``@channel`` pings nobody, URLs in code spans so they are neither linked nor
previewed). Post URLs are never turned into links.
"""

from __future__ import annotations

import html
import re
from typing import Any

from socialhub.records.alerts import Alert

SEVERITY_WORDS = {1: "note", 4: "warning", 7: "major", 9: "crisis"}
_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def severity_word(severity: int) -> str:
    word = "note"
    for floor, name in SEVERITY_WORDS.items():
        if severity >= floor:
            word = name
    return word


def one_line(text: str, limit: int = 200) -> str:
    """Whitespace collapsed, control characters removed, truncated."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_escape(text: str) -> str:
    """Slack mrkdwn control characters (``<!channel>``, ``<url|label>``) made inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_escape(text: str) -> str:
    """Markdown made literal (Mattermost, Teams): specials escaped, mentions broken."""
    return _MD_SPECIALS.sub(r"\\\1", text).replace("@", "@\u200b")


def md_code(text: str) -> str:
    """A URL or id as an inline code span: shown verbatim, never linked or previewed."""
    return "`" + text.replace("`", "%60") + "`"


def _ratio(alert: Alert) -> str:
    if alert.baseline > 0:
        return f" (×{alert.observed / alert.baseline:.1f})"
    return ""


def facts(alert: Alert) -> list[tuple[str, str]]:
    """Label/value pairs of the explanation; values are NOT escaped (callers do)."""
    out = [
        ("Severity", f"{alert.severity}/10 ({severity_word(alert.severity)})"),
        ("State", alert.state),
        ("Detector", f"{alert.detector} v{alert.version}"),
        ("Key", alert.key),
        ("Observed", f"{alert.observed:g} vs baseline {alert.baseline:g}{_ratio(alert)}"),
        ("Threshold", f"{alert.threshold:g} (score {alert.score:.2f}, x{alert.multiplier:g})"),
        ("Trend", alert.trend),
        ("Since", f"{alert.first_t:%Y-%m-%d %H:%M:%S} UTC ({alert.signals} signal(s))"),
    ]
    if alert.query_id is not None:
        out.insert(4, ("Query", str(alert.query_id)))
    prov = alert.provenance
    if prov.get("total"):
        share = 100 * float(prov.get("repost_share", 0))
        out.append(("Posts", f"{prov['total']} ({share:.0f}% reposts)"))
    return out


def first_posts(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("first_posts", []))


def amplifiers(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("amplifiers", []))


def coordination(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("coordination", []))


def headline(alert: Alert, event: str = "opened") -> str:
    prefix = {"escalated": "ESCALATED", "reopened": "REOPENED"}.get(event, "ALERT")
    return one_line(f"[{prefix} {alert.severity}/10] {alert.title}", 180)


def as_text(alert: Alert, event: str = "opened") -> str:
    """Plain text (email text part, CLI, in-app): control characters stripped."""
    lines = [headline(alert, event), ""]
    lines += [f"{k}: {one_line(v)}" for k, v in facts(alert)]
    posts = first_posts(alert)
    if posts:
        lines += ["", "First posts:"]
        for p in posts:
            who = f"@{p['author']}" if p["author"] else "?"
            lines.append(f"- {p['created_at']} {one_line(who, 60)}: {one_line(p['text'])}")
            if p["url"]:
                lines.append(f"  {one_line(p['url'], 300)}")
    amps = amplifiers(alert)
    if amps:
        lines += ["", "Top amplifiers:"]
        lines += [
            f"- @{one_line(a['author'], 60)}: {a['followers']} followers, "
            f"{a['reposts_received']} reposts, {a['posts']} post(s)"
            for a in amps
        ]
    hints = coordination(alert)
    if hints:
        lines += ["", "Coordination hints (same text or link within seconds):"]
        lines += [
            f"- {h['kind']} {one_line(h['value'], 120)!s}: {len(h['accounts'])} accounts "
            f"in {h['span_seconds']:.0f}s ({', '.join(one_line(a, 40) for a in h['accounts'][:8])})"
            for h in hints
        ]
    if alert.id is not None:
        lines += ["", f"Alert #{alert.id} — socialhub alerts show {alert.id}"]
    return "\n".join(lines) + "\n"


def as_html(alert: Alert, event: str = "opened") -> str:
    """HTML email body; every dynamic value goes through ``html.escape``."""
    e = html.escape
    rows = "".join(
        f"<tr><th align='left'>{e(k)}</th><td>{e(one_line(v))}</td></tr>" for k, v in facts(alert)
    )
    parts = [
        "<html><body>",
        f"<h2>{e(headline(alert, event))}</h2>",
        f"<table>{rows}</table>",
    ]
    posts = first_posts(alert)
    if posts:
        items = "".join(
            f"<li><b>@{e(one_line(p['author'], 60))}</b> {e(p['created_at'])}<br>"
            f"{e(one_line(p['text']))}<br><code>{e(one_line(p['url'], 300))}</code></li>"
            for p in posts
        )
        parts.append(f"<h3>First posts</h3><ol>{items}</ol>")
    amps = amplifiers(alert)
    if amps:
        items = "".join(
            f"<li>@{e(one_line(a['author'], 60))}: {int(a['followers'])} followers, "
            f"{int(a['reposts_received'])} reposts</li>"
            for a in amps
        )
        parts.append(f"<h3>Top amplifiers</h3><ul>{items}</ul>")
    hints = coordination(alert)
    if hints:
        items = "".join(
            f"<li>{e(h['kind'])} <code>{e(one_line(h['value'], 120))}</code>: "
            f"{len(h['accounts'])} accounts in {float(h['span_seconds']):.0f}s "
            f"({e(', '.join(h['accounts'][:8]))})</li>"
            for h in hints
        )
        parts.append(f"<h3>Coordination hints</h3><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
