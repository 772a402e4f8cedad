"""HTML pages: login, logout, the workspace list, a workspace's dashboard, the account.

Pages are shells: their data comes from the API (:mod:`socialhub.web.api`) through the
page's script, which writes text with ``textContent`` only. Server-side, Jinja escapes
everything. Forms carry the session's CSRF token; the login form, which has no session
yet, uses a double-submit cookie instead.
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from socialhub import __version__
from socialhub.i18n import _, install_jinja, localised
from socialhub.web.access import (
    WorkspaceContext,
    form_value,
    principal,
    site_admin,
    store_of,
    workspace,
)
from socialhub.web.accounts import MIN_PASSWORD
from socialhub.web.auth import LoginError, Principal, create_token, login
from socialhub.web.clientip import client_ip, is_https
from socialhub.web.locale_web import LOCALE_NAMES, js_catalogue
from socialhub.web.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    AuthConfig,
    new_secret,
    safe_next,
    same,
)

router = APIRouter(include_in_schema=False)

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("socialhub.web", "templates"),
    autoescape=True,  # post text, names and URLs are hostile
)
templates.globals["min_password"] = MIN_PASSWORD
install_jinja(templates)
templates.globals["locale_names"] = LOCALE_NAMES


def render(
    name: str, status: int = 200, who: Principal | None = None, **context: Any
) -> HTMLResponse:
    html = templates.get_template(name).render(
        version=__version__,
        user=who.user if who else None,
        site_admin=bool(who and who.site_admin),
        csrf_token=who.session.csrf_token if who and who.session else "",
        js_i18n=js_catalogue(),
        **context,
    )
    return HTMLResponse(html, status, headers={"Cache-Control": "no-store"})


def workspace_page(name: str, ctx: WorkspaceContext, title: str, **extra: Any) -> HTMLResponse:
    """A page of a workspace: :func:`render` with what its header shows (the workspace,
    the caller's role, whether the admin menu shows), plus the page's ``extra``."""
    return render(
        name,
        who=ctx.principal,
        title=title,
        ws=ctx.workspace,
        role=ctx.role.value,
        is_admin=ctx.can("workspace.admin"),
        **extra,
    )


def _https(request: Request) -> bool:
    return is_https(request, request.app.state.auth.trusted_proxies)


def _client_ip(request: Request) -> str:
    return client_ip(request, request.app.state.auth.trusted_proxies)


# -- login / logout -----------------------------------------------------------------------


def _login_page(
    request: Request,
    status: int = 200,
    error: str = "",
    username: str = "",
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    token = new_secret()
    response = render(
        "login.html",
        status,
        title=_("Log in"),
        login_csrf=token,
        error=error,
        username=username,
        next=safe_next(request.query_params.get("next")),
    )
    response.headers.update(headers or {})
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_https(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    body = await request.body()
    username = (form_value(body, "username") or "").strip()
    password = form_value(body, "password") or ""
    if not same(form_value(body, CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, 403, _("The form expired: please try again."), username)
    config: AuthConfig = request.app.state.auth
    try:
        session_id, _user = await run_in_threadpool(
            login,
            store_of(request),
            username,
            password,
            ip=_client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            config=config,
        )
    except LoginError as exc:
        status = 429 if exc.retry_after else 401
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return _login_page(request, status, exc.message, username, headers)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # a new login never keeps the old session (fixation)
        from socialhub.web.security import digest

        await run_in_threadpool(store_of(request).sessions.delete_session, digest(old))
    response = RedirectResponse(safe_next(form_value(body, "next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(config.absolute_timeout.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_https(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, who: Principal = Depends(principal)) -> Response:
    if who.session is not None:
        await run_in_threadpool(store_of(request).sessions.delete_session, who.session.id_hash)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- pages --------------------------------------------------------------------------------


@router.get("/")
def home(request: Request, who: Principal = Depends(principal)) -> HTMLResponse:
    return render("home.html", who=who, title=_("Workspaces"))


@router.get("/w/{slug}")
def dashboard(request: Request, ctx: WorkspaceContext = Depends(workspace("view"))) -> HTMLResponse:
    responsiveness = None
    if ctx.can("engage.view"):  # did we answer, last 7 days (socialhub.engage.measures)
        from datetime import timedelta

        from socialhub.engage.measures import engagement_measures

        eng = request.app.state.engagement
        now = eng.clock()
        responsiveness = engagement_measures(
            eng.repo,
            ctx.workspace_id,
            now - timedelta(days=7),
            now,
            eng.policy(ctx.workspace).first_response_minutes,
        )["workspace"]
    return workspace_page(
        "dashboard.html",
        ctx,
        ctx.workspace.name,
        can_triage=ctx.can("alerts.triage"),
        echarts=request.app.state.echarts is not None,
        section="dashboard",
        example_query=example_query(store_of(request), ctx.workspace_id),
        can_legal=ctx.can("legal.manage"),
        responsiveness=responsiveness,
    )


def example_query(store: Any, workspace_id: int) -> str:  # a Store
    """The search box's example: the workspace's own first query (not the demo brand)."""
    queries = store.workspaces.list_queries(workspace_id)
    if not queries:
        return _("e.g. %(query)s") % {"query": 'brand AND (outage OR "no signal")'}
    definition = " ".join(queries[0].definition.split())
    short = definition if len(definition) <= 80 else definition[:79] + "…"
    return _("e.g. %(query)s") % {"query": short}


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The REST API's reference: Swagger UI (npm swagger-ui-dist, served locally, no CDN)
    over /openapi.json. Open to anyone, like the OpenAPI document it renders."""
    return render(
        "docs.html",
        title=_("API reference"),
        swagger=bool(getattr(request.app.state, "swagger_ui", False)),
    )


@router.get("/quarantine")
def quarantine_page(request: Request, who: Principal = Depends(site_admin)) -> HTMLResponse:
    return render("quarantine.html", who=who, title=_("Quarantine"))


@router.get("/account")
def account(request: Request, who: Principal = Depends(principal)) -> HTMLResponse:
    tokens = store_of(request).sessions.list_api_tokens(who.user_id)
    return render("account.html", who=who, title=_("Account"), tokens=tokens, new_token=None)


@router.post("/account/tokens")
async def account_new_token(request: Request, who: Principal = Depends(principal)) -> Response:
    if who.via != "session":
        return render(
            "error.html",
            403,
            who,
            title=_("Forbidden"),
            message=_("Manage tokens from a logged-in browser session."),
        )
    name = (form_value(await request.body(), "name") or "").strip()
    store = store_of(request)
    try:
        value, _record = await run_in_threadpool(
            create_token, store, who.user_id, name, request.app.state.auth.clock()
        )
    except ValueError as exc:
        tokens = store.sessions.list_api_tokens(who.user_id)
        return render(
            "account.html",
            400,
            who,
            title=_("Account"),
            tokens=tokens,
            new_token=None,
            error=localised(exc),
        )
    tokens = await run_in_threadpool(store.sessions.list_api_tokens, who.user_id)
    # shown once: only this answer carries the value
    return render("account.html", 201, who, title=_("Account"), tokens=tokens, new_token=value)


@router.post("/account/tokens/{token_id}/revoke")
async def account_revoke_token(
    token_id: int, request: Request, who: Principal = Depends(principal)
) -> Response:
    await run_in_threadpool(
        store_of(request).sessions.revoke_api_token,
        who.user_id,
        token_id,
        request.app.state.auth.clock(),
    )
    return RedirectResponse("/account", status_code=303)
