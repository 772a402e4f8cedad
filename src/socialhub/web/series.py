"""Time buckets in a workspace's time zone, filled from the store's 15-minute UTC slots.

Stored times are UTC; people read "Monday" and "10:00" in their own zone, including
across daylight-saving changes (a local day then lasts 23 or 25 hours).

>>> from datetime import UTC, datetime
>>> b = Buckets(datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 30, 22, tzinfo=UTC),
...             "day", "Europe/Paris")
>>> b.labels()
['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00']
>>> b.index(datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # 00:30 on the 30th in Paris
1
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialhub.store.dashboard import SLOT_SECONDS

INTERVALS = ("hour", "day")
MAX_BUCKETS = 2000


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class Buckets:
    """Consecutive local hours or days covering ``[since, until)``."""

    def __init__(self, since: datetime, until: datetime, interval: str, tz: str) -> None:
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join(INTERVALS)}")
        if until <= since:
            raise ValueError("until must be after since")
        self.interval = interval
        self.tz = zone(tz)
        self.starts: list[datetime] = []  # local, aware
        start = self._floor(since)
        while start < until:
            self.starts.append(start)
            if len(self.starts) > MAX_BUCKETS:
                raise ValueError(f"more than {MAX_BUCKETS} buckets: choose a wider interval")
            start = self._next(start)
        self._pos = {s.astimezone(UTC): i for i, s in enumerate(self.starts)}

    def _floor(self, t: datetime) -> datetime:
        local = t.astimezone(self.tz)
        if self.interval == "day":
            # combine() lets the zone pick midnight's own offset (it may differ from
            # the offset later that day)
            return datetime.combine(local.date(), time(), tzinfo=self.tz)
        return local.replace(minute=0, second=0, microsecond=0)

    def _next(self, start: datetime) -> datetime:
        if self.interval == "day":
            return datetime.combine(start.date() + timedelta(days=1), time(), tzinfo=self.tz)
        return (start.astimezone(UTC) + timedelta(hours=1)).astimezone(self.tz)

    def index(self, t: datetime) -> int | None:
        """The bucket holding an instant, or None outside the range."""
        return self._pos.get(self._floor(t).astimezone(UTC))

    def labels(self) -> list[str]:
        return [s.isoformat() for s in self.starts]

    def fold(self, slots: Iterable[tuple[int, int]]) -> list[int]:
        """Counts per bucket from ``(slot, count)`` pairs."""
        counts = [0] * len(self.starts)
        for slot, n in slots:
            i = self.index(datetime.fromtimestamp(slot * SLOT_SECONDS, UTC))
            if i is not None:
                counts[i] += n
        return counts


def auto_interval(since: datetime, until: datetime) -> str:
    """Hours up to three days, days beyond."""
    return "hour" if until - since <= timedelta(days=3) else "day"
