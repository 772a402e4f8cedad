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
from datetime import datetime
from typing import Any

from socialhub.alerts.titles import localise_title
from socialhub.i18n import N_, _, current_locale, format_datetime, format_number, ngettext
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
        return f" (×{format_number(alert.observed / alert.baseline, 1)})"
    return ""


def _g(value: float) -> str:
    """A measure as ``:g`` would show it, in the context's locale."""
    return format_number(float(f"{value:g}"))


def title(alert: Alert) -> str:
    """The alert's title in the context's language (:mod:`socialhub.alerts.titles`)."""
    return localise_title(alert.detector, alert.title)


def facts(alert: Alert) -> list[tuple[str, str]]:
    """Label/value pairs of the explanation, in the context's language; values are NOT
    escaped (callers do)."""
    sev = _("%(n)s/10 (%(word)s)") % {
        "n": alert.severity,
        "word": _(severity_word(alert.severity)),
    }
    signals = ngettext("%(n)s signal", "%(n)s signals", alert.signals) % {"n": alert.signals}
    out = [
        (_("Severity"), sev),
        (_("State"), _(alert.state)),
        (_("Detector"), f"{alert.detector} v{alert.version}"),
        (_("Key"), alert.key),
        (
            _("Observed"),
            _("%(observed)s vs baseline %(baseline)s")
            % {
                "observed": _g(alert.observed),
                "baseline": _g(alert.baseline),
            }
            + _ratio(alert),
        ),
        (
            _("Threshold"),
            _("%(threshold)s (score %(score)s, x%(multiplier)s)")
            % {
                "threshold": _g(alert.threshold),
                "score": format_number(alert.score, 2),
                "multiplier": _g(alert.multiplier),
            },
        ),
        (_("Trend"), _(alert.trend)),
        (_("Since"), f"{format_datetime(alert.first_t)} ({signals})"),
    ]
    if alert.query_id is not None:
        out.insert(4, (_("Query"), str(alert.query_id)))
    prov = alert.provenance
    if prov.get("total"):
        share = float(prov.get("repost_share", 0))
        out.append(
            (
                _("Posts"),
                _("%(n)s (%(share)s reposts)")
                % {
                    "n": format_number(prov["total"]),
                    "share": format_number(100 * share, 0) + "\u00a0%",
                },
            )
        )
    return out


def first_posts(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("first_posts", []))


def amplifiers(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("amplifiers", []))


def coordination(alert: Alert) -> list[dict[str, Any]]:
    return list(alert.provenance.get("coordination", []))


# a coordination hint's kind (alerts/provenance.py), named in the reader's language
HINT_KINDS = {"text": N_("text"), "link": N_("link")}


def hint_kind(kind: str) -> str:
    return _(HINT_KINDS[kind]) if kind in HINT_KINDS else kind


def when(iso: str) -> str:
    """A post's ISO time (UTC) in the reader's locale and zone ("04/03/2025 09:00")."""
    try:
        return format_datetime(datetime.fromisoformat(iso), "short")
    except (TypeError, ValueError):
        return str(iso)


def headline(alert: Alert, event: str = "opened") -> str:
    prefix = {"escalated": _("ESCALATED"), "reopened": _("REOPENED")}.get(event, _("ALERT"))
    return one_line(f"[{prefix} {alert.severity}/10] {title(alert)}", 180)


def as_text(alert: Alert, event: str = "opened") -> str:
    """Plain text (email text part, CLI, in-app): control characters stripped."""
    lines = [headline(alert, event), ""]
    lines += [
        _("%(label)s: %(value)s") % {"label": k, "value": one_line(v)} for k, v in facts(alert)
    ]
    posts = first_posts(alert)
    if posts:
        lines += ["", _("First posts:")]
        for p in posts:
            who = f"@{p['author']}" if p["author"] else "?"
            lines.append(f"- {when(p['created_at'])} {one_line(who, 60)}: {one_line(p['text'])}")
            if p["url"]:
                lines.append(f"  {one_line(p['url'], 300)}")
    amps = amplifiers(alert)
    if amps:
        lines += ["", _("Top amplifiers:")]
        lines += [
            f"- @{one_line(a['author'], 60)}: "
            + _("%(followers)s followers, %(reposts)s reposts, %(posts)s post(s)")
            % {
                "followers": format_number(a["followers"]),
                "reposts": format_number(a["reposts_received"]),
                "posts": format_number(a["posts"]),
            }
            for a in amps
        ]
    hints = coordination(alert)
    if hints:
        lines += ["", _("Coordination hints (same text or link within seconds):")]
        lines += [
            f"- {hint_kind(h['kind'])} {one_line(h['value'], 120)!s}: "
            + _("%(n)s accounts in %(seconds)s s")
            % {
                "n": len(h["accounts"]),
                "seconds": format_number(float(h["span_seconds"]), 0),
            }
            + f" ({', '.join(one_line(a, 40) for a in h['accounts'][:8])})"
            for h in hints
        ]
    if alert.id is not None:
        lines += ["", _("Alert #%(id)s — socialhub alerts show %(id)s") % {"id": alert.id}]
    return "\n".join(lines) + "\n"


def as_html(alert: Alert, event: str = "opened") -> str:
    """HTML email body; every dynamic value goes through ``html.escape``."""
    e = html.escape
    rows = "".join(
        f"<tr><th align='left'>{e(k)}</th><td>{e(one_line(v))}</td></tr>" for k, v in facts(alert)
    )
    parts = [
        f'<html lang="{current_locale()}"><body>',
        f"<h2>{e(headline(alert, event))}</h2>",
        f"<table>{rows}</table>",
    ]
    posts = first_posts(alert)
    if posts:
        items = "".join(
            f"<li><b>@{e(one_line(p['author'], 60))}</b> {e(when(p['created_at']))}<br>"
            f"{e(one_line(p['text']))}<br><code>{e(one_line(p['url'], 300))}</code></li>"
            for p in posts
        )
        parts.append(f"<h3>{e(_('First posts'))}</h3><ol>{items}</ol>")
    amps = amplifiers(alert)
    if amps:
        items = "".join(
            f"<li>@{e(one_line(a['author'], 60))}: "
            + e(
                _("%(followers)s followers, %(reposts)s reposts")
                % {
                    "followers": format_number(int(a["followers"])),
                    "reposts": format_number(int(a["reposts_received"])),
                }
            )
            + "</li>"
            for a in amps
        )
        parts.append(f"<h3>{e(_('Top amplifiers'))}</h3><ul>{items}</ul>")
    hints = coordination(alert)
    if hints:
        items = "".join(
            f"<li>{e(hint_kind(h['kind']))} <code>{e(one_line(h['value'], 120))}</code>: "
            + e(
                _("%(n)s accounts in %(seconds)s s")
                % {
                    "n": len(h["accounts"]),
                    "seconds": format_number(float(h["span_seconds"]), 0),
                }
            )
            + f" ({e(', '.join(h['accounts'][:8]))})</li>"
            for h in hints
        )
        parts.append(f"<h3>{e(_('Coordination hints'))}</h3><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
