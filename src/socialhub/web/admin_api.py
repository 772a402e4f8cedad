"""Workspace administration API: queries, watchlists, alert routing, report schedules,
sources and members. Reads are open to admins; every write needs the admin role.

Alert routing (setting ``alerts``) and report schedules (setting ``reports``) are
workspace settings, validated here exactly as ``socialhub apply`` validates them.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from socialhub.i18n import M_, Joined, _
from socialhub.models import WATCHLIST_NOTIFY, Query, Role, Watchlist, WatchlistMember
from socialhub.query.lint import lint
from socialhub.reports.schedule import DEFAULT_SCHEDULES, validate_reports
from socialhub.web.access import ApiError, WorkspaceContext, store_of, workspace
from socialhub.web.responses import Deleted, QueryList, QueryOut
from socialhub.web.responses_features import (
    AlertRouting,
    MemberList,
    MemberRole,
    ReportSchedules,
    SettingOut,
    SourceList,
    WatchlistList,
    WatchlistOut,
)
from socialhub.web.source_health import health_summary

router = APIRouter(prefix="/api")

Admin = Annotated[WorkspaceContext, Depends(workspace("workspace.admin"))]
# database ids are 64-bit: a larger number is a 422, not a driver overflow
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
NOTIFY_PATTERN = "^(" + "|".join(WATCHLIST_NOTIFY) + ")$"
ALERTS_SETTING = "alerts"
REPORTS_SETTING = "reports"
SOURCES_SETTING = "sources"
CHANNELS = ("inapp", "email", "webhook")
MAX_CSV_MEMBERS = 10_000


# -- queries ------------------------------------------------------------------------------


class QueryIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    definition: str = Field(min_length=1, max_length=5000)
    description: str = Field("", max_length=2000)
    enabled: bool = True


def _query_json(q: Query) -> dict[str, Any]:
    return {
        "id": q.id,
        "name": q.name,
        "definition": q.definition,
        "description": q.description,
        "enabled": q.enabled,
    }


def _checked(body: QueryIn) -> None:
    errors = [m for m in lint(body.definition) if m.level == "error"]
    if errors:
        first = errors[0]
        raise ApiError(
            400,
            "query_syntax",
            M_("column %(column)s: %(message)s", column=first.column, message=first.message),
        )


@router.get("/workspaces/{slug}/queries", response_model=QueryList, tags=["admin"])
def list_queries(ctx: Admin, request: Request) -> dict[str, Any]:
    return {
        "items": [
            _query_json(q) for q in store_of(request).workspaces.list_queries(ctx.workspace_id)
        ]
    }


@router.post("/workspaces/{slug}/queries", response_model=QueryOut, status_code=201, tags=["admin"])
def add_query(ctx: Admin, request: Request, body: QueryIn) -> dict[str, Any]:
    """Create a query (refused with the linter's first error)."""
    _checked(body)
    store = store_of(request)
    if any(q.name == body.name for q in store.workspaces.list_queries(ctx.workspace_id)):
        raise ApiError(409, "conflict", M_("A query is already named %(name)r.", name=body.name))
    q = store.workspaces.upsert_query(
        Query(ctx.workspace_id, body.name, body.definition, body.description, body.enabled)
    )
    return _query_json(q)


def _own_query(ctx: WorkspaceContext, request: Request, query_id: int) -> Query:
    found = next(
        (
            q
            for q in store_of(request).workspaces.list_queries(ctx.workspace_id)
            if q.id == query_id
        ),
        None,
    )
    if found is None:
        raise ApiError(
            404, "not_found", M_("No query %(query_id)s in this workspace.", query_id=query_id)
        )
    return found


@router.put("/workspaces/{slug}/queries/{query_id}", response_model=QueryOut, tags=["admin"])
def update_query(ctx: Admin, request: Request, query_id: RowId, body: QueryIn) -> dict[str, Any]:
    _checked(body)
    old = _own_query(ctx, request, query_id)
    store = store_of(request)
    if body.name != old.name and any(
        q.name == body.name for q in store.workspaces.list_queries(ctx.workspace_id)
    ):
        raise ApiError(409, "conflict", M_("A query is already named %(name)r.", name=body.name))
    q = store.workspaces.upsert_query(
        Query(ctx.workspace_id, body.name, body.definition, body.description, body.enabled, old.id)
    )
    return _query_json(q)


@router.delete("/workspaces/{slug}/queries/{query_id}", response_model=Deleted, tags=["admin"])
def delete_query(ctx: Admin, request: Request, query_id: RowId) -> Deleted:
    _own_query(ctx, request, query_id)
    store_of(request).workspaces.delete_query(query_id)
    return Deleted(deleted=query_id)


# -- watchlists ---------------------------------------------------------------------------


def _watchlist_json(w: Watchlist) -> dict[str, Any]:
    return {
        "id": w.id,
        "name": w.name,
        "list_type": w.list_type,
        "description": w.description,
        "notify": w.notify,
        "min_severity": w.min_severity,
        "members": [
            {"platform": m.platform, "handle": m.handle, "name": m.name, "list_type": m.list_type}
            for m in w.members
        ],
    }


@router.get("/workspaces/{slug}/watchlists", response_model=WatchlistList, tags=["admin"])
def list_watchlists(ctx: Admin, request: Request) -> dict[str, Any]:
    found = store_of(request).workspaces.list_watchlists(ctx.workspace_id)
    return {"items": [_watchlist_json(w) for w in found]}


class WatchlistCsvIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    list_type: str = Field("other", pattern=r"^[a-z_]{1,30}$")
    description: str = Field("", max_length=2000)
    notify: str = Field("digest", pattern=NOTIFY_PATTERN)
    min_severity: int = Field(0, ge=0, le=10)
    csv: str = Field(
        max_length=2_000_000,
        description="Columns handle (required), platform, name, list_type, notes; "
        "a header row names them. Replaces the members.",
    )


def members_from_csv(text: str, default_type: str) -> list[WatchlistMember]:
    """Members from CSV text with a header row; raises ValueError naming the bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "handle" not in fields:
        raise ValueError("the CSV needs a header row with a 'handle' column")
    reader.fieldnames = fields
    out: list[WatchlistMember] = []
    for line, row in enumerate(reader, start=2):
        handle = (row.get("handle") or "").strip().lstrip("@")
        if not handle:
            raise ValueError(f"line {line}: empty handle")
        out.append(
            WatchlistMember(
                (row.get("platform") or "").strip().lower(),
                handle,
                (row.get("name") or "").strip(),
                (row.get("list_type") or "").strip() or default_type,
                (row.get("notes") or "").strip(),
            )
        )
        if len(out) > MAX_CSV_MEMBERS:
            raise ValueError(f"more than {MAX_CSV_MEMBERS} members")
    return out


@router.post("/workspaces/{slug}/watchlists", response_model=WatchlistOut, tags=["admin"])
def import_watchlist(ctx: Admin, request: Request, body: WatchlistCsvIn) -> dict[str, Any]:
    """Create or replace a watchlist from CSV (admin)."""
    members = members_from_csv(body.csv, body.list_type)
    w = store_of(request).workspaces.upsert_watchlist(
        Watchlist(
            ctx.workspace_id,
            body.name.strip(),
            body.list_type,
            body.description,
            members,
            notify=body.notify,
            min_severity=body.min_severity,
        )
    )
    return _watchlist_json(w)


class WatchlistNotifyIn(BaseModel):
    notify: str = Field(pattern=NOTIFY_PATTERN)
    min_severity: int = Field(0, ge=0, le=10)


@router.put(
    "/workspaces/{slug}/watchlists/{watchlist_id}/notify",
    response_model=WatchlistOut,
    tags=["admin"],
)
def set_watchlist_notify(
    ctx: Admin, request: Request, watchlist_id: RowId, body: WatchlistNotifyIn
) -> dict[str, Any]:
    """What a listed voice's post does (never, digest, inapp, email) and the severity
    floor of its alerts (admin); the members are kept."""
    store = store_of(request)
    found = [w for w in store.workspaces.list_watchlists(ctx.workspace_id) if w.id == watchlist_id]
    if not found:
        raise ApiError(
            404,
            "not_found",
            M_("No watchlist %(watchlist_id)s in this workspace.", watchlist_id=watchlist_id),
        )
    found[0].notify, found[0].min_severity = body.notify, body.min_severity
    return _watchlist_json(store.workspaces.upsert_watchlist(found[0]))


@router.delete(
    "/workspaces/{slug}/watchlists/{watchlist_id}", response_model=Deleted, tags=["admin"]
)
def delete_watchlist(ctx: Admin, request: Request, watchlist_id: RowId) -> Deleted:
    store = store_of(request)
    if not any(w.id == watchlist_id for w in store.workspaces.list_watchlists(ctx.workspace_id)):
        raise ApiError(
            404,
            "not_found",
            M_("No watchlist %(watchlist_id)s in this workspace.", watchlist_id=watchlist_id),
        )
    store.workspaces.delete_watchlist(watchlist_id)
    return Deleted(deleted=watchlist_id)


# -- settings: alert routing, report schedules, sources -----------------------------------


def validate_alerts(value: Any) -> list[str]:
    """The ``alerts`` setting: ``{"min_severity": n, "routes": [{"channels": [...],
    "min_severity": n, "detectors": [...]}]}``."""
    if not isinstance(value, dict):
        return [M_("expected an object with min_severity and routes")]
    problems: list[str] = [
        M_("unknown key %(key)r", key=k) for k in sorted(set(value) - {"min_severity", "routes"})
    ]
    sev = value.get("min_severity", 1)
    if isinstance(sev, bool) or not isinstance(sev, int) or not 1 <= sev <= 10:
        problems.append(M_("min_severity must be an integer from 1 to 10"))
    routes = value.get("routes", [])
    if not isinstance(routes, list):
        return [*problems, M_("routes must be a list")]
    for i, r in enumerate(routes):
        if not isinstance(r, dict):
            problems.append(M_("routes[%(i)s] must be an object", i=i))
            continue
        extra = set(r) - {"channels", "min_severity", "detectors"}
        problems += [M_("routes[%(i)s] unknown key %(key)r", i=i, key=k) for k in sorted(extra)]
        ch = r.get("channels")
        if not isinstance(ch, list) or not ch or any(c not in CHANNELS for c in ch):
            problems.append(
                M_(
                    "routes[%(i)s].channels must list some of %(choices)s",
                    i=i,
                    choices=", ".join(CHANNELS),
                )
            )
        s = r.get("min_severity", 1)
        if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= 10:
            problems.append(M_("routes[%(i)s].min_severity must be an integer from 1 to 10", i=i))
        d = r.get("detectors", [])
        if not isinstance(d, list) or not all(isinstance(x, str) for x in d):
            problems.append(M_("routes[%(i)s].detectors must be a list of names", i=i))
    return problems


class SettingIn(BaseModel):
    value: Any = Field(description="The new value (JSON); null removes the setting.")


def _setting(ctx: WorkspaceContext, request: Request, key: str) -> Any:
    return store_of(request).workspaces.get_workspace_settings(ctx.workspace_id).get(key)


@router.get("/workspaces/{slug}/settings/alerts", response_model=AlertRouting, tags=["admin"])
def get_alert_routing(ctx: Admin, request: Request) -> dict[str, Any]:
    """Notification routes and minimum severity, and the detectors' tuning."""
    tuning = store_of(request).alerts.list_tuning(ctx.workspace_id)
    return {
        "value": _setting(ctx, request, ALERTS_SETTING),
        "channels": list(CHANNELS),
        "tuning": [
            {
                "rule": t.rule,
                "detector": t.detector,
                "multiplier": t.multiplier,
                "true_alarms": t.true_alarms,
                "false_alarms": t.false_alarms,
            }
            for t in tuning
        ],
    }


@router.put("/workspaces/{slug}/settings/alerts", response_model=SettingOut, tags=["admin"])
def set_alert_routing(ctx: Admin, request: Request, body: SettingIn) -> SettingOut:
    if body.value is not None and (problems := validate_alerts(body.value)):
        raise ApiError(400, "invalid_setting", Joined("; ", problems))
    store_of(request).workspaces.set_workspace_setting(ctx.workspace_id, ALERTS_SETTING, body.value)
    return SettingOut(value=body.value)


@router.get("/workspaces/{slug}/settings/reports", response_model=ReportSchedules, tags=["admin"])
def get_reports(ctx: Admin, request: Request) -> dict[str, Any]:
    """Report schedules (``default`` when the workspace has none) and recent reports."""
    value = _setting(ctx, request, REPORTS_SETTING)
    recent = store_of(request).reports.list_reports(workspace_id=ctx.workspace_id, limit=10)
    return {
        "value": value,
        "default": value is None,
        "effective": DEFAULT_SCHEDULES if value is None else value,
        "recent": [
            {
                "id": r.id,
                "kind": r.kind,
                "schedule": r.schedule,
                "title": r.title,
                "status": r.status,
                "period_end": r.period_end.isoformat(),
            }
            for r in recent
        ],
    }


@router.put("/workspaces/{slug}/settings/reports", response_model=SettingOut, tags=["admin"])
def set_reports(ctx: Admin, request: Request, body: SettingIn) -> SettingOut:
    if body.value is not None and (problems := validate_reports(body.value)):
        raise ApiError(400, "invalid_setting", Joined("; ", problems))
    store_of(request).workspaces.set_workspace_setting(
        ctx.workspace_id, REPORTS_SETTING, body.value
    )
    return SettingOut(value=body.value)


@router.get("/workspaces/{slug}/sources", response_model=SourceList, tags=["admin"])
def sources(ctx: Admin, request: Request) -> dict[str, Any]:
    """Configured sources (hub and workspace) with the health each coordinator last
    recorded (``null``: none recorded yet; nothing is made up)."""
    store = store_of(request)
    health = store.sources.list_source_health()  # source name -> health document
    items: list[dict[str, Any]] = []
    # the hub's [[source]] settings (SourceSettings), set by `socialhub demo|run|serve`
    for s in getattr(request.app.state, "sources", None) or []:
        items.append({"kind": s.type, "name": s.name, "origin": "hub"})
    ws_sources = _setting(ctx, request, SOURCES_SETTING)
    if isinstance(ws_sources, list):
        items += [
            {"kind": str(s.get("kind", "")), "name": str(s.get("name", "")), "origin": "workspace"}
            for s in ws_sources
            if isinstance(s, dict)
        ]
    named = {i["name"] for i in items}
    # sources that reported health without being in this configuration (other hubs)
    items += [{"kind": "", "name": n, "origin": "health only"} for n in health if n not in named]
    now = request.app.state.auth.clock()
    for item in items:
        item["health"] = health.get(item["name"])
        item["summary"] = health_summary(item["health"], now)
    return {"items": items}


# -- members ------------------------------------------------------------------------------


@router.get("/workspaces/{slug}/members", response_model=MemberList, tags=["admin"])
def members(ctx: Admin, request: Request) -> dict[str, Any]:
    store = store_of(request)
    users = {u.id: u for u in store.accounts.list_users()}
    items = []
    for m in store.accounts.list_memberships(workspace_id=ctx.workspace_id):
        u = users.get(m.user_id)
        if u is not None:
            items.append(
                {
                    "username": u.username,
                    "name": u.name,
                    "role": m.role.value,
                    "active": u.is_active,
                }
            )
    return {"items": sorted(items, key=lambda i: i["username"]), "roles": [r.value for r in Role]}


class MemberIn(BaseModel):
    role: Role | None = Field(description="The role in this workspace; null removes it.")


@router.put("/workspaces/{slug}/members/{username}", response_model=MemberRole, tags=["admin"])
def set_member(ctx: Admin, request: Request, username: str, body: MemberIn) -> MemberRole:
    """Change a member's role here or remove it (workspace admin); give any existing user
    a role here (site administrators only).

    A workspace admin gets one answer for every username that is not a member, whether
    or not the user exists: workspace admins can neither probe the site's usernames nor
    pull in users of other teams. Adding a user is a site administrator's decision.
    """
    store = store_of(request)
    user = store.accounts.get_user(username)
    is_member = user is not None and any(
        m.user_id == user.id for m in store.accounts.list_memberships(workspace_id=ctx.workspace_id)
    )
    if not is_member and not ctx.principal.site_admin:
        raise ApiError(
            403,
            "forbidden",
            _(
                "%(username)r is not a member of this workspace; only a site administrator "
                "can add a user to a workspace."
            )
            % {"username": username},
        )
    if user is None or user.id is None:
        raise ApiError(
            404,
            "not_found",
            M_("No user %(username)r (create users with the CLI).", username=username),
        )
    if user.id == ctx.principal.user.id and body.role != Role.ADMIN:
        raise ApiError(409, "conflict", M_("You cannot take your own admin role away."))
    if body.role is None:
        store.accounts.remove_membership(ctx.workspace_id, user.id)
    else:
        store.accounts.set_membership(ctx.workspace_id, user.id, body.role)
    return MemberRole(username=username, role=body.role.value if body.role else None)
