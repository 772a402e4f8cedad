"""The case report: one PDF (French or English) of the case, its items, captures,
notes and custody log, rendered by WeasyPrint from an autoescaped template (post texts
are hostile) that loads no external resource."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from socialhub.records.chain import ChainEntry
from socialhub.store.legal import Capture, Case, CaseItem, Note

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "case": "Dossier", "reason": "Motif", "status": "Statut", "owner": "Responsable",
        "opened_by": "Ouvert par", "exported": "Exporté par", "head": "Tête de la chaîne",
        "intro": "Chaque fichier du dossier est listé avec son empreinte SHA-256 dans "
                 "manifest.json ; le journal de conservation (custody.jsonl) est une chaîne "
                 "de hachage : « socialhub legal verify » contrôle l'ensemble.",
        "items": "Éléments", "item": "Élément", "url": "Adresse", "published": "Publié le",
        "author": "Auteur", "text": "Texte", "collected": "Collecté le",
        "raw_hash": "SHA-256 de la charge brute", "added": "Ajouté par",
        "captures": "Captures", "artifact": "Type", "when": "Date", "notes": "Notes",
        "custody": "Journal de conservation", "actor": "Acteur", "action": "Action",
        "subject": "Objet", "hash": "Empreinte",
    },
    "en": {
        "case": "Case", "reason": "Reason", "status": "Status", "owner": "Owner",
        "opened_by": "Opened by", "exported": "Exported by", "head": "Chain head",
        "intro": "Every file of the case is listed with its SHA-256 in manifest.json; the "
                 "custody log (custody.jsonl) is a hash chain: `socialhub legal verify` "
                 "checks it all.",
        "items": "Items", "item": "Item", "url": "Address", "published": "Published",
        "author": "Author", "text": "Text", "collected": "Collected",
        "raw_hash": "SHA-256 of the raw payload", "added": "Added by",
        "captures": "Captures", "artifact": "Kind", "when": "When", "notes": "Notes",
        "custody": "Chain of custody", "actor": "Actor", "action": "Action",
        "subject": "Subject", "hash": "Hash",
    },
}  # fmt: skip
REASON_NAMES = {
    "fr": {"defamation": "diffamation", "insult": "injure", "threat": "menace",
           "harassment": "harcèlement", "counterfeit": "contrefaçon",
           "data_leak": "fuite de données", "impersonation": "usurpation d'identité",
           "other": "autre"},
    "en": {"defamation": "defamation", "insult": "insult", "threat": "threat",
           "harassment": "harassment", "counterfeit": "counterfeit", "data_leak": "data leak",
           "impersonation": "impersonation", "other": "other"},
}  # fmt: skip
STATUS_NAMES = {
    "fr": {"open": "ouvert", "investigating": "en instruction", "filed": "plainte déposée",
           "closed": "clos"},
    "en": {"open": "open", "investigating": "investigating", "filed": "filed", "closed": "closed"},
}  # fmt: skip

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


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
    if lang not in TEXTS:
        raise ValueError(f"report language must be one of {sorted(TEXTS)}")
    zone = ZoneInfo(timezone)

    def when(value: datetime | None) -> str:
        return "—" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    context: dict[str, Any] = {
        "lang": lang, "t": TEXTS[lang], "reasons": REASON_NAMES[lang],
        "statuses": STATUS_NAMES[lang], "case": case, "items": items, "captures": captures,
        "notes": notes, "custody": custody, "when": when, "exported_by": exported_by,
        "exported_at": exported_at, "head": custody[-1].entry_hash if custody else "—",
    }  # fmt: skip
    return _ENV.get_template("case_report.html").render(**context)


def render_pdf(html: str) -> bytes:
    from socialhub.reports.pdf import html_to_pdf

    return html_to_pdf(html)
