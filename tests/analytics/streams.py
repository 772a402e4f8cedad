"""Seeded synthetic streams: a Poisson background with a day/night cycle, plus bursts."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from socialhub.models import Engagement, Mention

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday, midnight UTC
# relative activity per hour of the day (night trough, evening peak), mean 1
_HOURLY = (0.42, 0.26, 0.16, 0.11, 0.10, 0.15, 0.33, 0.68, 0.98, 1.08, 1.08, 1.12,
           1.22, 1.16, 1.06, 1.06, 1.12, 1.22, 1.36, 1.55, 1.70, 1.72, 1.44, 0.90)  # fmt: skip
HOURLY = tuple(h * 24 / sum(_HOURLY) for h in _HOURLY)
WORDS = [
    "forfait",
    "facture",
    "fibre",
    "reseau",
    "box",
    "mobile",
    "appel",
    "client",
    "offre",
    "prix",
    "debit",
    "wifi",
    "conseiller",
    "boutique",
    "option",
    "abonnement",
]


def activity(t: datetime) -> float:
    """Smooth day/night cycle (interpolated between hour centres), weekends at 0.9."""
    pos = (t.hour + t.minute / 60 - 0.5) % 24
    h0 = int(pos)
    f = HOURLY[h0] * (1 - (pos - h0)) + HOURLY[(h0 + 1) % 24] * (pos - h0)
    return f * (0.9 if t.weekday() >= 5 else 1.0)


def background(
    seed: int,
    *,
    per_minute: float,
    start: datetime = T0,
    duration: timedelta = timedelta(days=7),
    query_ids: tuple[int, ...] = (1,),
    negative_share: float = 0.2,
    text: Callable[[random.Random], str] | None = None,
    prefix: str = "bg",
) -> Iterator[Mention]:
    """An inhomogeneous Poisson stream (thinning), seeded."""
    rng = random.Random(seed)
    peak = per_minute * max(HOURLY) / 60.0  # per second
    t, end, i = start, start + duration, 0
    while True:
        t += timedelta(seconds=rng.expovariate(peak))
        if t >= end:
            return
        if rng.random() * max(HOURLY) > activity(t):
            continue
        i += 1
        words = text(rng) if text else " ".join(rng.sample(WORDS, 4))
        yield Mention(
            "x",
            f"{prefix}{seed}-{i}",
            words,
            t,
            query_ids=list(query_ids),
            sentiment_label="negative" if rng.random() < negative_share else "neutral",
            engagement=Engagement(likes=rng.randrange(5)),
        )


def burst(
    seed: int,
    *,
    start: datetime,
    per_minute: float,
    minutes: float,
    text: str = "panne reseau",
    query_ids: tuple[int, ...] = (1,),
    negative_share: float = 0.2,
    prefix: str = "burst",
) -> list[Mention]:
    """A homogeneous Poisson burst of ``per_minute`` for ``minutes``."""
    rng = random.Random(seed)
    out, t = [], start
    end = start + timedelta(minutes=minutes)
    while True:
        t += timedelta(seconds=rng.expovariate(per_minute / 60.0))
        if t >= end:
            return out
        out.append(
            Mention(
                "x",
                f"{prefix}{seed}-{len(out)}",
                text,
                t,
                query_ids=list(query_ids),
                sentiment_label="negative" if rng.random() < negative_share else "neutral",
                engagement=Engagement(likes=int(10 * math.exp(rng.gauss(0, 1)))),
            )
        )


def merge(*streams: Iterator[Mention] | list[Mention]) -> list[Mention]:
    return sorted((m for s in streams for m in s), key=lambda m: m.created_at)


def expected_rate(t: datetime, per_minute: float) -> float:
    return per_minute * activity(t)
