"""The web app: pages, the REST API (OpenAPI at /openapi.json), static files, errors.

Every page and API call except /login, /healthz, /openapi.json and static files needs
a logged-in session or an API token (:mod:`socialhub.web.access`). Chart code comes
from the npm package installed at setup into ``web/frontend/node_modules`` (see
docs/web.md); nothing is fetched from a CDN, so the interactive /docs page that would
load one is off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from socialhub import __version__
from socialhub.i18n import N_, Message, _, localised, use_locale
from socialhub.legal.desk import LegalConfig
from socialhub.pydantic_text import problem as pydantic_problem
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


# Starlette's own details of an HTTPException (a route or method that does not exist)
HTTP_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))


async def _error(
    request: Request,
    status: int,
    error: str,
    message: object,
    *,
    display: Callable[[], str] | None = None,
    locale: str | None = None,
    **extra: Any,
) -> Response:
    """An error as JSON or as a page. ``message`` (English, an ``M_`` message or an
    exception): the body's ``message`` stays English (API clients, logs; docs/i18n.md);
    ``display_message`` and the error page read it in the reader's language, which is
    the user's, not necessarily the context's (:func:`locale_web.reader_locale`)."""
    if status == 401 and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    lang, zone = await locale_web.reader_locale(request)
    with use_locale(locale or lang, zone):
        shown = display() if display is not None else localised(message)
        if _wants_json(request):
            body = {"error": error, "message": str(message), "display_message": shown, **extra}
            return JSONResponse(body, status)
        return pages.render(
            "error.html", status, title=_("Error %(status)s") % {"status": status}, message=shown
        )


def _validation_problems(errors: Sequence[Any], translate: bool) -> str:
    """``query.limit: Input should be…; …`` (English), or in the current locale."""
    out = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ()))
        if translate:
            text = localised(pydantic_problem(e))
            out.append(_("%(where)s: %(message)s") % {"where": where, "message": text})
        else:
            out.append(f"{where}: {e.get('msg', '')}")
    return "; ".join(out)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        response = await _error(
            request, exc.status, exc.error, exc.source, display=exc.display, locale=exc.locale
        )
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(QuerySyntaxError)
    async def query_error(request: Request, exc: QuerySyntaxError) -> Response:
        return await _error(request, 400, "query_syntax", exc.message, column=exc.column)

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> Response:
        first = exc.args[0] if len(exc.args) == 1 else None
        message = first if isinstance(first, Message) else str(exc)
        return await _error(request, 400, "bad_request", message, display=lambda: localised(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        english = _validation_problems(errors, False) or "invalid request"
        return await _error(
            request,
            422,
            "invalid_request",
            english,
            display=lambda: _validation_problems(errors, True) or _("invalid request"),
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return await _error(
            request, exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)
        )
