"""The ordinary days between episodes: who posts what, where, and when.

A root post arrives as a Poisson process whose rate follows the daily cycle of French
social media (quiet nights, a morning rise, a busy evening). Most of it never names the
brand; a steady share does (complaints, questions, praise), and a trickle comes from the
watchlists (journalists, MPs, influencers, official accounts).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo

from socialhub.demo.events import Spec
from socialhub.demo.places import CITIES, SUBREDDITS
from socialhub.demo.platforms import mix64
from socialhub.demo.world import (
    BRAND,
    COMPETITORS,
    INFLUENCERS,
    JOURNALISTS,
    MPS,
    OFFICIAL,
    OUTLET_BY_NAME,
    OUTLETS,
    PARTNERS,
    Company,
    Person,
)

# Relative activity per hour of the day in Paris (mean 1.0 after normalisation).
_HOURLY = (
    0.42,
    0.26,
    0.16,
    0.11,
    0.10,
    0.15,
    0.33,
    0.68,
    0.98,
    1.08,
    1.08,
    1.12,
    1.22,
    1.16,
    1.06,
    1.06,
    1.12,
    1.22,
    1.36,
    1.55,
    1.70,
    1.72,
    1.44,
    0.90,
)
HOURLY = tuple(h * 24 / sum(_HOURLY) for h in _HOURLY)
_PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=4096)
def _utc_hour_factor(seed: int, utc_hour: int) -> float:
    local = datetime.fromtimestamp(utc_hour * 3600, UTC).astimezone(_PARIS)
    day_noise = 0.92 + 0.16 * (mix64(seed * 31 + local.toordinal()) % 1000) / 1000
    weekend = 0.92 if local.weekday() >= 5 else 1.0
    return HOURLY[local.hour] * day_noise * weekend


def activity(seed: int, ts: float) -> float:
    """Relative posting activity at a UTC timestamp (about 1.0 on average)."""
    return _utc_hour_factor(seed, int(ts // 3600))


def _table(pairs: list[tuple[str, float]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs))


PLATFORM_MIX = _table(
    [
        ("x", 36),
        ("facebook", 15),
        ("reddit", 8),
        ("bluesky", 9),
        ("mastodon", 5),
        ("youtube", 7),
        ("forum", 6),
        ("news", 5),
    ]
)
INTENT_MIX = {
    "fr": _table(
        [
            ("chatter", 58),
            ("plum", 4.5),
            ("telecom_generic", 5),
            ("brand_complaint", 7.5),
            ("brand_question", 4),
            ("brand_praise", 3.5),
            ("brand_neutral", 3),
            ("brand_joke", 1.5),
            ("exec_news", 0.8),
            ("competitor_complaint", 4),
            ("competitor_praise", 2),
            ("competitor_neutral", 2.5),
            ("comparison", 2),
        ]
    ),
    "en": _table(
        [
            ("chatter", 72),
            ("plum", 4),
            ("telecom_generic", 5),
            ("brand_complaint", 5),
            ("brand_question", 3),
            ("brand_praise", 3),
            ("brand_neutral", 2),
            ("competitor_complaint", 2),
            ("competitor_praise", 1),
            ("competitor_neutral", 1),
            ("comparison", 2),
        ]
    ),
    "other": _table([("chatter", 85), ("brand_complaint", 5), ("brand_praise", 4), ("plum", 6)]),
}
FORUM_MIX = _table(
    [
        ("telecom_generic", 30),
        ("brand_complaint", 20),
        ("brand_question", 20),
        ("competitor_complaint", 10),
        ("comparison", 10),
        ("chatter", 10),
    ]
)
NEWS_MIX = _table(
    [
        ("news_general", 42),
        ("news_sector", 22),
        ("news_brand", 14),
        ("news_competitor", 10),
        ("news_plum", 6),
        ("exec_news", 6),
    ]
)
SPECIAL_MIX = _table(
    [
        ("journalist", 40),
        ("mp", 28),
        ("influencer", 10),
        ("partner", 6),
        ("exec", 6),
        ("official", 5),
        ("official_comp", 5),
    ]
)
P_SPECIAL = 0.035  # share of root posts written by a named account

_FR_OUTLETS = tuple(o for o in OUTLETS if o.lang == "fr")
_EN_OUTLETS = tuple(o for o in OUTLETS if o.lang == "en")
_STAFF = {o.name: [j for j in JOURNALISTS if j.org == o.name] for o in OUTLETS}
_CITY_NAMES = tuple(c.name for c in CITIES)
_CITY_CUM = tuple(accumulate(c.population_k for c in CITIES))
_EXECS = (*BRAND.executives, *(c.ceo for c in COMPETITORS))
_COMP_OF_PERSON = {c.ceo.handle: c for c in COMPETITORS}


def pick(rng: random.Random, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    """A weighted choice from a (names, cumulative weights) table (bisect: O(log n))."""
    names, cum = table
    return names[bisect_right(cum, rng.random() * cum[-1])]


def city(rng: random.Random) -> str:
    return pick(rng, (_CITY_NAMES, _CITY_CUM))


def competitor_ctx(c: Company) -> dict[str, str]:
    return {
        "comp": c.name,
        "comp_at": "@" + c.account,
        "comp_sav": "@" + c.support,
        "comp_product": c.products[0],
        "comp_ceo": c.ceo.name,
    }


_COMP_CTX = tuple(dict(competitor_ctx(c), comp_product=p) for c in COMPETITORS for p in c.products)


def context(rng: random.Random) -> dict[str, str]:
    """A fresh message context: a city and a competitor (with one of its products)."""
    ctx = dict(_COMP_CTX[rng.randrange(len(_COMP_CTX))])
    ctx["city"] = city(rng)
    return ctx


def root(rng: random.Random, lang: str) -> Spec:
    """An ordinary root post."""
    ctx = context(rng)
    if lang == "fr" and rng.random() < P_SPECIAL:
        return _special(rng, ctx)
    platform = pick(rng, PLATFORM_MIX)
    if platform == "news":
        return _article(rng, lang, ctx)
    if platform == "youtube" and lang == "fr" and rng.random() < 0.6:
        intent = "youtube_video"
    elif platform == "forum" and lang == "fr":
        intent = pick(rng, FORUM_MIX)
    else:
        intent = pick(rng, INTENT_MIX.get(lang, INTENT_MIX["other"]))
    if platform == "reddit":
        ctx["sub"] = _subreddit(rng, intent, lang)
    return Spec(intent, platform, lang, ctx=ctx)


def _subreddit(rng: random.Random, intent: str, lang: str) -> str:
    if lang != "fr":
        return "AskFrance"
    if intent == "plum":
        return "cuisine"
    if intent.startswith(("brand", "competitor", "telecom", "comparison")):
        return "telecom_fr" if rng.random() < 0.6 else "france"
    return rng.choice(SUBREDDITS)


def _article(
    rng: random.Random, lang: str, ctx: dict[str, str], person: Person | None = None
) -> Spec:
    if person is not None:
        outlet = OUTLET_BY_NAME[person.org]
    else:
        outlet = rng.choice(_EN_OUTLETS if lang == "en" else _FR_OUTLETS)
        staff = _STAFF[outlet.name]
        person = rng.choice(staff) if staff and rng.random() < 0.5 else None
    ctx["outlet"] = outlet.name
    ctx["news_key"] = f"{outlet.domain}/{rng.choice(outlet.sections)}"
    intent = (
        pick(rng, NEWS_MIX)
        if lang == "fr"
        else rng.choice(("news_brand", "news_sector", "news_general"))
    )
    lang = outlet.lang
    return Spec(
        intent,
        "news",
        lang,
        person=person,
        ctx=ctx,
        share_delay=rng.uniform(120, 900) if person and rng.random() < 0.5 else None,
    )


def _special(rng: random.Random, ctx: dict[str, str]) -> Spec:
    group = pick(rng, SPECIAL_MIX)
    person: Person
    if group == "journalist":
        person = rng.choice(JOURNALISTS)
        if rng.random() < 0.4:
            return _article(rng, person.lang, ctx, person)
        domain = OUTLET_BY_NAME[person.org].domain
        ctx["link"] = f"https://www.{domain}/a/{rng.randrange(10**6, 10**7)}"
        return Spec("journalist_post", person.platform, person.lang, person=person, ctx=ctx)
    if group == "mp":
        person = rng.choice(MPS)
        ctx["city"] = person.city
        intent = "mp_telecom" if rng.random() < 0.25 else "mp_post"
        return Spec(intent, person.platform, person=person, ctx=ctx, children=1.5)
    if group == "influencer":
        person = rng.choice(INFLUENCERS)
        platform = person.platform
        if person.also and rng.random() < 0.4:
            platform = person.also[0][0]
        intent = "youtube_video" if platform == "youtube" else "influencer_post"
        return Spec(intent, platform, person=person, ctx=ctx, children=2.0)
    if group == "partner":
        person = rng.choice(PARTNERS)
        return Spec("partner_post", person.platform, person=person, ctx=ctx)
    if group == "exec":
        person = rng.choice(_EXECS)
        comp = _COMP_OF_PERSON.get(person.handle)
        if comp is not None:
            ctx.update(competitor_ctx(comp))
            return Spec("official_competitor", "x", person=person, ctx=ctx, children=1.5)
        return Spec("official_post", "x", person=person, ctx=ctx, children=1.5)
    if group == "official":
        person = OFFICIAL[BRAND.name][0]
        return Spec(
            "official_post",
            rng.choice(("x", "x", "facebook")),
            person=person,
            ctx=ctx,
            children=2.0,
        )
    comp = rng.choice(COMPETITORS)
    ctx.update(competitor_ctx(comp))
    return Spec("official_competitor", "x", person=OFFICIAL[comp.name][0], ctx=ctx, children=1.5)
