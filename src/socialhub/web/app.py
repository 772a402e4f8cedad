"""The web app: a minimal live page and the JSON API it uses.

The full product UI (accounts, dashboard, explore, wall, admin) is the web issue's;
this serves the embedded hub's first page. It binds to 127.0.0.1 by default and has no
login yet, so it must not be exposed beyond the machine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from socialhub import __version__
from socialhub.query.errors import QuerySyntaxError
from socialhub.serialize import mention_to_dict
from socialhub.store.base import Store
from socialhub.web.live import LiveFeed

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("socialhub.web", "templates"),
    autoescape=True,  # post text, names and URLs are hostile
)


def _parse_time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{name}: not an ISO 8601 date-time: {value!r}") from exc


def create_app(store: Store, live: LiveFeed | None = None, stats: Any = None) -> FastAPI:
    app = FastAPI(title="socialhub", version=__version__)
    live = live or LiveFeed()
    app.state.store = store
    app.state.live = live
    app.mount(
        "/static",
        StaticFiles(packages=[("socialhub.web", "static")]),
        name="static",
    )

    @app.exception_handler(QuerySyntaxError)
    async def query_error(_: Request, exc: QuerySyntaxError) -> JSONResponse:
        return JSONResponse(
            {"error": "query_syntax", "message": exc.message, "column": exc.column}, 400
        )

    @app.exception_handler(ValueError)
    async def value_error(_: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"error": "bad_request", "message": str(exc)}, 400)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        workspaces = store.list_workspaces()
        recent = store.search(None, limit=30)
        html = _templates.get_template("index.html").render(
            workspaces=[
                {
                    "ws": ws,
                    "count": store.count(workspace_id=ws.id),
                    "queries": store.list_queries(ws.id),
                }
                for ws in workspaces
            ],
            total=store.count(),
            mentions=recent,
            version=__version__,
        )
        return HTMLResponse(html)

    @app.get("/api/mentions")
    def mentions(
        q: str = Query(..., description="query-language expression"),
        workspace: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = Query(50, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        ws_id = _workspace_id(store, workspace)
        found = store.search(
            q,
            workspace_id=ws_id,
            since=_parse_time(since, "since"),
            until=_parse_time(until, "until"),
            limit=limit,
            offset=offset,
        )
        return {
            "items": [mention_to_dict(m, include_raw=False) for m in found],
            "limit": limit,
            "offset": offset,
        }

    @app.get("/api/count")
    def count(
        q: str | None = None,
        workspace: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        ws_id = _workspace_id(store, workspace)
        n = store.count(
            q or None,
            workspace_id=ws_id,
            since=_parse_time(since, "since"),
            until=_parse_time(until, "until"),
        )
        return {"count": n}

    @app.get("/api/stats")
    def api_stats() -> dict[str, Any]:
        return {
            "mentions": store.count(),
            "quarantined": store.count_quarantine(),
            "live_clients": live.clients,
            "pipeline": stats.as_dict() if stats is not None else None,
        }

    @app.get("/api/live")
    async def live_stream() -> StreamingResponse:
        return StreamingResponse(
            live.subscribe(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return app


def _workspace_id(store: Store, slug: str | None) -> int | None:
    if not slug:
        return None
    ws = store.get_workspace(slug)
    if ws is None:
        raise ValueError(f"unknown workspace {slug!r}")
    return ws.id
