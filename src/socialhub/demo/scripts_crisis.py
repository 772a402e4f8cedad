"""Crisis scripts: the network outage and the coordinated controversy."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from socialhub.demo.events import Spec
from socialhub.demo.places import OUTAGE_CITIES
from socialhub.demo.scripting import (
    BY_HANDLE,
    MIRA,
    Episode,
    Event,
    H,
    M,
    crowd_platform,
    merge,
    poisson,
)
from socialhub.demo.world import (
    BRAND,
    CONTROVERSY_LINK,
    CONTROVERSY_ORIGIN,
    CONTROVERSY_TAG,
    COORDINATED_HANDLES,
    JOURNALISTS,
)


def outage(ep: Episode, rng: random.Random, rate: float) -> Iterator[Event]:
    t0, t1 = ep.start.timestamp(), ep.end.timestamp()
    name = ep.name

    def shape(dt: float) -> float:  # ramp 75 min, plateau to 4 h 30, then decay
        if dt < 75 * M:
            return dt / (75 * M)
        if dt < 4.5 * H:
            return 1.0
        return math.exp(-(dt - 4.5 * H) / (50 * M))

    def complaints() -> Iterator[Event]:
        for t in poisson(rng, t0, t1, max(2.0, 0.7 * rate), shape):
            city = rng.choices(OUTAGE_CITIES, (55, 20, 25))[0]
            lang = "en" if rng.random() < 0.06 else "fr"
            yield (
                t,
                Spec(
                    "outage_complaint",
                    crowd_platform(rng),
                    lang,
                    episode=name,
                    pool=name,
                    ctx={"city": city},
                    children=1.0,
                    place=city if rng.random() < 0.5 else "",
                ),
            )

    def replies() -> Iterator[Event]:  # the crowd joins the official threads
        for t in poisson(rng, t0 + 45 * M, t1, max(1.0, 0.25 * rate), shape):
            yield (
                t,
                Spec(
                    "reply_outage",
                    "x",
                    kind="reply",
                    parent_pool=name + "-official",
                    episode=name,
                    ctx={"city": rng.choice(OUTAGE_CITIES)},
                ),
            )

    off = name + "-official"

    def official(at: float, grammar: str, platform: str, city: str, children: int) -> Event:
        spec = Spec(grammar, platform, person=MIRA, episode=name, pool=off,
                    ctx={"city": city}, children=children)  # fmt: skip
        return (at, spec)

    fixed: list[Event] = [
        official(t0 + 40 * M, "outage_official", "x", "Lyon", 6),
        official(t0 + 42 * M, "outage_official", "facebook", "Lyon", 4),
        official(t0 + 2.5 * H, "outage_official", "x", "Grenoble", 5),
        official(t0 + 5 * H, "outage_official_end", "x", "Lyon", 5),
    ]
    for dt, handle, city in (
        (1.5, "mferrandi", "Lyon"),
        (2.2, "bloriot", "Grenoble"),
        (3.0, "camroussel", "Lyon"),
        (4.0, "pgrangier", "Villeurbanne"),
    ):
        fixed.append(
            (
                t0 + dt * H,
                Spec(
                    "outage_news",
                    "news",
                    person=BY_HANDLE[handle],
                    episode=name,
                    ctx={"city": city},
                    share_delay=5 * M,
                ),
            )
        )
    for dt, handle in ((2.75, "mdelormefabre"), (3.2, "gillesaubrac"), (3.5, "remidufresne")):
        mp = BY_HANDLE[handle]
        fixed.append(
            (
                t0 + dt * H,
                Spec(
                    "outage_mp",
                    mp.platform,
                    person=mp,
                    episode=name,
                    ctx={"city": mp.city},
                    children=3,
                ),
            )
        )
    return merge(fixed, complaints(), replies())


def controversy(ep: Episode, rng: random.Random, rate: float) -> Iterator[Event]:
    t0, t1 = ep.start.timestamp(), ep.end.timestamp()
    name = ep.name
    ctx = {"ctag": CONTROVERSY_TAG, "clink": CONTROVERSY_LINK}

    def waves() -> Iterator[Event]:
        events: list[Event] = []
        for w, start in enumerate((45.0, 22 * M, 50 * M, 85 * M, 130 * M, 180 * M)):
            for handle in COORDINATED_HANDLES:
                if w and rng.random() < 0.15:
                    continue
                t = t0 + start + rng.uniform(0, 40)
                if w == 0 and rng.random() < 0.5:  # first wave: also repost the origin
                    events.append(
                        (
                            t + rng.uniform(0, 8),
                            Spec(
                                "controversy_cluster",
                                "x",
                                kind="repost",
                                parent_pool=name,
                                episode=name,
                                ctx=dict(ctx, coordinated=handle),
                            ),
                        )
                    )
                events.append(
                    (
                        t,
                        Spec(
                            "controversy_cluster",
                            "x",
                            episode=name,
                            ctx=dict(ctx, coordinated=handle),
                            children=0.3,
                        ),
                    )
                )
        events.sort(key=lambda e: e[0])
        yield from events

    def organic() -> Iterator[Event]:
        def shape(dt: float) -> float:
            return min(1.0, dt / H) * math.exp(-max(0.0, dt - 2 * H) / (80 * M))

        for t in poisson(rng, t0 + 5 * M, t1, max(1.0, 0.3 * rate), shape):
            lang = "en" if rng.random() < 0.1 else "fr"
            if rng.random() < 0.35:
                yield (
                    t,
                    Spec(
                        "reply_controversy",
                        "x",
                        lang,
                        kind="reply",
                        parent_pool=name,
                        episode=name,
                        ctx=dict(ctx),
                    ),
                )
            else:
                yield (
                    t,
                    Spec(
                        "controversy_reaction",
                        crowd_platform(rng),
                        lang,
                        episode=name,
                        ctx=dict(ctx),
                        children=0.8,
                    ),
                )

    nadia = next(p for p in JOURNALISTS if p.handle.startswith("nhaddouche"))
    sophie = next(p for p in JOURNALISTS if p.handle.startswith("sdelmaskern"))
    fixed: list[Event] = [
        (
            t0,
            Spec(
                "controversy_origin",
                "x",
                person=CONTROVERSY_ORIGIN,
                episode=name,
                pool=name,
                ctx=ctx,
                children=3,
            ),
        ),
        (
            t0 + 95 * M,
            Spec("controversy_denial", "x", person=MIRA, episode=name, ctx=ctx, children=6),
        ),
        (
            t0 + 110 * M,
            Spec(
                "controversy_debunk",
                nadia.platform,
                person=nadia,
                episode=name,
                ctx=ctx,
                children=3,
            ),
        ),
        (
            t0 + 125 * M,
            Spec("controversy_ceo", "x", person=BRAND.ceo, episode=name, ctx=ctx, children=4),
        ),
        (
            t0 + 160 * M,
            Spec(
                "controversy_news", "news", person=sophie, episode=name, ctx=ctx, share_delay=4 * M
            ),
        ),
    ]
    return merge(fixed, waves(), organic())
