"""The engagement pages' words that come from data: statuses, reasons, the inbox's
"why" codes, SLA states and the service's refusals, as gettext message ids (English;
French in ``locale/fr/i15c.po``). Everything is translated when shown, in the
context's locale (:func:`socialhub.i18n.use_locale`).
"""

from __future__ import annotations

from typing import Any

from socialhub.i18n import N_, _, format_number

STATUS_NAMES: dict[str, str] = {
    "new": N_("new"),
    "assigned": N_("assigned"),
    "waiting_approval": N_("waiting approval"),
    "answered": N_("answered"),
    "closed": N_("closed"),
    "draft": N_("draft"),
    "waiting": N_("waiting"),
    "approved": N_("approved, queued"),
    "publishing": N_("publishing"),
    "published": N_("published"),
    "refused": N_("refused"),
    "failed": N_("failed"),
}
REASON_NAMES: dict[str, str] = {
    "question": N_("question"),
    "complaint": N_("complaint"),
    "journalist": N_("journalist"),
    "incident": N_("open incident"),
}
WHY: dict[str, str] = {
    "incident": N_("in the open alert “%(v)s”"),
    "journalist": N_("journalist (list %(v)s)"),
    "complaint": N_("complaint or negative tone"),
    "question": N_("asks a question"),
    "addressed": N_("addressed to %(v)s"),
    "followers": N_("%(v)s followers"),
    "verified": N_("verified account"),
    "engagement": N_("%(v)s interactions"),
    "negative": N_("negative tone"),
}
SLA: dict[str, str] = {
    "ok": N_("%(m)s min left"),
    "late": N_("%(m)s min late"),
    "met": N_("answered in %(m)s min"),
    "missed": N_("answered in %(m)s min (late)"),
}
#: :class:`socialhub.engage.service.EngageError` keys → the message shown to people.
ERRORS: dict[str, str] = {
    "own_draft": N_("Nobody approves their own draft: ask a colleague."),
    "no_approve_role": N_("Your role (%(role)s) cannot approve here."),
    "no_draft_role": N_("Your role (%(role)s) cannot draft or triage here."),
    "no_refuse": N_("Only an approver other than the author can refuse a draft."),
    "undeclared": N_("%(label)s is not a declared official account: refused and audited."),
    "inactive": N_("%(label)s is no longer declared."),
    "other_workspace": N_("%(label)s is not declared for workspace %(workspace)s."),
    "twice": N_("You have approved this draft already."),
    "not_waiting": N_("This draft is not waiting for approval."),
    "not_editable": N_("This draft can no longer be edited."),
    "approved_once": N_("Already approved by someone: refuse it, then edit."),
    "too_long": N_("%(n)s characters: %(platform)s allows %(limit)s."),
    "empty": N_("The text is empty."),
    "past": N_("The scheduled time is in the past."),
    "platform": N_("This item is on %(platform)s: answer from a %(platform)s account."),
    "no_item": N_("No inbox item %(id)s in this workspace."),
    "no_draft": N_("No draft %(id)s in this workspace."),
    "bad_status": N_("Only 'closed' or 'new' can be set by hand."),
}


def _named(table: dict[str, str], code: str) -> str:
    msgid = table.get(code)
    return _(msgid) if msgid else code


def status_name(status: str) -> str:
    return _named(STATUS_NAMES, status)


def reason_name(reason: str) -> str:
    return _named(REASON_NAMES, reason)


def error_text(key: str, values: dict[str, Any]) -> str | None:
    """The refusal ``key`` in the current locale, or None when it has no text."""
    msgid = ERRORS.get(key)
    if msgid is None:
        return None
    try:
        return _(msgid) % values
    except (KeyError, TypeError, ValueError):
        return _(msgid)


def why_text(why: list[list[Any]]) -> list[str]:
    out = []
    for code, value in why:
        v = format_number(value) if isinstance(value, int) else value
        msgid = WHY.get(code)
        out.append(_(msgid) % {"v": v} if msgid else f"{code}: {value}")
    return out


def sla_text(state: str, minutes: float) -> str:
    msgid = SLA.get(state)
    return _(msgid) % {"m": int(abs(minutes))} if msgid else state
