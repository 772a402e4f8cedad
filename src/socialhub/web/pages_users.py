"""Account pages: the password form of /account, and /users where site administrators
deactivate and reactivate users and read the account audit trail.

Plain HTML forms (they work without script), carrying the session's CSRF token like
every other form; the rules are in :mod:`socialhub.web.accounts`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import _
from socialhub.web.access import form_value, principal, site_admin, store_of
from socialhub.web.accounts import (
    AccountError,
    change_password,
    set_active,
    users_listing,
)
from socialhub.web.auth import Principal
from socialhub.web.pages import render

router = APIRouter(include_in_schema=False)


def account_page(request: Request, who: Principal, status: int = 200, **extra: Any) -> HTMLResponse:
    tokens = store_of(request).sessions.list_api_tokens(who.user_id)
    context: dict[str, Any] = {"new_token": None, **extra}
    return render("account.html", status, who, title=_("Account"), tokens=tokens, **context)


@router.post("/account/password")
async def account_password(request: Request, who: Principal = Depends(principal)) -> Response:
    body = await request.body()
    try:
        ended = await run_in_threadpool(
            change_password,
            store_of(request),
            who.user_id,
            form_value(body, "current_password") or "",
            form_value(body, "new_password") or "",
            form_value(body, "new_password2") or "",
            keep_session=who.session.id_hash if who.session else None,
            config=request.app.state.auth,
        )
    except AccountError as exc:
        response = account_page(request, who, exc.status, password_error=exc.message)
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    others = f" {ended} other session(s) ended." if ended else ""
    return account_page(request, who, password_notice="Password changed." + others)


# -- site administrators: users ---------------------------------------------------------


def _users_page(request: Request, who: Principal, status: int = 200, **extra: Any) -> HTMLResponse:
    store = store_of(request)
    events = store.accounts.list_user_events(limit=50)
    return render(
        "users.html",
        status,
        who,
        title=_("Users"),
        users=users_listing(store),
        events=events,
        **extra,
    )


@router.get("/users")
def users_page(request: Request, who: Principal = Depends(site_admin)) -> HTMLResponse:
    return _users_page(request, who)


@router.post("/users/{username}/{action}")
async def users_action(
    username: str, action: str, request: Request, who: Principal = Depends(site_admin)
) -> Response:
    if action not in ("deactivate", "activate"):
        return _users_page(request, who, 404, error=f"Unknown action {action!r}.")
    try:
        await run_in_threadpool(
            lambda: set_active(
                store_of(request).accounts,
                username,
                action == "activate",
                actor=who.user.username,
                at=request.app.state.auth.clock(),
                actor_id=who.user_id,
            )
        )
    except AccountError as exc:
        return _users_page(request, who, exc.status, error=exc.message)
    return RedirectResponse("/users", status_code=303)
