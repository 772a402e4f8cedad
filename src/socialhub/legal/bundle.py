"""The verifiable bundle of a case: one zip a court, a bailiff or opposing counsel can
check without socialhub's database.

Layout::

    manifest.json            every other file with its SHA-256 and size, the custody head
    case.json                the case, its items, captures and notes (metadata)
    report-fr.pdf            the case report (or report-en.pdf)
    items/<n>/record.json    the normalised record when the item was sent to legal
    items/<n>/raw.txt        the raw payload as collected (its capture-time SHA-256 is in
                             record.json and the custody log)
    captures/<sha256>.<ext>  WARC, screenshot, PDF: each named by its own SHA-256
    custody.jsonl            the chain of custody, one entry per line, with hashes
    custody-head.tsr         RFC 3161 timestamp of the head (when a TSA is configured)

Exporting appends a ``case.exported`` custody entry whose payload holds the SHA-256 of
the evidence files' listing (``files_digest``), so the chain itself vouches for the
files; the manifest names the head. :func:`verify_bundle` checks every file's hash,
files present but not listed, the chain (positions, links, hashes, expected head), the
export entry's digest, capture names, and the timestamp token, and names what fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from socialhub.legal.report import render_html, render_pdf
from socialhub.records.chain import ChainEntry, verify

if TYPE_CHECKING:
    from socialhub.legal.desk import LegalDesk

FORMAT = "socialhub-legal-bundle/1"
EXT = {"warc": "warc.gz", "screenshot": "png", "pdf": "pdf"}
_META = ("manifest.json", "custody.jsonl", "custody-head.tsr")


def _dump(value: Any) -> bytes:
    return orjson.dumps(
        value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        default=str,
    )  # fmt: skip


def files_digest(files: dict[str, bytes] | dict[str, str]) -> str:
    """SHA-256 of the listing ``<sha256>  <path>`` (sorted by path) of evidence files."""
    lines = []
    for path in sorted(files):
        value = files[path]
        digest = value if isinstance(value, str) else hashlib.sha256(value).hexdigest()
        lines.append(f"{digest}  {path}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def export_bundle(desk: LegalDesk, case_id: int, by: str, out: Path, *, lang: str = "fr") -> Path:
    """Write the case's bundle to ``out`` (a .zip path); returns it."""
    case = desk.case(case_id)
    items = desk.repo.list_items(case_id)
    captures = desk.repo.list_captures(case_id)
    notes = desk.repo.list_notes(case_id)
    files: dict[str, bytes] = {}
    for n, item in enumerate(items, start=1):
        files[f"items/{n}/record.json"] = _dump(
            {"kind": item.kind, "id": item.item_id, "url": item.url,
             "raw_sha256": item.raw_sha256, "record": item.record}
        )  # fmt: skip
        if item.raw is not None:
            files[f"items/{n}/raw.txt"] = item.raw.encode("utf-8")
    for capture in captures:
        if capture.status == "ok" and capture.sha256:
            files[f"captures/{capture.sha256}.{EXT[capture.artifact]}"] = desk.files.get(
                capture.sha256
            )
    files["case.json"] = _dump(
        {
            "case": case.to_dict(),
            "items": [{k: v for k, v in i.to_dict().items() if k != "raw"} for i in items],
            "captures": [c.to_dict() for c in captures],
            "notes": [
                {"id": n.id, "author": n.author, "body": n.body,
                 "created_at": n.created_at.isoformat()}
                for n in notes
            ],
        }
    )  # fmt: skip
    now = desk.clock()
    # The report lists the custody log up to the export entry, which it cannot contain
    # (the entry holds the digest of the files, report included): it is listed up to
    # the entry before, and custody.jsonl has the rest.
    before = desk.custody.entries(case_id)
    html = render_html(
        case, items, captures, notes, before, lang=lang, exported_by=by, exported_at=now
    )
    files[f"report-{lang}.pdf"] = render_pdf(html)
    digest = files_digest(files)
    head = desk.custody.record(
        case_id, by, "case.exported", payload={"files_digest": digest, "files": len(files)},
        at=now,
    )  # fmt: skip
    entries = desk.custody.entries(case_id)
    files["custody.jsonl"] = b"".join(
        orjson.dumps(e.to_dict(), option=orjson.OPT_SORT_KEYS) + b"\n" for e in entries
    )
    token_info: dict[str, Any] | None = None
    if desk.config.tsa_url:
        from socialhub.legal.tsa import request_timestamp

        token = request_timestamp(desk.config.tsa_url, head.entry_hash)
        files["custody-head.tsr"] = token.der
        token_info = {"tsa": desk.config.tsa_url, "gen_time": token.gen_time.isoformat()}
    manifest = {
        "format": FORMAT,
        "case": case_id,
        "exported_by": by,
        "exported_at": now.isoformat(),
        "custody": {"chain": head.chain, "head": head.entry_hash, "entries": len(entries)},
        "files_digest": digest,
        "timestamp": token_info,
        "files": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for path, data in sorted(files.items())
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", _dump(manifest))
        for path, data in sorted(files.items()):
            zf.writestr(path, data)
    return out


@dataclass(slots=True)
class Verdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked_files: int = 0
    custody_entries: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "checked_files": self.checked_files,
                "custody_entries": self.custody_entries}  # fmt: skip


