"""Notable moments: peaks of a query's volume, with what was said at the peak.

A bucket (an hour in a digest, a day in the weekly report) is a peak when its count
reaches ``max(min_count, factor x the mean bucket of the reference period + 2)``;
the reference is the previous period when given (a competitor's launch day should
stand out against last week), else the period itself. Adjacent peak buckets are one
moment, reported at its highest bucket.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from socialhub.models import Mention
from socialhub.reports.data import hourly
from socialhub.reports.topics import example
from socialhub.text import phrase_key

__all__ = ["peaks"]


def peaks(
    mentions: Sequence[Mention],
    reference: Sequence[Mention] | None,
    start: datetime,
    end: datetime,
    step: timedelta,
    *,
    ref_span: timedelta | None = None,
    factor: float = 2.5,
    min_count: int = 5,
    limit: int = 3,
) -> list[dict[str, Any]]:
    """The moments of ``mentions`` (already restricted to one query), biggest first."""
    counts = hourly(mentions, start, end, step)
    if reference is not None and ref_span is not None:
        buckets = max(1.0, ref_span / step)
        mean = len(reference) / buckets
    else:
        mean = sum(counts) / len(counts)
    threshold = max(min_count, factor * mean + 2)
    moments: list[tuple[int, int]] = []  # (bucket index, count) of each run's top
    run: list[int] = []
    for i, n in enumerate([*counts, 0]):
        if n >= threshold:
            run.append(i)
        elif run:
            top = max(run, key=lambda j: counts[j])
            moments.append((top, counts[top]))
            run = []
    moments.sort(key=lambda t: -t[1])
    out = []
    for i, n in moments[:limit]:
        t0 = start + i * step
        inside = [m for m in mentions if t0 <= m.created_at < t0 + step]
        phrases: Counter[str] = Counter()
        forms: dict[str, str] = {}
        for m in inside:
            for p in m.keyphrases:
                key = phrase_key(p)
                if key:
                    phrases[key] += 1
                    forms.setdefault(key, p)
        best = max(inside, key=lambda m: (m.engagement.total(), m.id))
        out.append(
            {
                "at": t0.isoformat(),
                "count": n,
                "baseline": round(mean, 1),
                "ratio": round(n / mean, 1) if mean else None,
                "phrases": [forms[k] for k, _ in phrases.most_common(4)],
                "example": example(best),
            }
        )
    return out
