"""One row of the admin's sources table from a coordinator's health document: a status
with its colour level, the last item, the last success and the error count."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

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
        "items_per_hour": h.get("items_per_hour"),
    }
