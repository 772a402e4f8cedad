"""A configured set of detectors fed one mention stream on the stream's own clock."""

from __future__ import annotations

import hashlib
import inspect
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from socialhub.analytics.params import check_params
from socialhub.analytics.types import Detector
from socialhub.models import Mention, as_utc
from socialhub.records.signals import Signal

_COMMON = ("workspaces", "labels", "lists")
FLUSH_AFTER = 60.0  # seconds past the last mention: longer than any micro-batch


def _accepts(factory: Any) -> set[str]:
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return set()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values()):
        return set(_COMMON)
    return set(sig.parameters)


class SeenIds:
    """The last ``window`` mention ids counted, as 8-byte digests (bounded memory; about
    0.8 MB pickled for 100,000 ids, so it travels in every checkpoint)."""

    def __init__(self, window: int = 100_000) -> None:
        self.window = window
        self._order: deque[int] = deque()
        self._set: set[int] = set()

    @staticmethod
    def key(mention_id: str) -> int:
        digest = hashlib.blake2b(mention_id.encode("utf-8", "surrogatepass"), digest_size=8)
        return int.from_bytes(digest.digest(), "little")

    def add(self, mention_id: str) -> bool:
        """Remember ``mention_id``; False when it was already there."""
        key = self.key(mention_id)
        if key in self._set:
            return False
        self._set.add(key)
        self._order.append(key)
        while len(self._order) > self.window:
            self._set.discard(self._order.popleft())
        return True

    def __contains__(self, mention_id: str) -> bool:
        return self.key(mention_id) in self._set

    def __len__(self) -> int:
        return len(self._order)

    def __getstate__(self) -> dict[str, Any]:
        return {"window": self.window, "keys": array("Q", self._order).tobytes()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.window = int(state["window"])
        keys = array("Q")
        keys.frombytes(state["keys"])
        self._order = deque(keys)
        self._set = set(self._order)


class DetectorSet:
    """Feed mentions through several detectors; ``advance`` them every ``tick`` seconds.

    The clock is the largest ``created_at`` seen (late mentions do not move it back).
    Every ``tick`` seconds of stream time each detector's ``advance`` runs, so trends
    ("falling back") and micro-batched tests fire even when a key has gone quiet. The
    whole set pickles (detectors keep plain state), so a replay can stop and resume.

    Configuration (a dict, e.g. read from TOML)::

        tick = 10                       # seconds of stream time between advances
        workspaces = {"3": 1}           # query id -> workspace id
        labels = {"query:3" = "Pannes"} # key -> human name for titles
        lists = {"Presse" = "journalist"} # watchlist name -> list type
        [detectors.volume]              # one table per detector: its parameters
        z = 5.0
        [detectors.emerging]
        enabled = false                 # switched off

    Detectors not named run with their defaults; ``only = ["volume"]`` limits the set.

    Delivery is at-least-once, so a mention can arrive twice (a batch redelivered after a
    crash, a refresh of its counts): :meth:`first_time` remembers the last
    ``seen_window`` mention ids counted (default 100,000), pickled with the detectors,
    and consumers feed only the mentions it has not seen.

    Examples
    --------
    >>> ds = DetectorSet.from_config({"only": ["volume"], "detectors": {"volume": {"z": 6}}})
    >>> list(ds.detectors), ds.detectors["volume"].params.z
    (['volume'], 6.0)
    """

    def __init__(self, detectors: Mapping[str, Detector], tick: float = 10.0) -> None:
        self.detectors = dict(detectors)
        self.tick = float(tick)
        self.clock = 0.0
        self.next_tick = 0.0
        self.seen = 0
        self.counted = SeenIds()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any] | None = None,
        registry: Mapping[str, Any] | None = None,
        *,
        origin: str = "",
    ) -> DetectorSet:
        """Build the configured detectors. Each ``[detect.detectors.<name>]`` table is
        checked against the detector's declared parameters first, so a typo or a wrong
        type fails with ``origin`` (the settings file), the table and the key."""
        cfg = dict(config or {})
        if registry is None:
            from socialhub.analytics.detectors.registry import builtin_detectors

            registry = builtin_detectors()
        tables = dict(cfg.get("detectors") or {})
        unknown = set(tables) - set(registry)
        if unknown:
            where = f"{origin}: [detect.detectors]" if origin else "[detect.detectors]"
            raise ValueError(
                f"{where}: unknown detector(s) {sorted(unknown)}; known: {sorted(registry)}"
            )
        only = cfg.get("only")
        names = list(only) if only else list(registry)
        common = {
            "workspaces": {int(k): int(v) for k, v in dict(cfg.get("workspaces") or {}).items()},
            "labels": {str(k): str(v) for k, v in dict(cfg.get("labels") or {}).items()},
            "lists": {str(k): str(v) for k, v in dict(cfg.get("lists") or {}).items()},
        }
        built: dict[str, Detector] = {}
        for name in names:
            if name not in registry:
                raise ValueError(f"unknown detector {name!r}; known: {sorted(registry)}")
            params = dict(tables.get(name) or {})
            table = f"[detect.detectors.{name}]"
            check_params(registry[name], params, f"{origin}: {table}" if origin else table)
            if not params.pop("enabled", True):
                continue
            accepts = _accepts(registry[name])
            for key in _COMMON:
                if key in accepts:  # plugin detectors need not take them
                    params.setdefault(key, common[key])
            built[name] = registry[name](**params)
        out = cls(built, tick=float(cfg.get("tick", 10.0)))
        out.counted = SeenIds(int(cfg.get("seen_window", 100_000)))
        return out

    def first_time(self, mention_id: str) -> bool:
        """True (and remembered) when ``mention_id`` was not counted before."""
        counted: SeenIds | None = getattr(self, "counted", None)
        if counted is None:  # a checkpoint written before the set existed
            counted = self.counted = SeenIds()
        return counted.add(mention_id)

    def feed(self, mention: Mention) -> list[Signal]:
        """Update every detector with one mention (advancing them first when due)."""
        t = as_utc(mention.created_at).timestamp()
        out: list[Signal] = []
        if t > self.clock:
            self.clock = t
            if t >= self.next_tick:
                out += self._advance(t)
        self.seen += 1
        for det in self.detectors.values():
            out += det.update(mention)
        return out

    def elevated(self, detector: str, key: str, ratio: float = 2.0) -> bool:
        """Whether a burst detector's ``key`` is still at ``ratio`` × its baseline on the
        stream clock (volume and complaints; False for other detectors or unknown keys)."""
        from socialhub.analytics.detectors.burst import BurstCore

        core = getattr(self.detectors.get(detector), "core", None)
        return isinstance(core, BurstCore) and core.elevated(key, self.clock, ratio)

    def advance(self, now: datetime) -> list[Signal]:
        """Move the clock to ``now`` without a mention (e.g. at the end of a replay)."""
        t = as_utc(now).timestamp()
        if t <= self.clock:
            return []
        self.clock = t
        return self._advance(t)

    def _advance(self, t: float) -> list[Signal]:
        self.next_tick = (t // self.tick + 1) * self.tick
        now = datetime.fromtimestamp(t, UTC)
        out: list[Signal] = []
        for det in self.detectors.values():
            out += det.advance(now)
        return out

    def run(self, mentions: Iterable[Mention], *, flush: bool = True) -> Iterator[Signal]:
        """Every signal of a stream, in stream order; ``flush`` advances a minute past the
        last mention so pending micro-batches are tested."""
        for m in mentions:
            yield from self.feed(m)
        if flush and self.seen:
            yield from self.advance(datetime.fromtimestamp(self.clock + FLUSH_AFTER, UTC))
