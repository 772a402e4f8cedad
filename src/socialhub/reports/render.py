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

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from socialhub.alerts.render import hint_kind
from socialhub.alerts.titles import localise_title
from socialhub.i18n import format_datetime, format_number, format_time, install_jinja, use_locale
from socialhub.reports import charts
from socialhub.reports.fit import limits
from socialhub.reports.reasons import top_reasons
from socialhub.reports.texts import Texts

__all__ = ["render_html", "render_text", "subject", "title"]


_FORMAT = {"fr": "d MMM y HH:mm", "en": "d MMM y, HH:mm"}


def local(iso: str, tz: str, lang: str = "fr", *, date: bool = True) -> str:
    """``2026-03-03T07:00:00+00:00`` -> ``3 mars 2026 08:00`` in the workspace's zone
    (Babel, the report's locale; 24-hour clock)."""
    t = datetime.fromisoformat(iso)
    with use_locale(lang, tz):
        if not date:
            return format_time(t, "HH:mm", tz)
        return format_datetime(t, _FORMAT.get(lang, _FORMAT["en"]), tz)


def number(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 1)
    return format_number(int(value))


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
    install_jinja(env)
    env.filters["number"] = number
    env.filters["signed"] = signed
    env.filters["safe_url"] = safe_url
    env.globals["charts"] = {
        name: (lambda f: lambda *a, **k: Markup(f(*a, **k)))(getattr(charts, name))
        for name in charts.__all__
    }
    env.globals["COLORS"] = charts.COLORS
    env.globals["reasons"] = top_reasons
    env.globals["alert_title"] = localise_title
    env.globals["hint_kind"] = hint_kind
    env.globals["fit_limits"] = limits
    return env


_ENV = _env()


def title(data: dict[str, Any]) -> str:
    lang, t = data.get("lang", "fr"), Texts()
    with use_locale(lang, data["workspace"]["timezone"]):
        return _title(data, t)


def _title(data: dict[str, Any], t: Texts) -> str:
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
    with use_locale(lang, tz):
        kind = Texts()[data["kind"] + "_title"]
    name = data["alert"]["title"] if data["kind"] == "crisis" else data["workspace"]["name"]
    line = f"{prefix} {kind} — {name} — {start} → {end} ({tz})".strip()
    return " ".join(line.split())


def render_html(data: dict[str, Any], *, pdf: bool = False) -> str:
    """The report as one HTML document; ``pdf`` selects the print flavour."""
    lang = data.get("lang", "fr")
    tz = data["workspace"]["timezone"]
    template = _ENV.get_template(f"{data['kind']}.html")
    with use_locale(lang, tz):
        return _render(template, data, pdf, lang, tz)


def _render(template: Any, data: dict[str, Any], pdf: bool, lang: str, tz: str) -> str:
    return template.render(
        lang=lang,
        d=data,
        t=Texts(),
        pdf=pdf,
        title=title(data),
        when=lambda iso, date=True: local(iso, tz, lang, date=date),
        period=f"{local(data['period']['start'], tz, lang)} → "
        f"{local(data['period']['end'], tz, lang)} ({tz})",
    )


def _net(sentiment: dict[str, Any]) -> str:
    """The net sentiment in points, or why there is none."""
    from socialhub.i18n import gettext as _

    if sentiment.get("net") is not None:
        return signed(sentiment["net"], "pts")
    reasons = {
        "no_posts": _("no post about the brand in the period"),
        "not_rated": _("no post about the brand was rated for sentiment"),
    }
    return "– (" + reasons.get(str(sentiment.get("gap")), "") + ")"


def render_text(data: dict[str, Any]) -> str:
    """A plain-text alternative: the title, period and headline figures."""
    with use_locale(data.get("lang", "fr"), data["workspace"]["timezone"]):
        return _text(data, Texts())


def _text(data: dict[str, Any], t: Texts) -> str:
    lines = [title(data), subject(data, prefix="").split(" — ")[-1], ""]
    figures = data.get("figures")
    if figures:
        now, deltas = figures["current"], figures["deltas"]
        lines += [
            f"{t['volume']}: {number(now['volume'])} ({signed(deltas['volume'])})",
            f"{t['reach']}: {number(now['reach'])} ({signed(deltas['reach'])})",
            f"{t['net_sentiment']}: {_net(now['sentiment'])} "
            f"({signed(deltas['net_sentiment'], 'pts')})",
            f"{t['share_of_voice']}: {number(now['share_of_voice'])} % "
            f"({signed(deltas['share_of_voice'], 'pts')})",
        ]
    for group in data.get("groups", []):
        if group["list_type"] == "journalist":
            continue
        lines += ["", t["group_" + group["list_type"]]]
        for person in group["people"]:
            labels = "; ".join(topic["label"] for topic in person["topics"])
            lines.append(f"- {person['name']}: {labels}")
        if not group["people"]:
            lines.append(t["nobody"])
    from socialhub.i18n import gettext as _

    if data.get("essentials"):
        lines += ["", _("The essentials")]
        for i, item in enumerate(data["essentials"], 1):
            lines.append(f"{i}. {item['headline']} — {item['suggestion']['action']}")
    lines += ["", t["see_pdf"]]
    return "\n".join(lines) + "\n"
