"""Accounts over the REST API: the caller's password, and users for site administrators
(list, deactivate, reactivate, audit trail). The rules are in :mod:`socialhub.web.accounts`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from socialhub.i18n import M_
from socialhub.web.access import ApiError, principal, site_admin, store_of
from socialhub.web.accounts import (
    MAX_PASSWORD,
    AccountError,
    change_password,
    set_active,
    users_listing,
)
from socialhub.web.auth import Principal
from socialhub.web.responses import PasswordChanged, UserActive, UserEventList, UserList

router = APIRouter(prefix="/api")

Username = Annotated[str, Path(min_length=1, max_length=100, description="A username.")]


def api_error(exc: AccountError) -> ApiError:
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return ApiError(exc.status, exc.error, exc.message, headers)


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=MAX_PASSWORD)
    new_password: str = Field(max_length=MAX_PASSWORD * 2, description="At least 10 characters.")


@router.post("/me/password", response_model=PasswordChanged, tags=["account"])
async def set_password(
    body: PasswordIn, request: Request, who: Principal = Depends(principal)
) -> PasswordChanged:
    """Change the caller's password (the current one is required). Every other session
    of the caller ends; 429 with ``Retry-After`` after too many wrong current passwords."""
    try:
        ended = await run_in_threadpool(
            change_password,
            store_of(request),
            who.user_id,
            body.current_password,
            body.new_password,
            body.new_password,
            keep_session=who.session.id_hash if who.session else None,
            config=request.app.state.auth,
        )
    except AccountError as exc:
        raise api_error(exc) from exc
    return PasswordChanged(changed=True, sessions_ended=ended)


@router.get("/users", response_model=UserList, tags=["admin"])
def list_users(request: Request, _: Principal = Depends(site_admin)) -> dict[str, Any]:
    """Every user (site administrators only)."""
    return {"items": users_listing(store_of(request))}


def _set_active(request: Request, who: Principal, username: str, active: bool) -> UserActive:
    store = store_of(request)
    try:
        user, changed = set_active(
            store.accounts,
            username,
            active,
            actor=who.user.username,
            at=request.app.state.auth.clock(),
            actor_id=who.user_id,
        )
    except AccountError as exc:
        raise api_error(exc) from exc
    return UserActive(username=user.username, active=user.is_active, changed=changed)


@router.post("/users/{username}/deactivate", response_model=UserActive, tags=["admin"])
def deactivate(
    username: Username, request: Request, who: Principal = Depends(site_admin)
) -> UserActive:
    """Deactivate a user: no login any more, their sessions end and their API tokens are
    revoked at once. 409 for yourself or the last active site administrator."""
    return _set_active(request, who, username, False)


@router.post("/users/{username}/activate", response_model=UserActive, tags=["admin"])
def activate(
    username: Username, request: Request, who: Principal = Depends(site_admin)
) -> UserActive:
    """Reactivate a user (they log in again; revoked tokens stay revoked)."""
    return _set_active(request, who, username, True)


@router.get("/users/events", response_model=UserEventList, tags=["admin"])
def user_events(
    request: Request,
    _admin: Principal = Depends(site_admin),
    username: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The account audit trail, newest first: who (de)activated whom or changed their
    password, and when."""
    store = store_of(request)
    user_id = None
    if username is not None:
        user = store.accounts.get_user(username)
        if user is None or user.id is None:
            raise ApiError(404, "not_found", M_("No user %(username)r.", username=username))
        user_id = user.id
    events = store.accounts.list_user_events(user_id, limit)
    return {"items": [e.to_dict() for e in events]}
