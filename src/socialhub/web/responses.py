"""Response models of the REST API: what ``/openapi.json`` says each answer holds.

Each JSON route declares ``response_model=`` one of these, so the OpenAPI document
describes every answer's fields (``tests/web/test_openapi_responses.py`` checks that no
``/api`` route answers an untyped object, and validates real answers against the
document). The models allow extra keys (``extra="allow"``): a field added by a handler
is still sent, and the schema lists the fields a client can rely on.

Records that are dataclasses (alerts, tokens, stories, inbox items, drafts) get their
model from the dataclass itself (:func:`record_model`), so the two cannot drift apart:
a datetime is a string in ISO 8601 (the records' ``to_dict`` writes it so), or for a
:class:`~socialhub.models.Mention` a JSON date-time (UTC written ``Z``, as before).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from socialhub.models import Mention
from socialhub.records.alerts import Alert
from socialhub.records.engage import Draft, InboxItem
from socialhub.records.sessions import ApiToken, WallToken
from socialhub.records.stats import AuthorStat
from socialhub.records.stories import StoryRecord


class Out(BaseModel):
    """Base of every response model: declared fields, extra keys kept."""

    model_config = ConfigDict(extra="allow")


def _json_type(tp: Any, time: Any) -> Any:
    """``tp`` with datetimes replaced by ``time`` and dataclasses by their models."""
    if tp is datetime:
        return time
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return record_model(tp, time=time)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, [_json_type(a, time) for a in args])
    if origin in (list, tuple, dict) and args:
        mapped = tuple(_json_type(a, time) if a is not Ellipsis else a for a in args)
        return origin[mapped]
    return tp


@functools.cache
def record_model(
    cls: type, *, time: Any = str, drop: tuple[str, ...] = (), name: str = ""
) -> type[Out]:
    """A response model with one required field per field of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (_json_type(hints[f.name], time), ...)
        for f in dataclasses.fields(cls)
        if f.name not in drop
    }
    return create_model(name or f"{cls.__name__}Out", __base__=Out, **fields)


# -- shared parts -------------------------------------------------------------------------

MentionOut = record_model(Mention, time=datetime, drop=("raw",), name="MentionOut")
AlertOut = record_model(Alert, name="AlertOut")
ApiTokenOut = record_model(ApiToken, name="ApiTokenOut")
WallTokenOut = record_model(WallToken, name="WallTokenOut")
StoryOut = record_model(StoryRecord, name="StoryOut")
DraftOut = record_model(Draft, drop=("client_key",), name="DraftOut")


class Sla(Out):
    state: str
    minutes: int | float | None


class InboxItemOut(record_model(InboxItem, name="InboxItemBase")):  # type: ignore[misc]
    sla: Sla


class OpenedItemOut(InboxItemOut):
    also_open: list[Any] = Field(description="Who else opened it in the last minutes.")


class Deleted(Out):
    deleted: int


class Revoked(Out):
    revoked: int


class Count(Out):
    value: str | None
    count: int


# -- workspaces and mentions ----------------------------------------------------------------


class WorkspaceSummary(Out):
    slug: str
    name: str
    timezone: str
    role: str


class WorkspaceList(Out):
    items: list[WorkspaceSummary]


class WorkspaceQuery(Out):
    id: int | None
    name: str
    definition: str
    enabled: bool


class QueryOut(WorkspaceQuery):
    description: str


class QueryList(Out):
    items: list[QueryOut]


class WorkspaceOut(WorkspaceSummary):
    can: dict[str, bool]
    queries: list[WorkspaceQuery]


class MentionPage(Out):
    items: list[MentionOut]  # type: ignore[valid-type]
    next_cursor: str | None


class MentionCount(Out):
    count: int


class Facets(Out):
    platform: list[Count]
    lang: list[Count]
    sentiment: list[Count]


