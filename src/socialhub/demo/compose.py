"""Turns a scheduled ``Spec`` into a ``Mention``: author, text, ids, engagement, payload."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime
from math import exp
from typing import Any

from socialhub.demo import background, platforms, textgen
from socialhub.demo.authors import AuthorPool
from socialhub.demo.events import Node, Spec
from socialhub.demo.places import FORUMS
from socialhub.demo.platforms import encode, mix64
from socialhub.demo.world import (
    BRAND,
    OFFICIAL,
    OUTLET_BY_NAME,
    OUTLETS,
    Outlet,
)
from socialhub.models import Author, Engagement, Mention

# What a reply (or quote, or comment) to a mention of a given intent talks about.
REPLY_OF: dict[str, str] = {
    "brand_complaint": "reply_complaint",
    "telecom_generic": "reply_complaint",
    "sav_reply": "reply_complaint",
    "brand_question": "reply_brand",
    "brand_neutral": "reply_brand",
    "brand_praise": "reply_praise",
    "exec_news": "reply_news",
    "plum": "reply_plum",
    "news_plum": "reply_plum",
    "competitor_complaint": "reply_competitor",
    "competitor_praise": "reply_competitor",
    "competitor_neutral": "reply_competitor",
    "comparison": "reply_competitor",
    "official_competitor": "reply_competitor",
    "official_post": "reply_official",
    "journalist_post": "reply_news",
    "journalist_share": "reply_news",
    "journalist_reaction": "reply_news",
    "article_response": "reply_news",
    "mp_telecom": "reply_news",
    "news_sector": "reply_news",
    "news_brand": "reply_news",
    "news_competitor": "reply_news",
    "news_general": "reply_news",
    "outage_complaint": "reply_outage",
    "outage_official": "reply_outage",
    "outage_official_end": "reply_outage",
    "outage_mp": "reply_outage",
    "outage_news": "reply_outage",
    "launch_official": "reply_launch",
    "launch_ceo": "reply_launch",
    "launch_reaction": "reply_launch",
    "launch_news": "reply_launch",
    "campaign_official": "reply_campaign",
    "campaign_praise": "reply_campaign",
    "campaign_influencer": "reply_campaign",
    "controversy_origin": "reply_controversy",
    "controversy_cluster": "reply_controversy",
    "controversy_reaction": "reply_controversy",
    "controversy_denial": "reply_controversy",
    "controversy_ceo": "reply_controversy",
    "controversy_debunk": "reply_controversy",
    "controversy_news": "reply_controversy",
}

_AT_REPLY = frozenset(("x", "bluesky", "mastodon"))
_TAGGY = frozenset(("x", "bluesky", "mastodon", "facebook"))
_COUNTRY = {
    "en": ("GB", "US", "IE", "FR", "CA"),
    "es": ("ES", "MX", "AR"),
    "it": ("IT",),
    "de": ("DE", "AT", "CH"),
}
_CLUSTER_CREATED = datetime(2026, 2, 9, tzinfo=UTC).timestamp()


def reply_intent(intent: str) -> str:
    if intent.startswith("reply_"):
        return intent
    return REPLY_OF.get(intent, "reply_chatter")


class Composer:
    def __init__(self, seed: int, rng: random.Random, langs: Iterable[str]) -> None:
        self.rng = rng
        self.langs = frozenset(langs)
        self.seed = seed
        self.authors = AuthorPool(seed)
        self.seq = 0
        self.support = OFFICIAL[BRAND.name][1]

    def compose(self, t: float, spec: Spec, parent: Node | None) -> tuple[Mention, Node | None]:
        rng = self.rng
        self.seq += 1
        seq = self.seq
        kind = spec.kind
        platform = spec.platform or (parent.platform if parent else "x")
        if parent is None and kind != "post":
            kind = "post"
        if platform == "news":
            kind = "article"
        elif kind in ("reply", "comment"):
            kind = "comment" if platform in ("facebook", "reddit", "youtube") else "reply"
        elif kind == "repost" and platform in ("reddit", "youtube", "forum"):
            kind = "comment" if platform != "forum" else "reply"
        lang = spec.lang if parent is None or kind == "repost" else parent.lang
        if parent is not None and rng.random() < 0.04:  # people answer in another language
            other = "en" if lang == "fr" else "fr"
            lang = other if other in self.langs else lang
        if parent is not None and kind == "repost":
            lang = parent.lang
        ctx = spec.ctx
        if "city" not in ctx or "comp" not in ctx:
            ctx = {**background.context(rng), **ctx}
        author = self._author(spec, platform, lang, ctx)

        # ---- text
        intent = spec.intent
        if kind == "repost" and parent is not None:
            text = f"RT @{parent.handle}: {parent.text}" if platform == "x" else parent.text
        else:
            g = textgen.grammar(lang)
            intent = g.resolve(intent)
            text = textgen.tidy(g.expand(rng, intent, ctx))
            # named accounts and newsrooms proofread; bots copy-paste
            careful = spec.person is not None or platform == "news" or "coordinated" in ctx
            text = textgen.style(rng, text, careful)
            if kind == "post" and platform in _TAGGY and g.has("tag_gen") and rng.random() < 0.08:
                text = f"{text} {g.expand(rng, 'tag_gen', ctx)}"
            if platform == "youtube" and kind == "post":
                text = f"{text}\n{textgen.tidy(g.expand(rng, g.resolve('chatter'), ctx))}"
            if parent is not None and platform in _AT_REPLY and kind == "reply":
                text = f"@{parent.handle} {text}"

        # ---- ids and links
        key = ""
        if platform == "news":
            key = ctx.get("news_key") or self._news_key(spec, ctx)
        elif platform == "reddit":
            key = ctx.get("sub", "france")
        elif platform == "forum":
            key = FORUMS[seq % len(FORUMS)]
        nid, url, key = platforms.ids(
            platform,
            kind,
            seq,
            t,
            author.handle,
            author.native_id,
            key,
            parent.key if parent else "",
            text,
        )
        mid = f"{platform}:{nid}"

        # ---- engagement, place, media
        if kind == "repost":
            eng = (0, 0, 0, 0, 0)
        else:
            # heavy-tailed counts: lognormal noise around a power of the audience
            gauss = rng.gauss
            f = author.followers + 10
            base = f**0.55 * exp(1.2 * gauss()) * 0.25
            likes = int(base)
            reposts = int(base * exp(-1.8 + 0.8 * gauss()))
            eng = (
                likes,
                reposts,
                int(base * exp(-2.3 + 0.8 * gauss())),
                int(reposts * 0.1),
                int(max(likes * 25, f * 0.08) * exp(0.5 * gauss())),
            )
        place, country = spec.place, ""
        if place:
            country = "FR"
        elif lang == "fr":
            if rng.random() < 0.12:
                place = author.location or ctx["city"]
                country = "FR"
            elif rng.random() < 0.3:
                country = "FR"
        elif rng.random() < 0.1:
            country = rng.choice(_COUNTRY.get(lang, ("FR",)))
        media = self._media(platform, kind, nid, url, seq)

        created = datetime.fromtimestamp(t, UTC)
        created_s = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        parent_id = parent.id if parent is not None else None
        author_raw: dict[str, Any] = {
            "id": author.native_id,
            "username": author.handle,
            "name": author.name,
            "followers_count": author.followers,
            "verified": author.verified,
        }
        raw = platforms.raw_payload(
            platform, kind, nid, text, created_s, lang, author_raw, eng, parent_id, url, media
        )
        mention = Mention(
            platform=platform,
            native_id=nid,
            text=text,
            created_at=created,
            url=url,
            lang=lang,
            kind=kind,
            collected_at=datetime.fromtimestamp(t + 1.5 + rng.expovariate(1 / 30), UTC),
            collected_via="demo",
            author=author,
            reply_to=parent_id if kind in ("reply", "comment") else None,
            quote_of=parent_id if kind == "quote" else None,
            repost_of=parent_id if kind == "repost" else None,
            root_id=parent.root_id if parent is not None else None,
            engagement=Engagement(*eng),
            place=place,
            country=country,
            media=media,
            raw=raw,
        )
        if kind == "repost":
            return mention, None
        if "coordinated" in ctx:  # replies to a cluster post come from the crowd
            ctx = {k: v for k, v in ctx.items() if k != "coordinated"}
        node = Node(
            mid,
            platform,
            lang,
            intent,
            author.handle,
            author.followers,
            text,
            url,
            key,
            parent.root_id if parent else mid,
            parent.depth + 1 if parent else 0,
            ctx,
            spec.episode or (parent.episode if parent else None),
        )
        return mention, node

    def _author(self, spec: Spec, platform: str, lang: str, ctx: dict[str, str]) -> Author:
        if spec.author is not None:
            return spec.author
        if spec.person is not None:
            return self.authors.person(spec.person, platform)
        handle = ctx.get("coordinated")
        if handle is not None:
            h = mix64(sum(map(ord, handle)))
            created = datetime.fromtimestamp(_CLUSTER_CREATED + h % (14 * 86400), UTC)
            return self.authors.throwaway(platform, handle, created, 12 + h % 140)
        if platform == "news":
            outlet = OUTLET_BY_NAME.get(ctx.get("outlet", ""), OUTLETS[0])
            return self.authors.newsroom(outlet)
        return self.authors.crowd(self.rng, platform, lang)

    def _news_key(self, spec: Spec, ctx: dict[str, str]) -> str:
        outlet: Outlet = OUTLETS[0]
        if spec.person is not None and spec.person.org in OUTLET_BY_NAME:
            outlet = OUTLET_BY_NAME[spec.person.org]
        elif ctx.get("outlet") in OUTLET_BY_NAME:
            outlet = OUTLET_BY_NAME[ctx["outlet"]]
        return f"{outlet.domain}/{outlet.sections[0]}"

    def _media(self, platform: str, kind: str, nid: str, url: str, seq: int) -> list[str]:
        if platform == "youtube" and kind == "post":
            return [f"https://i.ytimg.com/vi/{nid}/hqdefault.jpg"]
        if kind not in ("post", "quote", "article") or self.rng.random() >= 0.12:
            return []
        tag = encode(mix64(seq ^ 0x5EED), platforms._B64, 15)
        if platform == "x":
            return [f"https://pbs.twimg.com/media/{tag}.jpg"]
        if platform == "bluesky":
            return [f"https://cdn.bsky.app/img/feed_fullsize/plain/{tag}@jpeg"]
        if platform == "mastodon":
            return [f"{url.split('/@')[0]}/media/{tag}.jpg"]
        if platform == "facebook":
            return [f"https://scontent.xx.fbcdn.net/v/{tag}_n.jpg"]
        if platform == "reddit":
            return [f"https://i.redd.it/{tag.lower()}.jpg"]
        if platform == "news":
            return [f"{url.split('/', 3)[0]}//{url.split('/')[2]}/images/{tag}.jpg"]
        return [f"https://{url.split('/')[2]}/uploads/{tag}.png"]
