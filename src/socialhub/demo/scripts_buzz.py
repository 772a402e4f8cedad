"""Marketing and press scripts: a competitor launch, our campaign, a journalist's article."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from socialhub.demo.events import Spec
from socialhub.demo.scripting import (
    ARTICLE_TITLE,
    BY_HANDLE,
    MIRA,
    TELVIA_ACC,
    TELVIA_CTX,
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
    TELVIA,
)


def launch(ep: Episode, rng: random.Random, rate: float) -> Iterator[Event]:
    t0, t1 = ep.start.timestamp(), ep.end.timestamp()
    name, ctx = ep.name, TELVIA_CTX

    def reactions() -> Iterator[Event]:
        def shape(dt: float) -> float:
            return math.exp(-dt / (40 * M))

        for t in poisson(rng, t0 + 5 * M, t1, max(0.6, 0.12 * rate), shape):
            yield (
                t,
                Spec(
                    "launch_reaction",
                    crowd_platform(rng),
                    episode=name,
                    ctx=dict(ctx),
                    children=0.5,
                ),
            )

    fixed: list[Event] = [
        (t0, Spec("launch_official", "x", person=TELVIA_ACC, episode=name, ctx=ctx, children=1.5)),
        (t0 + 2 * M, Spec("launch_official", "facebook", person=TELVIA_ACC, episode=name, ctx=ctx)),
        (t0 + 15 * M, Spec("launch_ceo", "x", person=TELVIA.ceo, episode=name, ctx=ctx)),
        (
            t0 + 30 * M,
            Spec(
                "launch_news",
                "news",
                person=BY_HANDLE["treynaudsalles"],
                episode=name,
                ctx=ctx,
                share_delay=6 * M,
            ),
        ),
        (
            t0 + 70 * M,
            Spec("launch_news", "news", person=BY_HANDLE["milbert_eco"], episode=name, ctx=ctx),
        ),
        (
            t0 + 3 * H,
            Spec("launch_official", "x", person=TELVIA_ACC, episode=name, ctx=ctx, children=0.5),
        ),
    ]
    return merge(fixed, reactions())


def campaign(ep: Episode, rng: random.Random, rate: float) -> Iterator[Event]:
    t0, t1 = ep.start.timestamp(), ep.end.timestamp()
    name, off = ep.name, ep.name + "-official"

    def praise() -> Iterator[Event]:
        def shape(dt: float) -> float:  # the film airs around t0 + 2 h
            return 0.15 + 0.85 * math.exp(-(((dt - 2 * H) / (50 * M)) ** 2))

        for t in poisson(rng, t0, t1, max(1.5, 0.45 * rate), shape):
            if rng.random() < 0.3:
                yield (
                    t,
                    Spec(
                        "reply_campaign",
                        "x",
                        kind="repost" if rng.random() < 0.6 else "reply",
                        parent_pool=off,
                        episode=name,
                    ),
                )
            else:
                lang = "en" if rng.random() < 0.08 else "fr"
                yield (
                    t,
                    Spec("campaign_praise", crowd_platform(rng), lang, episode=name, children=0.8),
                )

    lina = BY_HANDLE["TechAvecLina"]
    fixed: list[Event] = [
        (t0, Spec("campaign_official", "x", person=MIRA, episode=name, pool=off, children=8)),
        (
            t0 + 1 * M,
            Spec("campaign_official", "youtube", person=MIRA, episode=name, pool=off, children=5),
        ),
        (
            t0 + 2 * M,
            Spec("campaign_official", "facebook", person=MIRA, episode=name, pool=off, children=4),
        ),
        (
            t0 + 30 * M,
            Spec("campaign_influencer", "youtube", person=lina, episode=name, children=4),
        ),
        (t0 + 32 * M, Spec("campaign_influencer", "x", person=lina, episode=name, children=3)),
        (
            t0 + 75 * M,
            Spec(
                "campaign_influencer",
                "x",
                person=BY_HANDLE["claravoyageuse"],
                episode=name,
                children=3,
            ),
        ),
        (
            t0 + 150 * M,
            Spec(
                "campaign_influencer",
                "facebook",
                person=BY_HANDLE["papaconnecte"],
                episode=name,
                children=2,
            ),
        ),
        (t0 + 135 * M, Spec("campaign_official", "x", person=BRAND.ceo, episode=name, children=3)),
    ]
    return merge(fixed, praise())


def article(ep: Episode, rng: random.Random, rate: float) -> Iterator[Event]:
    t0, t1 = ep.start.timestamp(), ep.end.timestamp()
    name = ep.name
    ctx = {"title": ARTICLE_TITLE}
    cam = BY_HANDLE["camroussel"]

    def reactions() -> Iterator[Event]:
        def shape(dt: float) -> float:
            return math.exp(-dt / (90 * M))

        for t in poisson(rng, t0 + 10 * M, t1, max(0.8, 0.15 * rate), shape):
            kind = rng.choice(("post", "post", "quote", "repost", "reply"))
            yield (
                t,
                Spec(
                    "journalist_reaction",
                    "x",
                    kind=kind,
                    parent_pool=name,
                    episode=name,
                    ctx=dict(ctx),
                    children=0.5,
                ),
            )

    fixed: list[Event] = [
        (
            t0,
            Spec(
                "journalist_article",
                "news",
                person=cam,
                episode=name,
                pool=name + "-article",
                ctx=ctx,
            ),
        ),
        (
            t0 + 4 * M,
            Spec(
                "journalist_share",
                "x",
                person=cam,
                episode=name,
                pool=name,
                parent_pool=name + "-article",
                ctx=ctx,
                children=4,
            ),
        ),
        (
            t0 + 2 * H,
            Spec(
                "article_response",
                "x",
                person=BRAND.executives[2],
                kind="quote",
                parent_pool=name,
                episode=name,
                ctx=ctx,
                children=2,
            ),
        ),
    ]
    for dt, handle in ((25, "ines_bm"), (50, "atessandier"), (80, "phvautrin"), (120, "rkessler")):
        fixed.append(
            (
                t0 + dt * M,
                Spec(
                    "journalist_reaction",
                    "x",
                    kind="quote",
                    person=BY_HANDLE[handle],
                    parent_pool=name,
                    episode=name,
                    ctx=ctx,
                    children=1.5,
                ),
            )
        )
    return merge(fixed, reactions())