def _entry(data: dict[str, Any]) -> ChainEntry:
    from datetime import datetime

    return ChainEntry(
        str(data["chain"]), int(data["seq"]),
        datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00")), str(data["actor"]),
        str(data["action"]), str(data["subject"]), dict(data.get("payload") or {}),
        str(data["prev_hash"]), str(data["entry_hash"]), data.get("id"),
    )  # fmt: skip


def verify_bundle(path: Path) -> Verdict:
    """Check a bundle; every problem names the file or custody entry at fault."""
    problems: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return Verdict(False, [f"{path}: not a readable zip ({exc})"])
    with zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            return Verdict(False, ["manifest.json is missing"])
        try:
            manifest = json.loads(zf.read("manifest.json"))
            listed = {f["path"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError) as exc:
            return Verdict(False, [f"manifest.json is unreadable ({exc})"])
        if manifest.get("format") != FORMAT:
            problems.append(f"manifest.json: unknown format {manifest.get('format')!r}")
        digests: dict[str, str] = {}
        for name, info in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            data = zf.read(name)
            digest = hashlib.sha256(data).hexdigest()
            digests[name] = digest
            if digest != info.get("sha256"):
                problems.append(f"{name}: altered (SHA-256 {digest[:16]}… is not the manifest's)")
            match = re.fullmatch(r"captures/([0-9a-f]{64})\.[a-z.]+", name)
            if match and match.group(1) != digest:
                problems.append(f"{name}: altered (its bytes do not hash to its name)")
        for name in sorted(names - set(listed) - {"manifest.json"}):
            problems.append(f"{name}: present but not listed in the manifest")
        entries: list[ChainEntry] = []
        if "custody.jsonl" in names:
            for n, line in enumerate(zf.read("custody.jsonl").splitlines(), start=1):
                try:
                    entries.append(_entry(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    problems.append(f"custody.jsonl line {n}: unreadable entry ({exc})")
        else:
            problems.append("custody.jsonl is missing")
        head = (manifest.get("custody") or {}).get("head")
        broken = verify(entries, expect_head=head) if entries else None
        if broken is not None:
            problems.append(f"custody.jsonl: {broken.describe()}")
        exports = [e for e in entries if e.action == "case.exported"]
        evidence = {n: d for n, d in digests.items() if n not in _META}
        if not exports:
            problems.append("custody.jsonl: no case.exported entry")
        elif exports[-1].payload.get("files_digest") != files_digest(evidence):
            problems.append(
                "evidence files do not match the custody log's export entry "
                "(a file was changed, added or removed and the manifest rewritten)"
            )
        if manifest.get("timestamp") and "custody-head.tsr" in names and head:
            from socialhub.legal.tsa import TimestampError, check_token

            try:
                check_token(zf.read("custody-head.tsr"), head)
            except TimestampError as exc:
                problems.append(f"custody-head.tsr: {exc}")
        return Verdict(not problems, problems, len(digests), len(entries))


def read_member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def rewrite_member(path: Path, name: str, data: bytes) -> None:
    """Replace one file of a zip (for tests and for demonstrating tampering)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info.filename))
    path.write_bytes(buffer.getvalue())
