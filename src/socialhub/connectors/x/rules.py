"""Filtered-stream rules: derive them from targets and sync them with X.

``GET /2/tweets/search/stream/rules`` lists ``{"data": [{"id", "value", "tag"}]}``
(no ``data`` when there is none); ``POST`` the same path with ``{"add": [{"value",
"tag"}]}`` or ``{"delete": {"ids": [...]}}``. The answer's ``meta.summary`` counts
``created``/``not_created``/``valid``/``invalid`` and ``errors`` explains refusals
(``DuplicateRule`` is harmless: the rule is already there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from socialhub.connectors.base import BadRequest, Target

from .client import XClient

RULES_PATH = "/2/tweets/search/stream/rules"


@dataclass(frozen=True, slots=True)
class Rule:
    value: str
    tag: str


def target_rules(target: Target) -> list[Rule]:
    """The rules of a stream target: ``options["rules"]`` or its own value and tag.

    The tag is the ``match_query`` copied onto every mention the rule matches.
    """
    listed = target.options.get("rules")
    if listed:
        rules = [
            Rule(str(r["value"]), str(r.get("tag") or r.get("match_query") or r["value"]))
            for r in listed
        ]
    else:
        rules = [Rule(target.value, target.match_query or target.value)]
    return list(dict.fromkeys(rules))  # same rule twice: X would refuse the duplicate


async def sync_rules(
    client: XClient, token: str, credential: str, wanted: list[Rule]
) -> dict[str, int]:
    """Delete rules not wanted (or whose tag changed), add missing ones.

    Returns ``{"kept", "added", "deleted"}``. Raises :class:`BadRequest` naming the rule
    X refused as invalid, since the stream would silently miss what it should match.
    """
    current = await client.request("GET", RULES_PATH, token=token, credential=credential)
    existing: dict[Rule, str] = {}
    for item in current.get("data") or []:
        if isinstance(item, dict) and item.get("id"):
            existing[Rule(str(item.get("value", "")), str(item.get("tag") or ""))] = str(item["id"])
    stale = [rule_id for rule, rule_id in existing.items() if rule not in wanted]
    missing = [rule for rule in wanted if rule not in existing]
    if stale:
        await client.request(
            "POST", RULES_PATH, token=token, credential=credential, json={"delete": {"ids": stale}}
        )
    if missing:
        body = {"add": [{"value": r.value, "tag": r.tag} for r in missing]}
        answer = await client.request(
            "POST", RULES_PATH, token=token, credential=credential, json=body
        )
        _check_added(answer)
    return {"kept": len(existing) - len(stale), "added": len(missing), "deleted": len(stale)}


def _check_added(answer: dict[str, Any]) -> None:
    summary = (answer.get("meta") or {}).get("summary") or {}
    if not summary.get("invalid"):
        return
    refused = [
        f"{e.get('value', '?')!r}: {e.get('title') or e.get('message') or e.get('details')}"
        for e in answer.get("errors") or []
        if isinstance(e, dict) and e.get("title") != "DuplicateRule"
    ]
    raise BadRequest(f"x: stream rules refused: {'; '.join(refused) or summary}")
