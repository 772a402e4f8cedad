"""The near-duplicate stage's band table in numpy arrays: band key -> cluster id, bounded.

Semantics (pinned by ``tests/enrichers/test_fast_paths_equal.py``): an LRU *by write*
of at most ``cap`` keys. ``write(keys, cid)`` points every key at ``cid`` and makes it
the most recently written; while more than ``cap`` keys are held, the least recently
written is forgotten. Reads do not refresh.

Why not a dict: at its 1.6 M keys (50,000 clusters x 32 bands) a dict of 64-bit ints
plus the order of writes cost ~175 MB, and rebuilding its hash table after churn held
the old and the new table at once (~110 MiB more at the peak of a 1M-mention import,
issue 21). Here the committed table is three sorted arrays (key, last write number,
name index: 20 bytes a key, ~32 MB full) and the writes since the last :meth:`flush`
live in a small overlay (a dict of this batch's keys and the set of committed keys
they replaced or evicted), so a lookup sees exactly the state the LRU would have after
every write. :meth:`flush` (every ~100,000 writes) merges the overlay in a few O(n)
numpy passes; evictions take the committed keys oldest first (``argpartition`` of the
write numbers), then the overlay's.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["BandTable"]

_TAIL_CHUNK = 65_536  # committed keys taken oldest first, per eviction chunk
_OVERLAY_MAX = 200_000  # writes held before a forced flush (the one-mention path)
_FLUSH_AT = 100_000  # writes held before :meth:`maybe_flush` merges them


class BandTable:
    """``key -> cluster id`` holding at most ``cap`` keys, least recently written out."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._keys: npt.NDArray[np.uint64] = np.empty(0, np.uint64)  # sorted
        self._ws: npt.NDArray[np.int64] = np.empty(0, np.int64)  # write number of each key
        self._vals: npt.NDArray[np.int32] = np.empty(0, np.int32)  # index into _names
        self._names: list[str] = []
        self._next_w = 0
        self._reset()

    def _reset(self) -> None:
        self._written: dict[int, str] = {}  # since the flush, least recently written first
        # committed keys evicted (their positions) or rewritten since the flush
        self._gone_at: list[int] = []
        self._replaced: set[int] = set()
        # the current answer for every key looked up or written since the flush (None:
        # absent); a key not in it is untouched since, so the arrays answer for it
        self._view: dict[int, str | None] = {}
        self._tail: list[int] = []  # committed keys, oldest write first, for eviction
        self._tail_at: list[int] = []  # their positions
        self._tail_i = 0
        self._tail_after = -1  # write number of the last key put in _tail
        self._size = len(self._keys)

    # -- reads --------------------------------------------------------------------------

    def _committed(self, key: int) -> str | None:
        keys = self._keys
        i = int(np.searchsorted(keys, np.uint64(key)))
        name = self._names[self._vals[i]] if i < len(keys) and int(keys[i]) == key else None
        self._view[key] = name
        return name

    def prefetch(self, keys: list[int]) -> None:
        """Look ``keys`` up in the committed arrays in one pass (what :meth:`get_many`
        then reads instead of one ``searchsorted`` a key)."""
        view = self._view
        keys = [k for k in keys if k not in view]
        if not keys or not len(self._keys):
            view.update(dict.fromkeys(keys))
            return
        want = np.array(keys, dtype=np.uint64)
        order = np.argsort(want)  # sorted queries: searchsorted walks the table once
        at = np.empty(len(want), dtype=np.intp)
        at[order] = np.searchsorted(self._keys, want[order])
        np.minimum(at, len(self._keys) - 1, out=at)
        hit = (self._keys[at] == want).tolist()
        vals = self._vals[at].tolist()
        names = self._names
        for key, h, v in zip(keys, hit, vals, strict=True):
            view[key] = names[v] if h else None

    def get(self, key: int) -> str | None:
        return self.get_many([key])[0]

    def get_many(self, keys: list[int]) -> list[str | None]:
        """:meth:`get` of each key (one call for a signature's bands)."""
        view = self._view
        out = [view.get(k, False) for k in keys]
        if False in out:
            out = [self._committed(k) if v is False else v for k, v in zip(keys, out, strict=True)]
        return out  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._size

    def as_dict(self) -> dict[int, str]:
        """Every key held and its cluster id, least recently written first (tests)."""
        self.flush()
        order = np.argsort(self._ws, kind="stable")
        names = self._names
        return {
            int(k): names[v]
            for k, v in zip(self._keys[order].tolist(), self._vals[order].tolist(), strict=True)
        }

    # -- writes -------------------------------------------------------------------------

    def write(self, keys: list[int], cid: str) -> None:
        """Point ``keys`` at ``cid`` (most recently written), then forget the least
        recently written keys over ``cap``."""
        written, replaced, view = self._written, self._replaced, self._view
        now = [view.get(k, False) for k in keys]
        if not any(now) and False not in now and len(set(keys)) == len(keys):
            # the usual case, all at once: keys held nowhere (None is neither in the
            # overlay nor committed), each once
            fresh = dict.fromkeys(keys, cid)
            written.update(fresh)
            view.update(fresh)
            added = len(keys)
            keys = []
        else:
            added = 0
        for key in keys:
            if key in written:
                del written[key]  # re-inserted below: the newest again
            else:
                name = view.get(key, False)
                if name is False:
                    name = self._committed(key)
                if name is None:
                    added += 1
                else:
                    replaced.add(key)  # a committed key: its place in the arrays is stale
            written[key] = cid
            view[key] = cid
        self._size += added
        if self._size > self.cap:
            self._evict(self._size - self.cap)
        if len(written) + len(self._gone_at) > _OVERLAY_MAX:
            self.flush()

    def _evict(self, count: int) -> None:
        """Forget the ``count`` least recently written keys: committed ones first (all
        older than the overlay's), skipping those rewritten since the flush. The tail
        is consumed in order, so a key ahead of it is gone only if rewritten."""
        replaced, view, gone_at = self._replaced, self._view, self._gone_at
        tail, tail_at, i = self._tail, self._tail_at, self._tail_i
        self._size -= count
        while count:
            if i == len(tail):
                if not self._more_tail():
                    break
                tail, tail_at, i = self._tail, self._tail_at, 0
            take = tail[i : i + count]
            if replaced.isdisjoint(take):  # the usual case: all at once
                view.update(dict.fromkeys(take))
                gone_at.extend(tail_at[i : i + len(take)])
                i += len(take)
                count -= len(take)
                continue
            for key in take:
                if key not in replaced:
                    view[key] = None
                    gone_at.append(tail_at[i])
                    count -= 1
                i += 1
        self._tail_i = i
        if count:  # every committed key is gone: the overlay's oldest writes go
            written = self._written
            for key in list(itertools.islice(written, count)):
                del written[key]
                view[key] = None

    def _more_tail(self) -> bool:
        """The next chunk of committed keys in the order of their last write."""
        later = np.flatnonzero(self._ws > self._tail_after)
        if not len(later):
            return False
        if len(later) > _TAIL_CHUNK:
            later = later[np.argpartition(self._ws[later], _TAIL_CHUNK - 1)[:_TAIL_CHUNK]]
        later = later[np.argsort(self._ws[later])]
        self._tail = self._keys[later].tolist()
        self._tail_at = later.tolist()
        self._tail_i = 0
        self._tail_after = int(self._ws[later[-1]])
        return True

    def maybe_flush(self) -> None:
        """:meth:`flush` once the overlay holds ~100,000 writes (a few batches)."""
        if len(self._written) + len(self._gone_at) > _FLUSH_AT:
            self.flush()
        elif len(self._view) > 4 * _FLUSH_AT:
            self._view = {k: v for k, v in self._view.items() if k in self._written}

    def flush(self) -> None:
        """Merge the overlay into the sorted arrays (the same mapping, fewer objects)."""
        written = self._written
        if not written and not self._gone_at and not self._replaced:
            self._reset()
            return
        keys, ws, vals = self._keys, self._ws, self._vals
        keep = np.ones(len(keys), dtype=bool)
        keep[self._gone_at] = False  # evicted: their positions are known
        if self._replaced:  # rewritten: found by value
            want = np.sort(np.fromiter(self._replaced, np.uint64, len(self._replaced)))
            keep[np.searchsorted(keys, want)] = False
        m = len(written)
        fresh = list(dict.fromkeys(written.values()))
        first = len(self._names)
        index = dict(zip(fresh, range(first, first + len(fresh)), strict=True))
        self._names.extend(fresh)
        new_keys = np.fromiter(written, np.uint64, m)
        new_vals = np.fromiter(map(index.__getitem__, written.values()), np.int32, m)
        new_ws = np.arange(self._next_w, self._next_w + m, dtype=np.int64)
        self._next_w += m
        order = np.argsort(new_keys)
        new_keys, new_vals, new_ws = new_keys[order], new_vals[order], new_ws[order]
        kept = keys[keep]
        # one pass per array: the new keys' final places, the kept ones fill the rest
        at = np.searchsorted(kept, new_keys) + np.arange(m)
        slots = np.ones(len(kept) + m, dtype=bool)
        slots[at] = False
        merged = []
        for old, new in ((kept, new_keys), (ws[keep], new_ws), (vals[keep], new_vals)):
            out = np.empty(len(kept) + m, dtype=old.dtype)
            out[at] = new
            out[slots] = old
            merged.append(out)
        del kept
        self._keys, self._ws, self._vals = merged
        if len(self._names) > len(self._keys) // 8 + 1_024:  # forget names no key points at
            used, inverse = np.unique(self._vals, return_inverse=True)
            self._names = [self._names[i] for i in used.tolist()]
            self._vals = inverse.astype(np.int32)
        self._reset()

    @classmethod
    def from_items(cls, cap: int, items: list[tuple[int, str]]) -> BandTable:
        """A table holding ``items`` (key, cluster id), least recently written first."""
        table = cls(cap)
        for key, cid in items:
            table.write([key], cid)
        table.flush()
        return table

    def __getstate__(self) -> dict[str, Any]:
        self.flush()
        return {
            "cap": self.cap,
            "_keys": self._keys,
            "_ws": self._ws,
            "_vals": self._vals,
            "_names": self._names,
            "_next_w": self._next_w,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()
