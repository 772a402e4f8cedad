"""Exact duplicate filter: the same item seen again with nothing new is dropped early.

A re-collected mention whose engagement counts changed still passes, so the store can
refresh its counts. Memory is bounded: a fixed-size LRU of recent ids.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped


class ExactDedup(BaseEnricher):
    name: ClassVar[str] = "dedup"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.window = int(ctx.settings.get("dedup_window", 200_000))
        self._seen: OrderedDict[str, tuple[int, int, int, int, int]] = OrderedDict()

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        out: list[Mention | Dropped] = []
        for m in batch:
            e = m.engagement
            key = m.id
            sig = (e.likes, e.reposts, e.replies, e.quotes, e.views)
            if self._seen.get(key) == sig:
                self._seen.move_to_end(key)
                out.append(Dropped(m, "duplicate"))
                continue
            self._seen[key] = sig
            self._seen.move_to_end(key)
            if len(self._seen) > self.window:
                self._seen.popitem(last=False)
            out.append(m)
        return out
