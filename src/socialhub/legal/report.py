"""The case report: one PDF (French or English, through gettext) of the case, its items, captures,
notes and custody log, rendered by WeasyPrint from an autoescaped template (post texts
are hostile) that loads no external resource."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from socialhub.i18n import LOCALES, N_, _, install_jinja, use_locale
from socialhub.records.chain import ChainEntry
from socialhub.store.legal import Capture, Case, CaseItem, Note

#: The case's reason and status codes as people read them (translated when shown).
REASON_NAMES = {
    "defamation": N_("defamation"), "insult": N_("insult"), "threat": N_("threat"),
    "harassment": N_("harassment"), "counterfeit": N_("counterfeit"),
    "data_leak": N_("data leak"), "impersonation": N_("impersonation"), "other": N_("other"),
}  # fmt: skip
STATUS_NAMES = {
    "open": N_("open"), "investigating": N_("investigating"), "filed": N_("filed"),
    "closed": N_("closed"),
}  # fmt: skip

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
install_jinja(_ENV)


def render_html(
    case: Case,
    items: list[CaseItem],
    captures: list[Capture],
    notes: list[Note],
    custody: list[ChainEntry],
    *,
    lang: str,
    exported_by: str,
    exported_at: datetime,
    timezone: str = "Europe/Paris",
) -> str:
    if lang not in LOCALES:
        raise ValueError(f"report language must be one of {sorted(LOCALES)}")
    zone = ZoneInfo(timezone)

    def when(value: datetime | None) -> str:
        return "—" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    def named(table: dict[str, str], code: str) -> str:
        return _(table[code]) if code in table else code

    context: dict[str, Any] = {
        "lang": lang, "reason_name": lambda code: named(REASON_NAMES, code),
        "status_name": lambda code: named(STATUS_NAMES, code), "case": case, "items": items,
        "captures": captures,
        "notes": notes, "custody": custody, "when": when, "exported_by": exported_by,
        "exported_at": exported_at, "head": custody[-1].entry_hash if custody else "—",
    }  # fmt: skip
    with use_locale(lang, timezone):
        return _ENV.get_template("case_report.html").render(**context)


def render_pdf(html: str) -> bytes:
    from socialhub.reports.pdf import html_to_pdf

    return html_to_pdf(html)
