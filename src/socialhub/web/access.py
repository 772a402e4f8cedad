"""The one gate every page and API call passes: who is calling, what their role allows.

``principal`` authenticates (Bearer token or session cookie) and, for a session,
checks the CSRF token on every state-changing request (token callers are exempt: a
browser never attaches a Bearer header by itself). ``workspace(capability)`` then
resolves ``{slug}`` and checks the caller's role there. A workspace the caller is not a
member of answers 404, like one that does not exist, so names do not leak.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import M_, Message, localised, set_locale
from socialhub.models import Role, Workspace
from socialhub.store.base import Store
from socialhub.web.auth import Principal, from_session, from_token
from socialhub.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    AuthConfig,
    same,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What each role may do in its workspace. Not a ladder: press and legal read like a
# viewer today, and the evidence issue gives legal the raw payloads.
CAPABILITIES: dict[str, frozenset[Role]] = {
    "view": frozenset(Role),
    "alerts.triage": frozenset({Role.ADMIN, Role.ANALYST}),
    "workspace.admin": frozenset({Role.ADMIN}),
    # Legal desk (issue 17): analysts and up send items to legal; only legal and admin
    # see and manage cases (a viewer or press officer cannot even list them).
    "legal.send": frozenset({Role.ADMIN, Role.ANALYST, Role.LEGAL}),
    "legal.manage": frozenset({Role.ADMIN, Role.LEGAL}),
    # engagement: who sees the inbox and drafts; drafting and approving are further
    # decided by the workspace's [settings.engagement] policy (socialhub.engage.policy)
    "engage.view": frozenset({Role.ADMIN, Role.ANALYST, Role.PRESS, Role.LEGAL}),
    # build, send and re-send reports from the Reports page: press officers and up
    "reports.manage": frozenset({Role.ADMIN, Role.ANALYST, Role.PRESS}),
}
# The audit log speaks for the whole organisation: admins and legal, of any workspace.
AUDIT_ROLES = frozenset({Role.ADMIN, Role.LEGAL})


class ApiError(Exception):
    """An error answered as ``{"error": code, "message": text, "display_message": text}``
    (or an HTML page).

    ``message``: an English text, an :func:`~socialhub.i18n.M_` message or the exception
    refused (its own message). The body's ``message`` stays English (API clients, logs);
    ``display_message`` is the same in the reader's language (the page scripts show it),
    ``shown`` or ``locale`` when given (a page with a ``?lang=`` switch), else the user's
    (:func:`socialhub.web.locale_web.reader_locale`).
    """

    def __init__(
        self,
        status: int,
        error: str,
        message: object,
        headers: dict[str, str] | None = None,
        *,
        locale: str | None = None,
        shown: str | None = None,
    ) -> None:
        text = str(message)
        super().__init__(message if isinstance(message, Message) else text)
        self.status = status
        self.error = error
        self.message = text
        self.source = message
        self.headers = headers or {}
        self.locale = locale
        self.shown = shown

    def display(self) -> str:
        """The message in the current locale (``shown``: already worded by the caller)."""
        return self.shown if self.shown is not None else localised(self.source)


@dataclass(slots=True)
class WorkspaceContext:
    principal: Principal
    workspace: Workspace
    role: Role

    @property
    def workspace_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    def can(self, capability: str) -> bool:
        return self.role in CAPABILITIES[capability]


_bearer = HTTPBearer(auto_error=False, description="An API token (`socialhub users token NAME`).")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The browser session (log in at /login); state-changing calls also need "
    "the X-CSRF-Token header.",
)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def principal(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session_id: str | None = Depends(_cookie),
) -> Principal:
    store = store_of(request)
    config: AuthConfig = request.app.state.auth
    now = config.clock()
    if bearer is not None:
        found = await run_in_threadpool(from_token, store, bearer.credentials, now)
        if found is None:
            raise ApiError(401, "unauthorized", M_("Invalid or revoked API token."))
        request.state.principal = found  # an error's reader (locale_web.reader_locale)
        return found
    if not session_id:
        raise ApiError(401, "unauthorized", M_("Log in first (or send an API token)."))
    found = await run_in_threadpool(from_session, store, session_id, config, now)
    if found is None:
        raise ApiError(401, "unauthorized", M_("Your session has expired: log in again."))
    request.state.principal = found
    if found.user.locale:  # the user's UI language, until a workspace says more
        set_locale(found.user.locale)
    if request.method not in SAFE_METHODS:
        await check_csrf(request, found)
    return found


async def check_csrf(request: Request, who: Principal) -> None:
    """The session's synchronizer token must come back in a header or a form field."""
    assert who.session is not None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        sent = form_value(await request.body(), CSRF_FIELD)
    if not same(sent, who.session.csrf_token):
        raise ApiError(403, "csrf", M_("Missing or wrong CSRF token: reload the page and retry."))


def form_value(body: bytes, name: str) -> str | None:
    values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(name)
    return values[0] if values else None


def workspace(capability: str = "view") -> Callable[..., Awaitable[WorkspaceContext]]:
    """A dependency resolving the ``{slug}`` path parameter for a capability."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}")

    async def resolve(
        slug: str, request: Request, who: Principal = Depends(principal)
    ) -> WorkspaceContext:
        ws = await run_in_threadpool(store_of(request).workspaces.get_workspace, slug)
        role = None if ws is None or ws.id is None else who.role_in(ws.id)
        if ws is None or role is None:
            raise ApiError(404, "not_found", M_("No workspace %(slug)r among yours.", slug=slug))
        request.state.workspace = ws
        # pages, messages and dates of this request: the user's language, else the
        # workspace's, in the workspace's time zone
        set_locale(who.user.locale or ws.locale, ws.timezone)
        if role not in CAPABILITIES[capability]:
            raise ApiError(
                403,
                "forbidden",
                M_("Your role in this workspace (%(role)s) cannot do this.", role=M_(role.value)),
            )
        return WorkspaceContext(who, ws, role)

    return resolve


async def site_admin(who: Principal = Depends(principal)) -> Principal:
    if not who.site_admin:
        raise ApiError(403, "forbidden", M_("Only site administrators can do this."))
    return who


async def audit_reader(who: Principal = Depends(principal)) -> Principal:
    """Site administrators, and admins or legal officers of any workspace."""
    if not who.site_admin and not AUDIT_ROLES & set(who.roles.values()):
        raise ApiError(
            403, "forbidden", M_("Only administrators and legal can read the audit log.")
        )
    return who


async def session_only(who: Principal = Depends(principal)) -> Principal:
    """For account management: a stolen API token must not mint more tokens."""
    if who.via != "session":
        raise ApiError(403, "forbidden", M_("Manage tokens from a logged-in browser session."))
    return who
