"""What the engagement pages and API share: the service, the actor, the language,
errors mapped to HTTP, times in the workspace's zone, and form bodies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from socialhub.engage.service import Actor, EngageError, Engagement
from socialhub.engage.texts import error_text
from socialhub.i18n import LOCALES, M_, current_locale, use_locale
from socialhub.web.access import ApiError, WorkspaceContext

LANG_COOKIE = "socialhub_lang"
T = TypeVar("T")


# application/x-www-form-urlencoded bodies in the OpenAPI document, for the form routes
def form_schema(**fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"csrf_token": {"type": "string"}, **fields},
                    }
                }
            },
        }
    }


def engagement(request: Request) -> Engagement:
    eng: Engagement = request.app.state.engagement
    return eng


def actor(ctx: WorkspaceContext) -> Actor:
    return Actor(ctx.principal.user.username, ctx.role.value)


def lang_of(request: Request) -> str:
    """``?lang=`` first, then the cookie, then the request's language (the user's
    preference, else the workspace's: socialhub.web.locale_web)."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LOCALES:
            return value
    return current_locale()


async def call(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service call in a thread; its refusals become HTTP errors, worded in the
    reader's language."""
    try:
        return await run_in_threadpool(fn, *args, **kwargs)
    except EngageError as exc:
        codes = {403: "forbidden", 404: "not_found"}
        with use_locale("en"):  # the body's message: English, like every API error
            english = error_text(exc.key, exc.values) or str(exc)
        with use_locale(lang_of(request)):  # display_message: the page's language
            shown = error_text(exc.key, exc.values) or str(exc)
        raise ApiError(exc.status, codes.get(exc.status, "refused"), english, shown=shown) from None


async def form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def int_field(
    data: dict[str, str], name: str, *, required: bool = True, lang: str | None = None
) -> int | None:
    """A whole-number form field; ``lang``: the page's language (:func:`lang_of`) for the
    refusal's ``display_message``, like the service's refusals (:func:`call`)."""
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise ApiError(422, "invalid_request", M_("%(name)s: required", name=name), locale=lang)
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(
            422, "invalid_request", M_("%(name)s: expected a number", name=name), locale=lang
        )
    return int(raw)


def local_time(dt: datetime | None, tz: str) -> str:
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def parse_local(value: str, tz: str, *, lang: str | None = None) -> datetime | None:
    """A ``datetime-local`` field (``2026-12-08T08:00``) in the workspace's time zone;
    ``lang`` as for :func:`int_field`."""
    value = value.strip()
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422,
            "invalid_request",
            M_("not a date and time: %(value)r", value=value[:40]),
            locale=lang,
        ) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(tz))


def after_approval(eng: Engagement, draft_id: int) -> None:
    """The last approval publishes at once when nothing is scheduled; long platform
    waits are left to the scheduler (``socialhub engage publish``)."""
    draft = eng.repo.get_draft(draft_id)
    if draft is not None and draft.status == "approved" and draft.scheduled_at is None:
        eng.publish_draft(draft_id, max_wait=10.0)
