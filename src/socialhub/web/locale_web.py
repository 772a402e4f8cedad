"""The language of a request, and the forms that choose it.

Every request runs inside :func:`socialhub.i18n.use_locale`: French in Europe/Paris,
or the browser's ``Accept-Language`` when it asks for a language we have (the login
page). Once the caller is known, :func:`socialhub.web.access.principal` switches to the
user's preferred UI language, and :func:`socialhub.web.access.workspace` to the user's
language else the workspace's, in the workspace's time zone.

The page scripts get their strings from :func:`js_catalogue`: the translations of the
msgids their ``SH._("…")`` calls use, extracted from ``static/*.js`` with Babel's
JavaScript extractor once per process, rendered into the page as JSON.
"""

from __future__ import annotations

import io
import re
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from socialhub.i18n import (
    DEFAULT_TIMEZONE,
    JS_KEYWORDS,
    LOCALES,
    M_,
    N_,
    catalogue,
    current_locale,
    current_timezone,
    negotiate,
    use_locale,
)
from socialhub.web.access import (
    ApiError,
    WorkspaceContext,
    form_value,
    principal,
    store_of,
    workspace,
)
from socialhub.web.auth import Principal, from_session, from_token
from socialhub.web.security import SESSION_COOKIE, AuthConfig

router = APIRouter(include_in_schema=False)

# Words shown from values (roles, states, languages): marked here for the catalogue.
WORDS = (
    N_("admin"),
    N_("analyst"),
    N_("press"),
    N_("legal"),
    N_("viewer"),
    N_("French"),
    N_("English"),
    N_("password changed"),
    N_("activated"),
    # legal desk: reasons, case statuses, item kinds
    N_("defamation"),
    N_("insult"),
    N_("threat"),
    N_("harassment"),
    N_("counterfeit"),
    N_("data leak"),
    N_("impersonation"),
    N_("investigating"),
    N_("filed"),
    N_("closed"),
    N_("mention"),
    N_("alert"),
    N_("story"),
)
LOCALE_NAMES = {"fr": "French", "en": "English"}


class LocaleMiddleware:
    """Run each HTTP request in its own locale context (the browser's language, if we
    have it, else French), so that what the dependencies decide never leaks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope.get("headers") or ():
            if name == b"accept-language":
                header = value.decode("latin-1")
                break
        with use_locale(negotiate(header), DEFAULT_TIMEZONE):
            await self.app(scope, receive, send)


# -- the language of an error ---------------------------------------------------------

_IN_WORKSPACE = re.compile(r"^/(?:api/workspaces|w)/([^/]+)")


async def reader_locale(request: Request) -> tuple[str, str]:
    """The language and zone of whoever reads an error of ``request``: the user's
    preference, else the language of the workspace of the path (if the user is a
    member), else the request's (the browser's).

    The exception handlers cannot rely on the context alone: an error raised before the
    workspace dependency decided (a wrong CSRF token, an unknown route under a
    workspace, a validation error) leaves the browser's language in it."""
    locale, zone = current_locale(), current_timezone()
    who = getattr(request.state, "principal", None)
    if who is None:
        who = await run_in_threadpool(_caller, request)
    if who is None:
        return locale, zone
    ws = getattr(request.state, "workspace", None)
    found = _IN_WORKSPACE.match(request.url.path)
    if ws is None and found:
        ws = await run_in_threadpool(store_of(request).workspaces.get_workspace, found.group(1))
        if ws is not None and (ws.id is None or who.role_in(ws.id) is None):
            ws = None  # not a member: its language must not leak either
    if ws is not None:
        locale, zone = ws.locale, ws.timezone
    return who.user.locale or locale, zone


def _caller(request: Request) -> Principal | None:
    """The logged-in user or token owner of a request no dependency authenticated."""
    store = store_of(request)
    config: AuthConfig = request.app.state.auth
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return from_token(store, header[7:].strip(), config.clock())
    session_id = request.cookies.get(SESSION_COOKIE)
    return from_session(store, session_id, config, config.clock()) if session_id else None


# -- the page scripts' catalogue ------------------------------------------------------


@cache
def js_msgids() -> tuple[str, ...]:
    """Every msgid the page scripts use (``SH._``, ``SH.n_``), in source order."""
    from babel.messages.extract import extract

    found: list[str] = []
    folder = resources.files("socialhub.web") / "static"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".js"):
            continue
        data = io.BytesIO(entry.read_bytes())
        for _line, message, _comments, _context in extract(
            "javascript", data, keywords=JS_KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message  # plural: singular
            if msgid and msgid not in found:
                found.append(msgid)
    return tuple(found)


def js_catalogue(locale: str | None = None) -> dict[str, Any]:
    """msgid → translation for the page scripts, in ``locale`` (default: the context's)."""
    table = catalogue(locale or current_locale())
    out: dict[str, Any] = {}
    for msgid in js_msgids():
        value = table.get(msgid)
        if value:
            out[msgid] = list(value) if isinstance(value, (tuple, list)) else value
    return out


# -- choosing a language -------------------------------------------------------------


@router.post("/account/locale")
async def account_locale(request: Request, who: Principal = Depends(principal)) -> Response:
    """The user's UI language: ``fr``, ``en`` or ``""`` (follow each workspace)."""
    if who.via != "session" or who.user.id is None:
        raise ApiError(403, "forbidden", M_("Manage tokens from a logged-in browser session."))
    value = (form_value(await request.body(), "locale") or "").strip()
    if value and value not in LOCALES:
        raise ApiError(400, "bad_request", M_("Unknown language %(value)r.", value=value))
    await run_in_threadpool(store_of(request).accounts.set_user_locale, who.user.id, value)
    return RedirectResponse("/account", status_code=303)


@router.post("/w/{slug}/admin/locale")
async def workspace_locale(
    request: Request, ctx: WorkspaceContext = Depends(workspace("workspace.admin"))
) -> Response:
    """The workspace's language and time zone (the admin page's form)."""
    body = await request.body()
    locale = (form_value(body, "locale") or "").strip()
    zone = (form_value(body, "timezone") or "").strip()
    if locale not in LOCALES:
        raise ApiError(400, "bad_request", M_("Unknown language %(value)r.", value=locale))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ApiError(
            400,
            "bad_request",
            M_("Unknown time zone %(value)r (e.g. Europe/Paris).", value=zone),
        ) from exc
    ws = ctx.workspace
    ws.locale, ws.timezone = locale, zone
    await run_in_threadpool(store_of(request).workspaces.upsert_workspace, ws)
    return RedirectResponse(f"/w/{ws.slug}/admin", status_code=303)
