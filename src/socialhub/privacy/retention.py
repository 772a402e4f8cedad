"""Retention per workspace and per source kind, run by the report scheduler.

A workspace's policy is its setting ``retention`` (set with ``socialhub privacy
retention set`` or ``socialhub apply``)::

    {"days": 365, "platforms": {"x": 90, "rss": 730}}

``platforms`` gives a limit per source kind (the mention's platform); ``days`` applies
to every other kind (absent: keep). A mention older than its limit leaves that
workspace (its routes and rollup counts go); a mention that no workspace keeps any more
is deleted, with its index entries. Items under legal hold stay and the exemption is
logged with the case's reason. ``socialhub db retention`` (whole months, every
workspace, partition drops on PostgreSQL) still exists for the global ceiling.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from socialhub.i18n import M_
from socialhub.models import utcnow
from socialhub.store.base import Store
from socialhub.store.legal import Hold
from socialhub.store.privacy import PrivacyRepo

log = logging.getLogger(__name__)

SETTING = "retention"


@dataclass(frozen=True, slots=True)
class Policy:
    days: int | None = None
    platforms: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_setting(cls, value: Any) -> Policy | None:
        """The policy in a workspace setting (None: none set); ValueError when malformed."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError(M_("retention must be a table: {days = N, platforms = {x = N}}"))
        unknown = set(value) - {"days", "platforms"}
        if unknown:
            raise ValueError(
                M_("unknown retention keys: %(unknown)s", unknown=", ".join(sorted(unknown)))
            )
        days = value.get("days")
        platforms = value.get("platforms") or {}
        if not isinstance(platforms, dict):
            raise ValueError(M_("retention.platforms must map a platform to days"))
        for name, n in [("days", days), *platforms.items()]:
            if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
                raise ValueError(
                    M_(
                        "retention %(name)s: days must be a whole number >= 1, got %(n)r",
                        name=name,
                        n=n,
                    )
                )
        return cls(days, {str(k): int(v) for k, v in platforms.items()})

    def to_setting(self) -> dict[str, Any]:
        return {"days": self.days, "platforms": dict(self.platforms)}


def validate_retention(value: Any) -> list[str]:
    """Errors of a ``retention`` workspace setting (for ``socialhub apply``)."""
    try:
        Policy.from_setting(value)
    except ValueError as exc:  # raised with a translatable message: keep it
        return [exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)]
    return []


@dataclass(slots=True)
class PolicyRun:
    workspace: str
    routes: int = 0
    mentions: int = 0
    held: list[Hold] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "routes": self.routes,
            "mentions": self.mentions,
            "held": [{"item": h.item_id, "case": h.case_id, "reason": h.reason} for h in self.held],
        }


def run_policies(store: Store, now: datetime | None = None) -> list[PolicyRun]:
    """Apply every workspace's retention policy once."""
    now = now or utcnow()
    repo = PrivacyRepo(store)
    runs = []
    for ws in store.workspaces.list_workspaces():
        assert ws.id is not None
        try:
            policy = Policy.from_setting(
                store.workspaces.get_workspace_settings(ws.id).get(SETTING)
            )
        except ValueError as exc:
            log.error("workspace %s: %s", ws.slug, exc)
            continue
        if policy is None:
            continue
        run = PolicyRun(ws.slug)
        plans: list[tuple[int, list[str] | None, list[str]]] = [
            (days, [platform], []) for platform, days in policy.platforms.items()
        ]
        if policy.days is not None:
            plans.append((policy.days, None, sorted(policy.platforms)))
        for days, only, skip in plans:
            seqs = repo.expired_routes(ws.id, now - timedelta(days=days), only, skip)
            if not seqs:
                continue
            done = repo.drop_workspace_routes(ws.id, seqs, now)
            run.routes += done.routes
            run.mentions += done.mentions
            run.held += done.held
        runs.append(run)
    return runs


class RetentionJob:
    """A scheduler job: the policies at most once per ``every`` (default one hour)."""

    def __init__(self, store: Store, every: timedelta = timedelta(hours=1)) -> None:
        self.store = store
        self.every = every
        self.last: datetime | None = None

    def __call__(self, now: datetime) -> list[PolicyRun]:
        if self.last is not None and now - self.last < self.every:
            return []
        self.last = now
        runs = run_policies(self.store, now)
        for run in runs:
            if run.routes or run.held:
                log.info("retention %s", run.to_dict())
        return runs
