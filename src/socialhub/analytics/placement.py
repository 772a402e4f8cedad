"""Placing a signal of no workspace (issue 14): a complaint burst counted across every
query (the complaint detector's keyword fallback, when categories are off) would reach
every workspace's people. It goes to the workspace most of its posts were routed to,
and the rule keeps that workspace for its later signals (follow-ups carry no batch of
posts to vote with). Not checkpointed: after a restart a rule is placed again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from socialhub.models import Mention
from socialhub.records.signals import Signal


class Placement:
    """``place(signal, posts)`` sets ``signal.workspace_id`` when it has none."""

    def __init__(self) -> None:
        self.query_ws: dict[int, int] = {}  # query id -> workspace id (set on refresh)
        self._placed: dict[tuple[str, str], int] = {}

    def place(self, signal: Signal, by_id: Mapping[str, Mention]) -> None:
        if signal.workspace_id is not None:
            return
        rule = (signal.detector, signal.key)
        ws = self._placed.get(rule)
        if ws is None:
            votes = Counter(
                self.query_ws.get(q)
                for i in signal.evidence
                if i in by_id
                for q in by_id[i].query_ids
            )
            votes.pop(None, None)
            if not votes:
                return
            ws = self._placed[rule] = int(votes.most_common(1)[0][0] or 0)
        signal.workspace_id = ws


__all__ = ["Placement"]
