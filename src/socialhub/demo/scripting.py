"""Shared pieces of the episode scripts: time units, named accounts, Poisson arrivals."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socialhub.demo.events import Spec
from socialhub.demo.world import BRAND, INFLUENCERS, JOURNALISTS, MPS, OFFICIAL, TELVIA

Event = tuple[float, Spec]
H = 3600.0
M = 60.0

ARTICLE_TITLE = "Mirabelle Télécom s'apprête à fermer une boutique sur cinq"

BY_HANDLE = {p.handle: p for p in (*JOURNALISTS, *MPS, *INFLUENCERS)}
MIRA, MIRA_SAV = OFFICIAL[BRAND.name]
TELVIA_ACC, _ = OFFICIAL[TELVIA.name]
TELVIA_CTX = {
    "comp": "Telvia",
    "comp_at": "@TelviaOfficiel",
    "comp_sav": "@TelviaSupport",
    "comp_product": "Telvia Flex",
    "comp_ceo": "Sandrine Okafor-Lenoir",
}


def poisson(
    rng: random.Random,
    t0: float,
    t1: float,
    peak: float,
    shape: Callable[[float], float],
) -> Iterator[float]:
    """Times of an inhomogeneous Poisson process (per-minute ``peak`` × ``shape(t - t0)``)."""
    lam = peak / M
    t = t0
    while True:
        t += rng.expovariate(lam)
        if t >= t1:
            return
        if rng.random() < shape(t - t0):
            yield t


def merge(fixed: list[Event], *streams: Iterator[Event]) -> Iterator[Event]:
    fixed.sort(key=lambda e: e[0])
    return heapq.merge(fixed, *streams, key=lambda e: e[0])


def crowd_platform(rng: random.Random) -> str:
    return rng.choices(
        ("x", "facebook", "bluesky", "forum", "reddit", "mastodon"), (55, 20, 8, 7, 5, 5)
    )[0]


@dataclass(frozen=True, slots=True)
class Episode:
    """Ground truth of one scripted episode."""

    name: str
    kind: str  # outage | launch | campaign | article | coordinated
    start: datetime
    end: datetime
    query: str  # the name of the examples/telecom.toml query that catches it
    description: str
    cities: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()  # "platform:handle" of the scripted accounts
    origin: str | None = None  # "platform:handle" of the first poster, when one started it
    coordinated: tuple[str, ...] = ()  # "platform:handle" of the coordinated cluster
    hashtags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "query": self.query,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "description": self.description,
            "cities": list(self.cities),
            "accounts": list(self.accounts),
            "origin": self.origin,
            "coordinated": list(self.coordinated),
            "hashtags": list(self.hashtags),
            "links": list(self.links),
        }
