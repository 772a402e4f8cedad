"""A tiny random grammar: rules with alternatives, ``{slot}`` references, ``{?slot}`` optionals.

Each language's rules live in their own module (``grammar_*.py``). Slots resolve, in order,
to the message context (the city, competitor, product chosen for this message, so one
message stays consistent), to a built-in dynamic slot (numbers, percentages, times), or to a
rule. Topics are curated noun phrases with their article agreed (``grammar_fr_topics``), never
random words, so every text reads as a sentence.
Nested rules make the number of distinct texts combinatorial rather than a handful of
templates.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence

from socialhub.demo import vocab

Part = str | tuple[str, bool]
Rules = Mapping[str, Sequence[str]]

_SLOT = re.compile(r"\{(\??)(\w+)\}")
_SPACES = re.compile(r"[ \t]{2,}")
_BEFORE_PUNCT = re.compile(r" +([,.…])")
# a lowercase word after a sentence end (not a link, a handle or a tag)
_SENTENCE_START = re.compile(r"([.!?]\s+)([a-zà-ÿ])(?![^\s]*(?:://|\.\w))")

# When a language has no rule for an intent, the closest one it has.
FALLBACK: dict[str, str] = {
    "outage_complaint": "brand_complaint",
    "outage_official": "official_post",
    "outage_official_end": "official_post",
    "outage_news": "news_brand",
    "outage_mp": "mp_telecom",
    "reply_outage": "reply_complaint",
    "launch_official": "official_competitor",
    "launch_ceo": "official_competitor",
    "launch_reaction": "competitor_neutral",
    "launch_news": "news_competitor",
    "reply_launch": "reply_competitor",
    "campaign_official": "official_post",
    "campaign_praise": "brand_praise",
    "campaign_influencer": "brand_praise",
    "reply_campaign": "reply_praise",
    "journalist_article": "news_brand",
    "journalist_share": "journalist_post",
    "journalist_reaction": "reply_news",
    "controversy_origin": "brand_complaint",
    "controversy_reaction": "brand_complaint",
    "controversy_denial": "official_post",
    "controversy_ceo": "official_post",
    "controversy_news": "news_brand",
    "reply_controversy": "reply_complaint",
    "brand_joke": "brand_complaint",
    "brand_question": "brand_complaint",
    "brand_neutral": "brand_praise",
    "exec_news": "brand_neutral",
    "competitor_complaint": "brand_complaint",
    "competitor_praise": "brand_praise",
    "competitor_neutral": "competitor_praise",
    "comparison": "competitor_neutral",
    "telecom_generic": "chatter",
    "official_post": "brand_praise",
    "official_competitor": "competitor_praise",
    "sav_reply": "reply_brand",
    "journalist_post": "chatter",
    "mp_post": "chatter",
    "mp_telecom": "mp_post",
    "influencer_post": "chatter",
    "partner_post": "chatter",
    "youtube_video": "chatter",
    "news_brand": "brand_neutral",
    "news_competitor": "competitor_neutral",
    "news_sector": "news_general",
    "news_general": "chatter",
    "news_plum": "plum",
    "news_exec": "news_brand",
    "reply_complaint": "reply_chatter",
    "reply_praise": "reply_chatter",
    "reply_brand": "reply_chatter",
    "reply_competitor": "reply_chatter",
    "reply_news": "reply_chatter",
    "reply_plum": "reply_chatter",
    "reply_official": "reply_brand",
    "reply_chatter": "chatter",
}


class Grammar:
    """One language's compiled rules.

    Examples
    --------
    >>> g = Grammar("fr", {"s": ["Bonjour {who}{?bang}"], "who": ["Lyon"], "bang": ["!"]})
    >>> g.expand(random.Random(0), "s", {})
    'Bonjour Lyon!'
    """

    def __init__(self, lang: str, rules: Rules) -> None:
        self.lang = lang
        self.rules: dict[str, tuple[tuple[Part, ...], ...]] = {
            name: tuple(_compile(alt) for alt in alts) for name, alts in rules.items()
        }
        self.dynamic: dict[str, Callable[[random.Random], str]] = {
            "n": lambda rng: str(rng.randint(2, 12)),
            "N": lambda rng: str(rng.choice((15, 20, 30, 45, 50, 100, 150, 200, 300, 500))),
            "pct": lambda rng: str(rng.randint(3, 68)),
            "hh": lambda rng: f"{rng.randint(6, 23)}h{rng.choice(('', '', '15', '30', '45'))}",
        }

    def has(self, symbol: str) -> bool:
        return symbol in self.rules

    def resolve(self, intent: str) -> str:
        """The intent itself or its closest fallback that this language defines."""
        seen = 0
        while intent not in self.rules and seen < 10:
            intent = FALLBACK.get(intent, "chatter")
            seen += 1
        return intent

    def expand(self, rng: random.Random, symbol: str, ctx: Mapping[str, str]) -> str:
        value = ctx.get(symbol)
        if value is not None:
            return value
        dyn = self.dynamic.get(symbol)
        if dyn is not None:
            return dyn(rng)
        alts = self.rules[symbol]
        alt = alts[int(rng.random() * len(alts))]
        if len(alt) == 1 and alt[0].__class__ is str:
            return alt[0]
        out: list[str] = []
        for part in alt:
            if part.__class__ is str:
                out.append(part)
            elif not part[1] or rng.random() < 0.5:
                out.append(self.expand(rng, part[0], ctx))
        return "".join(out)


def _compile(alt: str) -> tuple[Part, ...]:
    pieces = _SLOT.split(alt)
    parts: list[Part] = []
    for i in range(0, len(pieces) - 1, 3):
        if pieces[i]:
            parts.append(pieces[i])
        parts.append((pieces[i + 2], pieces[i + 1] == "?"))
    if pieces[-1]:
        parts.append(pieces[-1])
    return tuple(parts)


def tidy(text: str) -> str:
    """Collapse the spaces left by empty optional slots; capitalise each sentence's first letter."""
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " ," in text or " ." in text or " …" in text:
        text = _BEFORE_PUNCT.sub(r"\1", text)
    text = text.strip()
    if "! " in text or "? " in text or ". " in text:
        text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


def style(rng: random.Random, text: str, careful: bool) -> str:
    """How people actually type: sometimes all lowercase, no accents, a slip or two."""
    if careful:
        return text
    r = rng.random()
    if r < 0.10:
        text = text.lower()
    elif r < 0.16:
        text = vocab.strip_accents(text)
    if rng.random() < 0.09:
        text = vocab.typo(rng, text)
        if rng.random() < 0.25:
            text = vocab.typo(rng, text)
    return text


_GRAMMARS: dict[str, Grammar] = {}


def grammar(lang: str) -> Grammar:
    """The compiled grammar of a language (``fr``, ``en``, ``es``, ``it``, ``de``)."""
    g = _GRAMMARS.get(lang)
    if g is None:
        g = Grammar(lang, _rules(lang))
        _GRAMMARS[lang] = g
    return g


def _rules(lang: str) -> dict[str, list[str]]:
    if lang == "fr":
        from socialhub.demo import (
            grammar_fr,
            grammar_fr_brand,
            grammar_fr_episodes,
            grammar_fr_topics,
        )

        return {
            **grammar_fr.RULES,
            **grammar_fr_brand.RULES,
            **grammar_fr_episodes.RULES,
            **grammar_fr_topics.RULES,
        }
    if lang == "en":
        from socialhub.demo import grammar_en

        return dict(grammar_en.RULES)
    from socialhub.demo import grammar_other

    return dict(grammar_other.RULES[lang])


LANGS = ("fr", "en", "es", "it", "de")
