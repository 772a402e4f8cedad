"""A workspace's engagement rules: who drafts, who approves, how many, how fast.

Written in the configuration file under ``[workspace.settings.engagement]``::

    [workspace.settings.engagement]
    first_response_minutes = 60          # SLA: first answer within an hour of the post
    drafter_roles = ["analyst", "press"]
    approver_roles = ["press"]
    two_approvers_in_incident = true     # while an alert of severity >= 7 is open
    incident_severity = 7
    legal_roles = ["legal"]              # one of them must approve when a case is open

Accounts flagged ``two_approvers = true`` in ``[[official_account]]`` always need two.
Nobody ever approves their own draft, whatever the roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from socialhub.i18n import M_
from socialhub.models import Role

SETTING_KEY = "engagement"
_ROLES = {r.value for r in Role}
_KEYS = {
    "first_response_minutes": int,
    "drafter_roles": list,
    "approver_roles": list,
    "two_approvers_in_incident": bool,
    "incident_severity": int,
    "legal_roles": list,
    "collision_minutes": int,
}


@dataclass(frozen=True, slots=True)
class EngagePolicy:
    first_response_minutes: int = 60
    drafter_roles: frozenset[str] = field(
        default_factory=lambda: frozenset({"admin", "analyst", "press"})
    )
    approver_roles: frozenset[str] = field(default_factory=lambda: frozenset({"admin", "press"}))
    two_approvers_in_incident: bool = True
    incident_severity: int = 7
    legal_roles: frozenset[str] = field(default_factory=lambda: frozenset({"legal"}))
    # "someone else has this open" when they opened it less than this long ago
    collision_minutes: int = 10

    def can_draft(self, role: str) -> bool:
        return role in self.drafter_roles

    def can_approve(self, role: str) -> bool:
        return role in self.approver_roles

    def approvals_needed(self, *, in_incident: bool, account_two: bool) -> int:
        return 2 if account_two or (in_incident and self.two_approvers_in_incident) else 1


def validate_engagement(value: Any) -> list[str]:
    """Problems in a ``[workspace.settings.engagement]`` table (config loader hook)."""
    if not isinstance(value, Mapping):
        return [M_("expected a table: [workspace.settings.engagement]")]
    errors: list[str] = []
    items: dict[str, Any] = dict(value)
    for key, item in items.items():
        kind = _KEYS.get(key)
        if kind is None:
            errors.append(
                M_(
                    "unknown key %(key)r; expected one of %(choices)s",
                    key=key,
                    choices=", ".join(sorted(_KEYS)),
                )
            )
        elif not isinstance(item, kind) or (kind is int and isinstance(item, bool)):
            errors.append(M_("%(key)s: expected %(type)s", key=key, type=kind.__name__))
        elif kind is list:
            bad = [r for r in cast(list[Any], item) if r not in _ROLES]
            if bad:
                errors.append(
                    M_(
                        "%(key)s: %(bad)s not roles; expected some of %(choices)s",
                        key=key,
                        bad=bad,
                        choices=sorted(_ROLES),
                    )
                )
        elif kind is int and cast(int, item) <= 0:
            errors.append(M_("%(key)s: must be positive", key=key))
    return errors


def policy_from(settings: Mapping[str, Any]) -> EngagePolicy:
    """The policy of a workspace from its settings (defaults when absent)."""
    raw = settings.get(SETTING_KEY) or {}
    if validate_engagement(raw):
        raise ValueError("invalid engagement settings: " + "; ".join(validate_engagement(raw)))
    base = EngagePolicy()
    return EngagePolicy(
        first_response_minutes=int(raw.get("first_response_minutes", base.first_response_minutes)),
        drafter_roles=frozenset(raw.get("drafter_roles", base.drafter_roles)),
        approver_roles=frozenset(raw.get("approver_roles", base.approver_roles)),
        two_approvers_in_incident=bool(
            raw.get("two_approvers_in_incident", base.two_approvers_in_incident)
        ),
        incident_severity=int(raw.get("incident_severity", base.incident_severity)),
        legal_roles=frozenset(raw.get("legal_roles", base.legal_roles)),
        collision_minutes=int(raw.get("collision_minutes", base.collision_minutes)),
    )
