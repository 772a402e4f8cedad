"""Shared pieces of the episode scripts: time units, named accounts, Poisson arrivals."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator

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
