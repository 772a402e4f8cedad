"""The ids an import has read so far, in 8 bytes each (issue 21, flat memory).

``import_file`` counts a record whose id it read before in the same file as a
duplicate. A Python ``set`` of the ids' hashes cost ~64 bytes a mention (a 32-byte int
object and its share of a table that doubles: 64 MB at 1M, rebuilt with the old
table still held). Here the hashes live in a sorted ``uint64`` array and the last
~65,000 in a small set, merged into the array when it fills: the same answers (a hash
collision, ~n²/2⁶⁵, would only miscount a duplicate; the store still deduplicates by
id), 8 bytes a mention plus one merge's copy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["SeenIds"]

_MASK = 2**64 - 1
_RECENT = 65_536


class SeenIds:
    """``add_new(id)``: True the first time an id is given, False after."""

    def __init__(self, recent: int = _RECENT) -> None:
        self._old: npt.NDArray[np.uint64] = np.empty(0, np.uint64)  # sorted
        self._recent: set[int] = set()
        self._cap = recent

    def __len__(self) -> int:
        return len(self._old) + len(self._recent)

    def add_new(self, item_id: str) -> bool:
        key = hash(item_id) & _MASK
        recent = self._recent
        if key in recent:
            return False
        old = self._old
        if len(old):
            i = int(old.searchsorted(np.uint64(key)))
            if i < len(old) and int(old[i]) == key:
                return False
        recent.add(key)
        if len(recent) >= self._cap:
            self._merge()
        return True

    def _merge(self) -> None:
        fresh = np.fromiter(self._recent, np.uint64, len(self._recent))
        fresh.sort()
        self._old = np.concatenate([self._old, fresh])
        self._old.sort(kind="stable")  # two sorted runs: a merge, not a full sort
        self._recent = set()
