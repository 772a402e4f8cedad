"""Engagement records (issue 16): official accounts, inbox items, saved replies,
drafts and approvals. Plain dataclasses: the store (:mod:`socialhub.store.engage`)
writes them, :mod:`socialhub.engage` decides what happens to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

INBOX_STATUSES = ("new", "assigned", "waiting_approval", "answered", "closed")
DRAFT_STATUSES = ("draft", "waiting", "approved", "publishing", "published", "refused", "failed")


@dataclass(slots=True)
class OfficialAccount:
    """An account the organisation speaks from, declared in the configuration file."""

    platform: str
    handle: str  # lowercase, no leading @
    display: str = ""
    native_id: str = ""  # the account's own id on the platform (page, channel, user id)
    workspaces: list[str] = field(default_factory=list)  # slugs allowed to use it
    credentials: dict[str, str] = field(default_factory=dict)  # name -> env variable NAME
    api_base: str = ""
    two_approvers: bool = False
    active: bool = True
    id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.platform}:@{self.handle}"


@dataclass(slots=True)
class InboxItem:
    workspace_id: int
    mention_id: str
    platform: str
    reason: str  # question | complaint | journalist | incident
    posted_at: datetime
    entered_at: datetime
    author: str = ""
    text: str = ""
    url: str = ""
    account_id: int | None = None
    priority: float = 0.0
    why: list[list[Any]] = field(default_factory=list)  # [code, value] pairs
    status: str = "new"
    assignee: str = ""
    tags: list[str] = field(default_factory=list)
    first_response_at: datetime | None = None
    answered_by: str = ""
    closed_at: datetime | None = None
    id: int | None = None


@dataclass(slots=True)
class ReplyTemplate:
    workspace_id: int
    name: str
    body: str
    lang: str = "fr"
    created_by: str = ""
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(slots=True)
class Draft:
    workspace_id: int
    account_id: int
    kind: str  # reply | post
    text: str
    author: str
    client_key: str  # idempotency marker, never reused
    created_at: datetime
    updated_at: datetime
    item_id: int | None = None
    reply_to: str = ""  # the mention id answered
    reply_settings: str = ""
    status: str = "draft"
    approvals_needed: int = 1
    scheduled_at: datetime | None = None
    attempts: int = 0
    published_id: str = ""
    published_url: str = ""
    published_at: datetime | None = None
    last_error: str = ""
    id: int | None = None


@dataclass(slots=True)
class Approval:
    draft_id: int
    username: str
    decision: str  # approved | refused
    at: datetime
    note: str = ""
