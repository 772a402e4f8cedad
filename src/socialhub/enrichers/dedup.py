"""Exact duplicate filter: the same item seen again with nothing new is dropped early.

A re-collected mention whose engagement counts changed still passes, so the store can
refresh its counts. Memory is bounded: a fixed-size LRU of recent ids.

The LRU learns a mention only in :meth:`ExactDedup.commit`, which the consumer calls
once the batch is committed (stored and announced). A batch whose commit failed and
that comes back to the same worker is therefore processed and written again, never
dropped as a "duplicate" of something the store does not hold (issue 23).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import ClassVar

from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped

_Sig = tuple[int, int, int, int, int]


def _signature(m: Mention) -> _Sig:
    e = m.engagement
    return (e.likes, e.reposts, e.replies, e.quotes, e.views)


class ExactDedup(BaseEnricher):
    name: ClassVar[str] = "dedup"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.window = ctx.options.dedup_window
        self._seen: OrderedDict[str, _Sig] = OrderedDict()

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        out: list[Mention | Dropped] = []
        in_batch: dict[str, _Sig] = {}  # repeats inside this batch: the first one stays
        for m in batch:
            key, sig = m.id, _signature(m)
            if self._seen.get(key) == sig or in_batch.get(key) == sig:
                out.append(Dropped(m, "duplicate"))
                continue
            in_batch[key] = sig
            out.append(m)
        return out

    def commit(self, mentions: Iterable[Mention]) -> None:
        """Remember mentions whose batch is committed: their repeats are dropped."""
        seen = self._seen
        for m in mentions:
            seen[m.id] = _signature(m)
            seen.move_to_end(m.id)
        while len(seen) > self.window:
            seen.popitem(last=False)
