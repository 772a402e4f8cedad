"""Reports as HTML (email and PDF flavours), plain text, title and subject.

Templates are Jinja2 with autoescaping on: every value from a post (text, handle,
name, link) is escaped; the only markup inserted unescaped is the charts', which
:mod:`socialhub.reports.charts` builds with escaped labels. The email flavour uses
tables and inline styles only (no ``<style>`` block Gmail could drop, no script, no
SVG: charts are table cells); the PDF flavour draws the charts as SVG.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from socialhub.reports import charts
from socialhub.reports.texts import TEXTS

__all__ = ["render_html", "render_text", "subject", "title"]

_MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}  # fmt: skip


def local(iso: str, tz: str, lang: str = "fr", *, date: bool = True) -> str:
    """``2026-03-03T07:00:00+00:00`` -> ``3 mars 2026 08:00`` in the workspace's zone."""
    t = datetime.fromisoformat(iso).astimezone(ZoneInfo(tz))
    if not date:
        return t.strftime("%H:%M")
    month = _MONTHS.get(lang, _MONTHS["en"])[t.month - 1]
    return f"{t.day} {month} {t.year} {t:%H:%M}"


def number(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f")
    return f"{int(value):,}".replace(",", "\u202f")


def signed(value: float | None, unit: str = "%") -> str:
    """A change with its sign ("+12.5 %", "−3 pts"); "–" when there is none."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number(abs(value))}\u202f{unit}"


def safe_url(url: str) -> str:
    """Only http(s) links become ``href``s (a post may carry ``javascript:``)."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("socialhub.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["signed"] = signed
    env.filters["safe_url"] = safe_url
    env.globals["charts"] = {
        name: (lambda f: lambda *a, **k: Markup(f(*a, **k)))(getattr(charts, name))
        for name in charts.__all__
    }
    env.globals["COLORS"] = charts.COLORS
    return env


_ENV = _env()


def title(data: dict[str, Any]) -> str:
    t = TEXTS[data.get("lang", "fr")]
    ws = data["workspace"]
    end = local(data["period"]["end"], ws["timezone"], data.get("lang", "fr"))
    if data["kind"] == "crisis":
        return f"{t['crisis_title']} — {data['alert']['title']}"
    return f"{t[data['kind'] + '_title']} — {ws['name']} — {end}"


def subject(data: dict[str, Any], prefix: str = "[socialhub]") -> str:
    """One line (no CR/LF: header injection) naming the report and its period."""
    lang = data.get("lang", "fr")
    tz = data["workspace"]["timezone"]
    start = local(data["period"]["start"], tz, lang)
    end = local(data["period"]["end"], tz, lang)
    kind = TEXTS[lang][data["kind"] + "_title"]
    name = data["alert"]["title"] if data["kind"] == "crisis" else data["workspace"]["name"]
    line = f"{prefix} {kind} — {name} — {start} → {end} ({tz})".strip()
    return " ".join(line.split())


def render_html(data: dict[str, Any], *, pdf: bool = False) -> str:
    """The report as one HTML document; ``pdf`` selects the print flavour."""
    lang = data.get("lang", "fr")
    tz = data["workspace"]["timezone"]
    template = _ENV.get_template(f"{data['kind']}.html")
    return template.render(
        d=data,
        t=TEXTS[lang],
        pdf=pdf,
        title=title(data),
        when=lambda iso, date=True: local(iso, tz, lang, date=date),
        period=f"{local(data['period']['start'], tz, lang)} → "
        f"{local(data['period']['end'], tz, lang)} ({tz})",
    )


def render_text(data: dict[str, Any]) -> str:
    """A plain-text alternative: the title, period and headline figures."""
    t = TEXTS[data.get("lang", "fr")]
    lines = [title(data), subject(data, prefix="").split(" — ")[-1], ""]
    figures = data.get("figures")
    if figures:
        now, deltas = figures["current"], figures["deltas"]
        lines += [
            f"{t['volume']}: {number(now['volume'])} ({signed(deltas['volume'])})",
            f"{t['reach']}: {number(now['reach'])} ({signed(deltas['reach'])})",
            f"{t['net_sentiment']}: {number(now['sentiment']['net'])} "
            f"({signed(deltas['net_sentiment'], 'pts')})",
            f"{t['share_of_voice']}: {number(now['share_of_voice'])} % "
            f"({signed(deltas['share_of_voice'], 'pts')})",
        ]
    for group in data.get("groups", []):
        lines += ["", t["group_" + group["list_type"]]]
        for person in group["people"]:
            labels = "; ".join(topic["label"] for topic in person["topics"])
            lines.append(f"- {person['name']}: {labels}")
        if not group["people"]:
            lines.append(t["nobody"])
    lines += ["", t["see_pdf"]]
    return "\n".join(lines) + "\n"
