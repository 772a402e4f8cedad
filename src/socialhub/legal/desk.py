"""The legal desk: send items to legal, manage cases, capture evidence.

Every act on a case is also an entry of its chain of custody (:mod:`.custody`), written
right after the act: opened, item added, viewed, note added, status/owner/title/reason
changed, capture taken or refused, exported, timestamped. Roles are the caller's
business (web: ``legal.send`` for analysts and up, ``legal.manage`` for legal and
admin; the CLI is an operator's tool).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from socialhub.i18n import M_
from socialhub.legal.custody import Custody
from socialhub.legal.fetch import CaptureGuard, CaptureRefused, GuardedFetcher
from socialhub.legal.files import EvidenceFiles
from socialhub.models import utcnow
from socialhub.serialize import mention_to_dict
from socialhub.store.base import Store
from socialhub.store.legal import REASONS, STATUSES, Capture, Case, CaseItem, LegalRepo, Note

FILES_ENV = "SOCIALHUB_EVIDENCE_DIR"
TSA_ENV = "SOCIALHUB_TSA_URL"
MAX_NOTE = 20_000


class LegalError(ValueError):
    """A request the desk refuses (unknown item, closed case, bad value), with why."""


@dataclass(slots=True)
class LegalConfig:
    files: Path = Path("data/evidence")
    # Exact host:port pairs captured whatever they resolve to (tests' own servers); the
    # guard also reads SOCIALHUB_FETCH_ALLOW, like every connector fetch.
    allow: tuple[str, ...] = ()
    tsa_url: str = ""
    browser: bool = True
    chromium: str = "/usr/bin/chromium"

    @classmethod
    def from_env(cls, **overrides: Any) -> LegalConfig:
        config = cls(
            files=Path(os.environ.get(FILES_ENV) or "data/evidence"),
            tsa_url=os.environ.get(TSA_ENV, ""),
        )
        for key, value in overrides.items():
            setattr(config, key, value)
        return config


@dataclass(slots=True)
class CaptureResult:
    captures: list[Capture] = field(default_factory=list)
    refused: str = ""
    blocked: list[str] = field(default_factory=list)


def sha256_json(value: Any) -> str:
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(data).hexdigest()


class LegalDesk:
    def __init__(self, store: Store, config: LegalConfig | None = None, clock: Any = utcnow):
        self.store = store
        self.config = config or LegalConfig.from_env()
        self.repo = LegalRepo(store)
        self.custody = Custody(store)
        self.files = EvidenceFiles(self.config.files)
        self.clock = clock

    # -- cases ---------------------------------------------------------------------

    def case(self, case_id: int, workspace_id: int | None = None) -> Case:
        case = self.repo.get_case(case_id)
        if case is None or (workspace_id is not None and case.workspace_id != workspace_id):
            raise LegalError(M_("no case %(case)s", case=case_id))
        return case

    def send(
        self,
        workspace_id: int,
        kind: str,
        item_id: str,
        *,
        by: str,
        reason: str = "other",
        title: str = "",
        case_id: int | None = None,
        note: str = "",
    ) -> tuple[Case, bool]:
        """Open a case with this item, or add it to ``case_id``; returns the case and
        whether the item is new in it."""
        record, raw, raw_sha, url = self._item(workspace_id, kind, item_id)
        now = self.clock()
        if case_id is None:
            if reason not in REASONS:
                raise LegalError(
                    M_(
                        "unknown reason %(reason)r; expected one of %(reasons)s",
                        reason=reason,
                        reasons=REASONS,
                    )
                )
            title = title.strip() or _default_title(kind, item_id)
            case = self.repo.add_case(
                Case(workspace_id, title[:300], reason, created_by=by, created_at=now)
            )
            assert case.id is not None
            self.custody.record(case.id, by, "case.opened", payload={"reason": reason}, at=now)
        else:
            case = self.case(case_id, workspace_id)
            if case.status == "closed":
                raise LegalError(M_("case %(case)s is closed: reopen it first", case=case_id))
        assert case.id is not None
        item = CaseItem(case.id, kind, item_id, now, url, record, raw, raw_sha, by)
        added = self.repo.add_item(item)
        if added:
            self.custody.record(
                case.id,
                by,
                "item.added",
                f"{kind}:{item_id}",
                {"raw_sha256": raw_sha, "record_sha256": sha256_json(record)},
                at=now,
            )
        if note.strip():
            self.add_note(case.id, by, note)
        return self.case(case.id), added

    def _item(
        self, workspace_id: int, kind: str, item_id: str
    ) -> tuple[dict[str, Any], str | None, str, str]:
        if kind == "mention":
            mention = self.store.mentions.get_mention(item_id)
            if mention is None or workspace_id not in self.repo.mention_workspaces(item_id):
                raise LegalError(M_("no mention %(item)s in this workspace", item=item_id))
            raw, sha, url = self.repo.stored_payload(item_id)
            return mention_to_dict(mention, include_raw=False), raw, sha, url
        if kind == "alert":
            alert = self.store.alerts.get_alert(int(item_id)) if item_id.isdigit() else None
            if alert is None or alert.workspace_id != workspace_id:
                raise LegalError(M_("no alert %(item)s in this workspace", item=item_id))
            return alert.to_dict(), None, "", ""
        if kind == "story":
            # the story as grouped (headline, patient zero, voices, posts' ids); its posts
            # can be sent one by one for their raw payloads and captures
            story = (
                self.store.stories.get(workspace_id, int(item_id)) if item_id.isdigit() else None
            )
            if story is None:
                raise LegalError(M_("no story %(item)s in this workspace", item=item_id))
            record = story.to_dict()
            record["mention_ids"] = self.store.stories.member_ids(workspace_id, int(item_id))
            return record, None, "", ""
        raise LegalError(M_("cannot send a %(kind)r to legal (mention, alert or story)", kind=kind))

    def view(self, case_id: int, by: str) -> Case:
        case = self.case(case_id)
        self.custody.record(case_id, by, "case.viewed", at=self.clock())
        return case

    def add_note(self, case_id: int, by: str, body: str) -> Note:
        body = body.strip()
        if not body or len(body) > MAX_NOTE:
            raise LegalError(M_("a note is 1 to %(max)s characters", max=MAX_NOTE))
        if self.case(case_id).status == "closed":
            raise LegalError(M_("case %(case)s is closed", case=case_id))
        now = self.clock()
        note = self.repo.add_note(Note(case_id, by, body, now))
        digest = hashlib.sha256(body.encode()).hexdigest()
        self.custody.record(
            case_id, by, "note.added", f"note:{note.id}", {"body_sha256": digest}, at=now
        )
        return note

    def update(
        self,
        case_id: int,
        by: str,
        *,
        status: str | None = None,
        owner: str | None = None,
        title: str | None = None,
        reason: str | None = None,
    ) -> Case:
        case = self.case(case_id)
        if status is not None and status not in STATUSES:
            raise LegalError(
                M_(
                    "unknown status %(status)r; expected one of %(statuses)s",
                    status=status,
                    statuses=STATUSES,
                )
            )
        if reason is not None and reason not in REASONS:
            raise LegalError(
                M_(
                    "unknown reason %(reason)r; expected one of %(reasons)s",
                    reason=reason,
                    reasons=REASONS,
                )
            )
        now = self.clock()
        changes: dict[str, tuple[str, str]] = {}
        for name, value in (("status", status), ("owner", owner), ("reason", reason)):
            if value is not None and value != getattr(case, name):
                changes[name] = (getattr(case, name), value)
                setattr(case, name, value)
        if title is not None and title.strip() and title.strip() != case.title:
            case.title = title.strip()[:300]
            changes["title"] = ("", "")  # the text stays out of the chain
        if not changes:
            return case
        case.updated_at = now
        if status is not None and status != "closed":
            case.closed_at = None
        saved = self.repo.update_case(case)
        for name, (old, new) in changes.items():
            self.custody.record(
                case_id, by, f"case.{name}", payload={"from": old, "to": new}, at=now
            )
        return saved

    # -- evidence capture --------------------------------------------------------------

    def capture(self, case_id: int, item_id: str, by: str) -> CaptureResult:
        """Capture the public page of an item: WARC always, screenshot and PDF by
        Chromium (when enabled); refused or failed captures are recorded too."""
        case = self.case(case_id)
        items = {i.item_id: i for i in self.repo.list_items(case_id)}
        if item_id not in items:
            raise LegalError(M_("%(item)s is not in case %(case)s", item=item_id, case=case_id))
        url = items[item_id].url
        if not url:
            raise LegalError(M_("%(item)s has no public address to capture", item=item_id))
        del case
        guard = CaptureGuard(self.config.allow)
        fetcher = GuardedFetcher(guard)
        result = CaptureResult()
        now = self.clock()
        shown = None
        error = ""

        def keep(artifact: str, status: str, **more: Any) -> None:
            capture = Capture(case_id, item_id, artifact, url, status, now, captured_by=by, **more)
            result.captures.append(self.repo.add_capture(capture))

        try:
            if self.config.browser:
                from socialhub.legal.browser import capture_page

                try:
                    shown = capture_page(url, fetcher, chromium=self.config.chromium)
                except CaptureRefused:
                    raise
                except Exception as exc:  # no browser: the WARC still preserves the page
                    error = f"browser: {type(exc).__name__}: {str(exc)[:300]}"
            if shown is None:
                fetched = fetcher.get(url)
                final = fetched.final_url
            else:
                final = shown.document.final_url
                result.blocked = shown.blocked
        except CaptureRefused as exc:
            result.refused = exc.reason
            keep("warc", "refused", error=f"{exc.url}: {exc.reason}")
            why = {"url_sha256": _h(url), "reason": exc.reason}
            self.custody.record(case_id, by, "capture.refused", item_id, why, at=now)
            return result
        except Exception as exc:
            keep("warc", "failed", error=f"{type(exc).__name__}: {str(exc)[:300]}")
            why = {"error": type(exc).__name__}
            self.custody.record(case_id, by, "capture.failed", item_id, why, at=now)
            return result
        finally:
            fetcher.close()
        artifacts: list[tuple[str, bytes, str]] = [
            ("warc", fetcher.recorder.getvalue(), "application/warc")
        ]
        if shown is not None:
            artifacts += [
                ("screenshot", shown.screenshot, "image/png"),
                ("pdf", shown.pdf, "application/pdf"),
            ]
        hashes: dict[str, str] = {}
        for artifact, data, media in artifacts:
            digest = self.files.put(data)
            hashes[artifact] = digest
            keep(artifact, "ok", final_url=final, sha256=digest, size=len(data), media_type=media)
        if shown is None and self.config.browser:
            for artifact in ("screenshot", "pdf"):
                keep(artifact, "failed", final_url=final, error=error)
        self.custody.record(case_id, by, "capture.taken", item_id, {"sha256": hashes}, at=now)
        return result


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _default_title(kind: str, item_id: str) -> str:
    return f"{_KIND_FR.get(kind, kind.capitalize())} {item_id}"


_KIND_FR = {"mention": "Mention", "alert": "Alerte", "story": "Sujet"}
