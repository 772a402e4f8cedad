"""One row of the admin's sources table from a coordinator's health document: a status
with its colour level, the last item, the last success and the error count. The last
error is also given in the reader's language (``display_last_error``) when it is a dead
letter stored with its reason's code (socialhub.records.quarantine); otherwise, and for
health recorded before codes, as recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from socialhub.i18n import _
from socialhub.records.quarantine import display_reason

# status -> colour class of the sources table (ok green, warn amber, bad red)
STATUS_LEVEL = {"ok": "ok", "idle": "ok", "backing_off": "warn", "stopped": "bad"}


def health_summary(h: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """One row of the sources table from a coordinator's health document."""
    if not h:
        return {
            "status": "no report",
            "level": "unknown",
            "last_item_at": None,
            "last_success": None,
            "errors": 0,
            "last_error": "",
            "display_last_error": "",
            "items_per_hour": None,
        }
    targets = h.get("targets") or {}
    items = [t.get("last_item_at") for t in targets.values() if t.get("last_item_at")]
    status = str(h.get("status", "idle"))
    level = STATUS_LEVEL.get(status, "warn")
    last_success = h.get("last_success")
    if level == "ok" and last_success:
        age = now - datetime.fromisoformat(str(last_success).replace("Z", "+00:00"))
        if age > timedelta(hours=1):  # alive but silent for an hour: look at it
            level = "warn"
    return {
        "status": status,
        "level": level,
        "last_item_at": max(items) if items else None,
        "last_success": last_success,
        "errors": sum(int(v) for v in (h.get("errors") or {}).values()),
        "last_error": str(h.get("last_error") or ""),
        "display_last_error": display_last_error(h),
        "items_per_hour": h.get("items_per_hour"),
    }


def display_last_error(h: dict[str, Any]) -> str:
    """The health document's last error in the reader's language when it is a dead letter
    with a reason code ("rejet : texte vide"), else as recorded."""
    last = str(h.get("last_error") or "")
    code = str(h.get("last_error_code") or "")
    kind, sep, reason = last.partition(": ")
    if kind != "DeadLetter" or not sep or not code:
        return last
    params = h.get("last_error_params")
    shown = display_reason(reason, code, params if isinstance(params, dict) else {})
    return _("dead letter: %(reason)s") % {"reason": shown}
