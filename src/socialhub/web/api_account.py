"""The caller's own API (/api/me, API tokens) and site administration (/api/quarantine,
/api/stats). Part of the REST API of :mod:`socialhub.web.api`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from socialhub.i18n import M_
from socialhub.records.quarantine import display_location, display_reason
from socialhub.web.access import ApiError, principal, session_only, site_admin, store_of
from socialhub.web.api import RowId, workspaces_of
from socialhub.web.auth import Principal, create_token
from socialhub.web.responses import MeOut, NewToken, QuarantineList, Revoked, StatsOut, TokenList

router = APIRouter(prefix="/api")


# -- the caller -------------------------------------------------------------------------


@router.get("/me", response_model=MeOut, tags=["account"])
def me(request: Request, who: Principal = Depends(principal)) -> dict[str, Any]:
    """The caller, their workspaces and roles, and the CSRF token of their session."""
    store = store_of(request)
    return {
        "username": who.user.username,
        "name": who.user.name,
        "site_admin": who.site_admin,
        "via": who.via,
        "workspaces": workspaces_of(store.workspaces, who),
        "csrf_token": who.session.csrf_token if who.session else None,
    }


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What script uses it.")


@router.get("/me/tokens", response_model=TokenList, tags=["account"])
def list_tokens(request: Request, who: Principal = Depends(principal)) -> dict[str, Any]:
    tokens = store_of(request).sessions.list_api_tokens(who.user_id)
    return {"items": [t.to_dict() for t in tokens]}


@router.post("/me/tokens", response_model=NewToken, status_code=201, tags=["account"])
def add_token(
    body: TokenIn, request: Request, who: Principal = Depends(session_only)
) -> dict[str, Any]:
    """A new API token: its value is in this answer only (it is stored hashed)."""
    value, record = create_token(
        store_of(request), who.user_id, body.name, request.app.state.auth.clock()
    )
    return {"token": value, **record.to_dict()}


@router.delete("/me/tokens/{token_id}", response_model=Revoked, tags=["account"])
def revoke_token(token_id: RowId, request: Request, who: Principal = Depends(principal)) -> Revoked:
    if not store_of(request).sessions.revoke_api_token(
        who.user_id, token_id, request.app.state.auth.clock()
    ):
        raise ApiError(
            404, "not_found", M_("No live token %(token_id)s of yours.", token_id=token_id)
        )
    return Revoked(revoked=token_id)


# -- site administration ------------------------------------------------------------------


@router.get("/quarantine", response_model=QuarantineList, tags=["admin"])
def quarantine(
    request: Request,
    _admin: Principal = Depends(site_admin),
    source: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Input kept because it could not be parsed (site administrators only).

    ``reason`` is the English text as stored, ``reason_code`` its stable code ("" for rows
    stored before codes existed) and ``display_reason`` the reason in the reader's
    language (as stored when it has no code); ``display_location`` is ``location`` in the
    reader's language ("ligne 2" for "line 2"; shapes it does not know as stored)."""
    store = store_of(request)
    items = store.sources.list_quarantine(limit=limit, source=source)
    return {
        "total": store.sources.count_quarantine(source),
        "items": [
            {
                "id": i.id,
                "source": i.source,
                "reason": i.reason,
                "reason_code": i.reason_code,
                "display_reason": display_reason(i.reason, i.reason_code, i.reason_params),
                "location": i.location,
                "display_location": display_location(i.location),
                "raw": i.raw,
                "created_at": i.created_at.isoformat(),
            }
            for i in items
        ],
    }


@router.get("/stats", response_model=StatsOut, tags=["admin"])
def stats(request: Request, _: Principal = Depends(site_admin)) -> StatsOut:
    """Store totals, live clients and pipeline counters (site administrators only)."""
    store = store_of(request)
    pipeline = request.app.state.stats
    return StatsOut(
        mentions=store.mentions.count(),
        quarantined=store.sources.count_quarantine(),
        live_clients=request.app.state.live.clients,
        pipeline=pipeline.as_dict() if pipeline is not None else None,
    )
