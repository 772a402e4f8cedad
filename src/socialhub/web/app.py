"""The web app: pages, the REST API (OpenAPI at /openapi.json), static files, errors.

Every page and API call except /login, /healthz, /openapi.json and static files needs
a logged-in session or an API token (:mod:`socialhub.web.access`). Chart code comes
from the npm package installed at setup into ``web/frontend/node_modules`` (see
docs/web.md); nothing is fetched from a CDN, so the interactive /docs page that would
load one is off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from socialhub import __version__
from socialhub.i18n import _, localised
from socialhub.legal.desk import LegalConfig
from socialhub.query.errors import QuerySyntaxError
from socialhub.store.base import Store
from socialhub.web import (
    admin_api,
    admin_preview,
    api,
    api_account,
    api_users,
    engage_api,
    engage_pages,
    explore,
    explore_groups,
    incidents_api,
    incidents_web,
    legal_web,
    locale_web,
    pages,
    pages_users,
    pages_workspace,
    reports_web,
    stories_web,
    wall,
    warroom_web,
)
from socialhub.web.access import ApiError
from socialhub.web.bootstrap import ensure_admin
from socialhub.web.live import LiveFeed
from socialhub.web.locale_web import LocaleMiddleware
from socialhub.web.security import AuthConfig

FRONTEND = Path(__file__).parent / "frontend"
ECHARTS = FRONTEND / "node_modules" / "echarts" / "dist"
SWAGGER_UI = FRONTEND / "node_modules" / "swagger-ui-dist"


def create_app(
    store: Store,
    live: LiveFeed | None = None,
    stats: Any = None,
    *,
    auth: AuthConfig | None = None,
    bootstrap_admin: bool = False,
    engagement: Any = None,
) -> FastAPI:
    """The ASGI app over a migrated store.

    ``bootstrap_admin``: create (and print) a first administrator when nobody can log
    in (:mod:`socialhub.web.bootstrap`); the hub sets it, tests do not. ``engagement``:
    the :class:`~socialhub.engage.service.Engagement` (tests pass one with a fake clock
    and platform credentials); by default one over ``store`` on the auth clock.
    """
    app = FastAPI(
        title="socialhub",
        version=__version__,
        description="Social listening hub API. Authenticate with `Authorization: Bearer "
        "<token>` (tokens: `socialhub users token NAME` or /account) or a browser session.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.live = live or LiveFeed()
    app.state.stats = stats
    app.state.auth = auth or AuthConfig()
    app.state.legal = LegalConfig.from_env()  # capture folder, TSA (tests replace it)
    if engagement is None:
        from socialhub.engage.service import Engagement

        engagement = Engagement(store, clock=app.state.auth.clock)
    app.state.engagement = engagement
    app.state.echarts = ECHARTS if (ECHARTS / "echarts.min.js").is_file() else None
    if bootstrap_admin:
        ensure_admin(store.accounts)
    app.mount("/static", StaticFiles(packages=[("socialhub.web", "static")]), name="static")
    if app.state.echarts is not None:
        app.mount("/vendor/echarts", StaticFiles(directory=ECHARTS), name="echarts")
    if (SWAGGER_UI / "swagger-ui-bundle.js").is_file():
        app.mount("/vendor/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.state.swagger_ui = (SWAGGER_UI / "swagger-ui-bundle.js").is_file()
    app.include_router(api.router)
    app.include_router(api_account.router)
    app.include_router(pages.router)
    for extra in (
        explore,
        explore_groups,
        wall,
        admin_api,
        admin_preview,
        pages_workspace,
        reports_web,
        api_users,
        pages_users,
        legal_web,
        engage_api,
        engage_pages,
        stories_web,
        warroom_web,
        incidents_api,
        incidents_web,
        locale_web,
    ):
        app.include_router(extra.router)
    _errors(app)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        # Defence in depth behind escaping: no inline script runs, no framing.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.add_middleware(LocaleMiddleware)  # outermost: every request has its locale
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get(
        "accept", ""
    )


def _error(request: Request, status: int, error: str, message: str, **extra: Any) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": error, "message": str(message), **extra}, status)
    # API bodies stay English (docs/i18n.md); a person reading the page gets the message
    # in the page's language when it was raised translatable (i18n.M_)
    message = localised(message)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return pages.render(
        "error.html", status, title=_("Error %(status)s") % {"status": status}, message=message
    )


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        response = _error(request, exc.status, exc.error, exc.message)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(QuerySyntaxError)
    async def query_error(request: Request, exc: QuerySyntaxError) -> Response:
        return _error(request, 400, "query_syntax", exc.message, column=exc.column)

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> Response:
        return _error(request, 400, "bad_request", exc.args[0] if len(exc.args) == 1 else str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(request, 422, "invalid_request", problems or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return _error(
            request, exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)
        )