class ExploreFacets(Facets):
    category: list[Count]
    watchlist: list[Count]
    place: list[Count]
    author: list[Count]
    scanned: int
    exact: bool


class LintMessage(Out):
    level: str
    message: str
    display_message: str  # the message in the reader's language (page scripts show it)
    column: int


class LintOut(Out):
    ok: bool
    messages: list[LintMessage]


class Evidence(Out):
    raw: Any
    collected_at: str
    collected_via: str


class RawOut(Evidence):
    id: str


class Related(Out):
    id: str
    mention: MentionOut | None  # type: ignore[valid-type]


class Thread(Out):
    parent: Related | None
    quoted: Related | None
    reposted: Related | None
    root: Related | None
    replies: list[MentionOut]  # type: ignore[valid-type]
    quotes: list[MentionOut]  # type: ignore[valid-type]


class AuthorCard(Out):
    id: str
    platform: str
    handle: str
    name: str
    followers: int | None
    following: int | None
    verified: bool
    location: str
    description: str
    created_at: str | None
    mentions_here: int | None = Field(description="Their mentions in this workspace.")


class MentionDetail(Out):
    mention: MentionOut  # type: ignore[valid-type]
    author: AuthorCard | None
    thread: Thread
    evidence: Evidence | None = Field(description="Analysts, admins and legal only.")


# -- series ---------------------------------------------------------------------------------


class QuerySeries(Out):
    query_id: int | None
    name: str
    counts: list[int]


class LabelSeries(Out):
    label: str
    counts: list[int]


class Series(Out):
    interval: str
    timezone: str
    buckets: list[str]


class VolumeOut(Series):
    series: list[QuerySeries]


class SentimentOut(Series):
    series: list[LabelSeries]


class ShareItem(Out):
    query_id: int | None
    name: str
    role: str
    count: int
    share: float


class ShareOfVoice(Out):
    configured: bool
    total: int
    items: list[ShareItem]


class Extent(Out):
    first: str | None
    last: str | None
    timezone: str


AuthorStatOut = record_model(AuthorStat, name="AuthorStatOut")


class AuthorList(Out):
    items: list[AuthorStatOut]  # type: ignore[valid-type]


# -- alerts ---------------------------------------------------------------------------------


class AlertList(Out):
    items: list[AlertOut]  # type: ignore[valid-type]
    total: int
    detectors: list[str]


# -- account and site administration -------------------------------------------------------


class MeOut(Out):
    username: str
    name: str
    site_admin: bool
    via: str
    workspaces: list[WorkspaceSummary]
    csrf_token: str | None


class TokenList(Out):
    items: list[ApiTokenOut]  # type: ignore[valid-type]


class NewToken(ApiTokenOut):  # type: ignore[misc,valid-type]
    token: str = Field(description="The token itself: shown in this answer only.")


class QuarantineItem(Out):
    id: int | None
    source: str
    reason: str = Field(description="Why, in English, as stored.")
    reason_code: str = Field(description="The reason's stable code; empty for old rows.")
    display_reason: str = Field(description="The reason in the reader's language.")
    location: str = Field(description="Where in the input, in English, as stored.")
    display_location: str = Field(description="Where in the input, in the reader's language.")
    raw: str
    created_at: str


class QuarantineList(Out):
    total: int
    items: list[QuarantineItem]


class StatsOut(Out):
    mentions: int
    quarantined: int
    live_clients: int
    pipeline: dict[str, Any] | None


class PasswordChanged(Out):
    changed: bool
    sessions_ended: int


class UserOut(Out):
    username: str
    name: str
    email: str
    active: bool
    has_password: bool
    site_admin: bool
    roles: dict[str, str]


class UserList(Out):
    items: list[UserOut]


class UserActive(Out):
    username: str
    active: bool
    changed: bool


class UserEventOut(Out):
    id: int | None
    username: str
    kind: str
    actor: str
    at: str
    details: dict[str, Any]


class UserEventList(Out):
    items: list[UserEventOut]
