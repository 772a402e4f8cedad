"""What the admin forms show before saving: a plain-language preview of alert routing,
and the next runs of report schedules.

The forms (static/admin_settings.js, static/walls.js) post their draft here; the same
validators as on save answer, so a preview never accepts what saving would refuse.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from socialhub.i18n import N_, _, localised
from socialhub.reports.schedule import Schedule, validate_reports
from socialhub.web.access import WorkspaceContext, workspace
from socialhub.web.admin_api import SettingIn, validate_alerts
from socialhub.web.responses_features import AlertsPreview, Problems, ReportsPreview
from socialhub.web.series import zone
from socialhub.web.wall_layout import validate_walls

router = APIRouter(prefix="/api")
Admin = Annotated[WorkspaceContext, Depends(workspace("workspace.admin"))]


CHANNEL_NAMES = {"inapp": N_("inapp"), "email": N_("email"), "webhook": N_("webhook")}


def shown(problems: list[str]) -> list[str]:
    """Problems in the request's language (``problems`` stay English in the body)."""
    return [localised(p) for p in problems]


def _severity_words(n: int) -> str:
    if n <= 1:
        return _("every alert")
    return _("alerts of severity %(n)s and above") % {"n": n}


def alert_routing_lines(value: Any) -> list[str]:
    """The routing in sentences (``value`` already valid), in the request's language."""
    if value is None:
        return [_("No routing: alerts are recorded and shown in the app only.")]
    lines = [
        _("Recorded: %(what)s.") % {"what": _severity_words(int(value.get("min_severity", 1)))}
    ]
    for r in value.get("routes", []):
        who = ", ".join(_(CHANNEL_NAMES.get(c, c)) for c in r["channels"])
        what = _severity_words(int(r.get("min_severity", 1)))
        if r.get("detectors"):
            what = _("%(what)s from %(detectors)s") % {
                "what": what,
                "detectors": ", ".join(r["detectors"]),
            }
        lines.append(_("Sent to %(who)s: %(what)s.") % {"who": who, "what": what})
    return lines


def next_runs(value: Any, tz: str, now: datetime, count: int = 3) -> dict[str, list[str]]:
    """The next ``count`` runs of each enabled schedule, in the workspace's time zone."""
    out: dict[str, list[str]] = {}
    for item in value or []:
        s = Schedule.from_dict(item)
        slots = s.slots_between(now, now + timedelta(days=15), tz)[:count] if s.enabled else []
        out[s.name] = [t.astimezone(zone(tz)).isoformat() for t in slots]
    return out


@router.post(
    "/workspaces/{slug}/settings/alerts/preview", response_model=AlertsPreview, tags=["admin"]
)
def preview_alerts(ctx: Admin, body: SettingIn) -> AlertsPreview:
    """Problems of a draft alert routing, or what it would do in plain words."""
    problems = [] if body.value is None else validate_alerts(body.value)
    return AlertsPreview(
        problems=problems,
        display_problems=shown(problems),
        lines=[] if problems else alert_routing_lines(body.value),
    )


@router.post(
    "/workspaces/{slug}/settings/reports/preview", response_model=ReportsPreview, tags=["admin"]
)
def preview_reports(ctx: Admin, request: Request, body: SettingIn) -> ReportsPreview:
    """Problems of draft report schedules, or their next runs (workspace time zone)."""
    problems = [] if body.value is None else validate_reports(body.value)
    if problems:
        return ReportsPreview(problems=problems, display_problems=shown(problems), next_runs={})
    value = body.value if body.value is not None else [{"name": "press-digest"}]
    now = request.app.state.auth.clock()
    return ReportsPreview(problems=[], next_runs=next_runs(value, ctx.workspace.timezone, now))


@router.post("/workspaces/{slug}/walls/preview", response_model=Problems, tags=["admin"])
def preview_walls(ctx: Admin, body: SettingIn) -> Problems:
    """Problems of draft wall layouts (the form draws the screens itself)."""
    problems = validate_walls(body.value) if body.value is not None else []
    return Problems(problems=problems, display_problems=shown(problems))
