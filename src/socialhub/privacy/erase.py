"""Right to erasure: a person's mentions and profile, on every platform, everywhere.

Order of work: find the subject (profile rows by handle, on one platform or all; their
mentions by author id or handle); delete the mentions that no legal hold protects, with
their index entries, routes and rollup counts; delete the profile unless a held mention
still needs it; remove the handle from watchlists; then search every table of the
schema for what is left (handle, ``@handle``, name, author ids, the erased posts' ids,
links and texts) and redact it, or delete the row where the row is the person's payload
(quarantine, dead letters). Report PDFs whose HTML changed are rebuilt from it.

What a hold keeps is listed in the report with the case and its reason, and logged. The
erasure itself is recorded under the SHA-256 of the subject, never the handle.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from socialhub.models import utcnow
from socialhub.privacy.redact import Redaction
from socialhub.store.base import Store
from socialhub.store.legal import Hold
from socialhub.store.privacy import (
    CASE_TABLES,
    DELETED_ROWS,
    NOT_REDACTED,
    Found,
    PrivacyRepo,
    Subject,
)
from socialhub.store.traces import Trace

log = logging.getLogger(__name__)

MIN_NAME = 4  # shorter names ("Al") would redact unrelated words
MIN_TEXT = 12  # shorter texts ("ok") too


@dataclass(slots=True)
class ErasureReport:
    subject: str
    subject_sha256: str
    dry_run: bool
    mentions: int = 0
    authors: int = 0
    routes: int = 0
    watchlist_members: int = 0
    redacted: dict[str, int] = field(default_factory=dict)  # table -> rows changed
    deleted_rows: dict[str, int] = field(default_factory=dict)  # quarantine, dead letters
    reports_rebuilt: list[int] = field(default_factory=list)
    held: list[Hold] = field(default_factory=list)
    kept_rows: dict[str, int] = field(default_factory=dict)  # rows of open cases / held alerts

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject_sha256": self.subject_sha256,
            "dry_run": self.dry_run,
            "mentions": self.mentions,
            "authors": self.authors,
            "routes": self.routes,
            "watchlist_members": self.watchlist_members,
            "redacted": self.redacted,
            "deleted_rows": self.deleted_rows,
            "reports_rebuilt": self.reports_rebuilt,
            "held": [
                {
                    "item": h.item_id,
                    "kind": h.kind,
                    "case": h.case_id,
                    "reason": h.reason,
                    "title": h.title,
                }
                for h in self.held
            ],
            "kept_rows": self.kept_rows,
        }


def subject_sha256(subject: Subject) -> str:
    return hashlib.sha256(subject.key().encode()).hexdigest()


def needles_of(
    subject: Subject, found: Found, erased: list[dict[str, Any]]
) -> tuple[list[str], list[str]]:
    """(strings to cut out, ids to drop from lists) for a subject and its erased posts."""
    needles = {subject.norm, f"@{subject.norm}"}
    for author in found.authors:
        handle = str(author.get("handle") or "")
        if handle:
            needles |= {handle, f"@{handle.lstrip('@')}"}
        name = str(author.get("name") or "").strip()
        if len(name) >= MIN_NAME:
            needles.add(name)
        needles.add(str(author["id"]))
    ids = [str(m["id"]) for m in erased]
    for m in erased:
        needles.add(str(m["id"]))
        if m.get("url"):
            needles.add(str(m["url"]))
        text = str(m.get("text") or "").strip()
        if len(text) >= MIN_TEXT:
            needles.add(text)
    return sorted(n for n in needles if n), ids


def erase_author(
    store: Store,
    subject: Subject,
    *,
    by: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ErasureReport:
    """Erase a person (see the module docstring); ``dry_run`` only counts."""
    now = now or utcnow()
    repo = PrivacyRepo(store)
    report = ErasureReport(subject.key(), subject_sha256(subject), dry_run)
    found = repo.find_subject(subject)
    holds = repo.legal.holds("mention")
    held_ids = {str(m["id"]) for m in found.mentions if str(m["id"]) in holds}
    erased = [m for m in found.mentions if str(m["id"]) not in held_ids]
    needles, ids = needles_of(subject, found, erased)
    if dry_run:
        report.mentions = len(erased)
        report.held = [holds[i] for i in sorted(held_ids)]
        needed = {str(m["author_id"]) for m in found.mentions if str(m["id"]) in held_ids}
        report.authors = len([a for a in found.author_ids if a not in needed])
        return report

    deleted = repo.delete_mentions([int(m["seq"]) for m in found.mentions], now)
    report.mentions, report.routes, report.held = deleted.mentions, deleted.routes, deleted.held
    # A held post is shown with its author: that profile stays while a hold needs it.
    held_ids = {h.item_id for h in deleted.held}
    needed = {str(m["author_id"]) for m in found.mentions if str(m["id"]) in held_ids}
    report.authors = repo.delete_authors([a for a in found.author_ids if a not in needed])
    report.watchlist_members = repo.delete_watchlist_members(subject)

    _redact_derived(repo, report, needles, ids)
    repo.record_erasure(
        report.subject_sha256,
        by,
        now,
        {
            "mentions": report.mentions,
            "authors": report.authors,
            "watchlist_members": report.watchlist_members,
            "redacted": sum(report.redacted.values()),
            "deleted_rows": sum(report.deleted_rows.values()),
        },
        report.held,
    )
    return report


def _kept(repo: PrivacyRepo, trace: Trace, open_cases: set[int], held_alerts: set[str]) -> bool:
    """True for rows a legal hold protects: an open case's own rows, a held alert's."""
    row = trace.row
    if trace.table in CASE_TABLES:
        return int(row["case_id"]) in open_cases
    if trace.table == "legal_cases":
        return int(row["id"]) in open_cases
    if trace.table == "alerts":
        return str(row["id"]) in held_alerts
    if trace.table in ("alert_events", "notifications", "alert_deliveries"):
        return str(row.get("alert_id")) in held_alerts
    return False


def _redact_derived(
    repo: PrivacyRepo, report: ErasureReport, needles: list[str], ids: list[str]
) -> None:
    redaction = Redaction(needles, ids)
    open_cases = repo.open_case_ids()
    held_alerts = set(repo.legal.holds("alert"))
    redacted: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    html_changed: set[int] = set()
    for trace in repo.traces(needles, exclude=sorted(NOT_REDACTED)):
        if _kept(repo, trace, open_cases, held_alerts):
            kept[trace.table] += 1
            continue
        if trace.table in DELETED_ROWS:
            deleted[trace.table] += repo.rewrite(trace, None)
            continue
        old = trace.row[trace.column]
        new = redaction.value(old)
        if new == old:
            continue
        redacted[trace.table] += repo.rewrite(trace, new)
        if trace.table == "reports" and trace.column == "html":
            html_changed.add(int(trace.row["id"]))
    report.redacted, report.deleted_rows, report.kept_rows = (
        dict(redacted),
        dict(deleted),
        dict(kept),
    )
    for report_id in sorted(html_changed):
        _rebuild_pdf(repo, report_id)
        report.reports_rebuilt.append(report_id)


def _rebuild_pdf(repo: PrivacyRepo, report_id: int) -> None:
    rows = repo.db._rows("SELECT html, pdf FROM reports WHERE id = ?", [report_id])
    if not rows or rows[0][1] is None:
        return
    try:
        from socialhub.reports.pdf import html_to_pdf

        pdf: bytes | None = html_to_pdf(str(rows[0][0]))
    except Exception:  # the old PDF must go whatever happens: no PDF beats a leaking one
        log.exception("report %s: cannot rebuild its PDF after an erasure", report_id)
        pdf = None
    repo.set_report_pdf(report_id, pdf)
