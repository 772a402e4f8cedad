"""Subject access export: everything stored about a handle, as one JSON document.

The profile rows and every mention (with its raw payload as collected) by that person,
the watchlists that name them, the legal holds on their posts, the erasures already
recorded for them, and every other row of any table where their handle, name or author
id occurs (found from the schema, so new tables are included). The company's own user
accounts and sessions are not searched: they are not about outside authors.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from socialhub.models import utcnow
from socialhub.privacy.erase import MIN_NAME, subject_sha256
from socialhub.store.base import Store
from socialhub.store.privacy import PrivacyRepo, Subject

# Listed in their own sections, or the company's own accounts.
_SKIP = (
    "mentions",
    "authors",
    "watchlist_members",
    "schema_migrations",
    "users",
    "web_sessions",
    "api_tokens",
    "login_failures",
    "site_admins",
    "memberships",
    "user_events",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def subject_access(
    store: Store, subject: Subject, *, now: datetime | None = None
) -> dict[str, Any]:
    """The export (plain JSON types; times ISO 8601 or the store's epoch milliseconds)."""
    repo = PrivacyRepo(store)
    found = repo.find_subject(subject)
    needles = {subject.norm, f"@{subject.norm}", *found.author_ids}
    for author in found.authors:
        if len(str(author.get("name") or "")) >= MIN_NAME:
            needles.add(str(author["name"]))
    holds = repo.legal.holds("mention")
    watch = repo.db._rows(
        "SELECT w.name, w.list_type, m.platform, m.handle, m.name FROM watchlist_members m "
        "JOIN watchlists w ON w.id = m.watchlist_id WHERE m.handle_norm = ?",
        [subject.norm],
    )
    erasures = repo.db._rows(
        "SELECT at, requested_by, counts FROM privacy_erasures WHERE subject_sha256 = ?",
        [subject_sha256(subject)],
    )
    other: dict[str, list[dict[str, Any]]] = {}
    for trace in repo.traces(sorted(needles), exclude=_SKIP):
        rows = other.setdefault(trace.table, [])
        row = _plain(trace.row)
        row.pop("search", None)  # the index, not data
        if row not in rows:
            rows.append(row)
    return {
        "subject": {"handle": subject.norm, "platform": subject.platform or "*"},
        "exported_at": (now or utcnow()).isoformat(),
        "profiles": _plain(found.authors),
        "mentions": [
            {
                **_plain(m),
                "legal_hold": None
                if str(m["id"]) not in holds
                else {"case": holds[str(m["id"])].case_id, "reason": holds[str(m["id"])].reason},
            }
            for m in found.mentions
        ],
        "watchlists": [
            {"watchlist": w, "type": t, "platform": p, "handle": h, "name": n}
            for w, t, p, h, n in watch
        ],
        "erasures": [_plain(list(r)) for r in erasures],
        "other_records": other,
    }
