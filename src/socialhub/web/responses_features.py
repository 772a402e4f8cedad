"""Response models of the feature routes: workspace administration, walls, reports,
legal cases, stories and engagement (see :mod:`socialhub.web.responses`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from socialhub.web.responses import (
    AlertOut,
    DraftOut,
    InboxItemOut,
    MentionOut,
    Out,
    SentimentOut,
    ShareOfVoice,
    StoryOut,
    VolumeOut,
    WallTokenOut,
)

# -- workspace administration ----------------------------------------------------------------


class WatchlistMemberOut(Out):
    platform: str
    handle: str
    name: str
    list_type: str


class WatchlistOut(Out):
    id: int | None
    name: str
    list_type: str
    description: str
    notify: str = "digest"  # issue 14: never, digest, inapp, email
    min_severity: int = 0
    members: list[WatchlistMemberOut]


class WatchlistList(Out):
    items: list[WatchlistOut]


class SettingOut(Out):
    value: Any = Field(description="The setting as stored (null: not set).")


class TuningOut(Out):
    rule: str
    detector: str
    multiplier: float
    true_alarms: int
    false_alarms: int


class AlertRouting(SettingOut):
    channels: list[str]
    tuning: list[TuningOut]


class RecentReport(Out):
    id: int | None
    kind: str
    schedule: str
    title: str
    status: str
    period_end: str


class ReportSchedules(SettingOut):
    default: bool
    effective: Any
    recent: list[RecentReport]


class SourceOut(Out):
    kind: str
    name: str
    origin: str = Field(description="hub, workspace or health only")
    health: dict[str, Any] | None
    summary: Any


class SourceList(Out):
    items: list[SourceOut]


class MemberOut(Out):
    username: str
    name: str
    role: str
    active: bool


class MemberList(Out):
    items: list[MemberOut]
    roles: list[str]


class MemberRole(Out):
    username: str
    role: str | None


class Problems(Out):
    problems: list[str]  # English (API clients)
    # the same in the reader's language (the forms show it)
    display_problems: list[str] = Field(default_factory=list)


class AlertsPreview(Problems):
    lines: list[str]


class ReportsPreview(Problems):
    next_runs: dict[str, list[str]]


# -- walls ----------------------------------------------------------------------------------


class WallList(Out):
    items: list[dict[str, Any]]
    configured: bool
    tokens: list[WallTokenOut]  # type: ignore[valid-type]


class WallsSaved(Out):
    items: list[dict[str, Any]]


class NewWallKey(WallTokenOut):  # type: ignore[misc,valid-type]
    token: str = Field(description="The key itself: shown in this answer only.")
    url: str


class WallWorkspace(Out):
    slug: str
    name: str
    timezone: str


class MentionItems(Out):
    items: list[MentionOut]  # type: ignore[valid-type]


class AlertItems(Out):
    items: list[AlertOut]  # type: ignore[valid-type]


class WallPanels(Out):
    volume: VolumeOut
    sentiment: SentimentOut
    share_of_voice: ShareOfVoice
    top_posts: MentionItems
    alerts: AlertItems
    live: MentionItems


class WallState(Out):
    workspace: WallWorkspace
    layout: dict[str, Any]
    crisis: bool
    crisis_alerts: list[AlertOut]  # type: ignore[valid-type]
    generated_at: str
    panels: WallPanels


# -- reports --------------------------------------------------------------------------------


class ReportSummary(Out):
    id: int | None
    workspace_id: int
    kind: str
    schedule: str
    period_start: str
    period_end: str
    title: str
    status: str
    pdf_bytes: int
    created_at: str | None


class ReportList(Out):
    items: list[ReportSummary]


class ReportOut(ReportSummary):
    has_html: bool
    has_pdf: bool


class ReportSent(Out):
    id: int | None
    status: str
    recipients: list[str]


# -- legal ----------------------------------------------------------------------------------


class AuditEntry(Out):
    chain: str
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    entry_hash: str
    id: int | None


class LegalSent(Out):
    case: int | None
    added: bool | int


class CaseSummary(Out):
    id: int | None
    status: str
    reason: str
    items: int
    why: str


class CaseList(Out):
    items: list[CaseSummary]


class CaseNote(Out):
    author: str
    body: str
    at: str


class CaseOut(Out):
    case: dict[str, Any]
    items: list[dict[str, Any]]
    captures: list[dict[str, Any]]
    notes: list[CaseNote]
    custody: list[AuditEntry] = Field(description="The case's chain of custody.")
    custody_ok: bool


# -- stories --------------------------------------------------------------------------------


class StoryList(Out):
    items: list[StoryOut]  # type: ignore[valid-type]


class StoryMention(Out):
    id: str
    platform: str
    kind: str
    author: str
    text: str
    url: str
    created_at: str
    sentiment: str | None


class StoryMentions(Out):
    items: list[StoryMention]


# -- engagement -----------------------------------------------------------------------------


class InboxList(Out):
    items: list[InboxItemOut]


class DraftList(Out):
    items: list[DraftOut]  # type: ignore[valid-type]


class OfficialAccount(Out):
    id: int | None
    platform: str
    handle: str
    display: str
    two_approvers: bool


class OfficialAccounts(Out):
    items: list[OfficialAccount]


class MeasureOut(Out):
    items: int
    answered: int
    answered_share: float
    median_first_response_minutes: float | None
    p90_first_response_minutes: float | None
    within_sla: int


class Measures(Out):
    since: str
    until: str
    sla_minutes: int
    workspace: MeasureOut
    accounts: dict[str, MeasureOut]
    people: dict[str, MeasureOut]


class AuditEntries(Out):
    items: list[AuditEntry]


class AuditVerify(Out):
    ok: bool
    entries: int
    head: str | None
    problem: str | None
    row_id: int | None
