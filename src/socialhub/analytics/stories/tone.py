"""Tone for the brand: is a story good or bad news for us, whatever words it uses?

A post's sentiment says how its author sounds; a press officer asks what the story does
to the brand. "Mirabelle Télécom s'apprête à fermer une boutique sur cinq" is written
in neutral words and is bad news; a competitor's launch that fizzles is no news for us.
The rules, in order:

1. a story in a crisis category (outage, data privacy, legal…) or whose headline or
   posts carry bad-news vocabulary about the brand (closures, job cuts, outage, data
   sold, fine, price rise…) is ``negative``;
2. a story only about competitors (none of its queries is the brand's) is ``neutral``
   for us;
3. otherwise the posts decide: good-news vocabulary (launch, campaign, award, praise)
   or a positive majority → ``positive``; a negative share ≥ 40 % → ``negative``;
   both → ``mixed``; else ``neutral``.

A thanks or a "bravo" said in anger is a complaint (:func:`sarcastic`): "Plus de réseau
depuis midi, merci Mirabelle 🤬" counts as bad news, never as praise, so a wave of them
reads ``negative``, not ``mixed``.

>>> brand_tone("Mirabelle Télécom s'apprête à fermer une boutique sur cinq", [], {})
'negative'
>>> brand_tone("Telvia lance Telvia Flex", ["bof", "pas convaincu"], {}, brand=False)
'neutral'
>>> brand_tone("Merci Mirabelle 🤬", ["Plus de réseau depuis midi, merci Mirabelle 🤬"],
...            {"positive": 1})
'negative'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from socialhub.analytics.stories.importance import CRISIS_CATEGORIES

__all__ = ["TONES", "bad_news", "brand_tone", "sarcastic"]

TONES = ("negative", "mixed", "neutral", "positive")
_F = re.IGNORECASE | re.UNICODE
BAD_NEWS = re.compile(
    r"\b(ferm(?:er|e|era|eront|eture|etures|ent)|suppression|supprim\w+|licenci\w+|plan social"
    r"|d[ée]part(?:s)? volontaires|panne\w*|coupure\w*|en rade|hors service|plainte\w*|amende\w*"
    r"|sanction\w*|condamn\w+|fuite\w*|piratage|pirat[ée]\w*|revend\w*|revente|scandale\w*"
    r"|pol[ée]mique\w*|boycott\w*|gr[èe]ve\w*|hausse des prix"
    r"|augment\w* (?:ses |des |les |leurs )?(?:prix|tarifs)"
    r"|arnaque\w*|mensonge\w*|enqu[êe]te (?:ouverte|judiciaire)|#\w*down\b|down\b"
    r"|(?:plus|pas) (?:de |d')(?:r[ée]seau|internet|connexion|signal|t[ée]l[ée]|4g|5g)"
    r"|aucun (?:signal|appel|r[ée]seau)|no (?:signal|service|internet)"
    r"|closing|closure\w*|layoffs?|job cuts|outage\w*|breach\w*|leak\w*|fined?|lawsuit\w*"
    r"|scandal\w*|boycott|strike\w*|price (?:rise|hike)s?|sells? (?:your )?data|scam\w*)",
    _F,
)
GOOD_NEWS = re.compile(
    r"\b(bravo|merci|g[ée]nial|super|magnifique|j'adore|top|r[ée]ussi\w*|succ[èe]s|r[ée]compens\w+"
    r"|prix de l'innovation|partenariat|lanc(?:e|ement)|nouvelle? offre|campagne|pub(?:licité)?"
    r"|film|love|great|awesome|congrat\w*|award\w*|launch\w*|partnership|proud)",
    _F,
)


# "aucune coupure", "sans panne", "no outage": the trouble denied is praise, not bad news
_DENIED = re.compile(
    r"(?:\b(?:aucune?|sans|z[ée]ro|jamais|pas une?|pas de|pas d'|no|without|never|zero)\s+)$",
    _F,
)


def bad_news(text: str) -> bool:
    """Whether ``text`` carries bad-news vocabulary that it does not deny.

    >>> [bad_news(t) for t in ("Encore une coupure", "5 mois, aucune coupure, je recommande",
    ...                        "Plus de réseau depuis midi")]
    [True, False, True]
    """
    return any(not _DENIED.search(text[max(0, m.start() - 12) : m.start()])
               for m in BAD_NEWS.finditer(text))  # fmt: skip


# anger: emoji and words that turn a thanks or a "bravo" into a complaint
ANGER = re.compile(
    r"[\U0001F621\U0001F92C\U0001F624\U0001F644\U0001F612\U0001F620\U0001F44E\U0001F921"
    r"\U0001F629\U0001F4A9\U0001F595\U0001F63E]"
    r"|\b(?:merci pour rien|pour rien|s[ée]rieusement|inadmissible|ras[- ]le[- ]bol"
    r"|c'est une blague|on paie pour quoi|toujours pas|toujours rien|honteux|lamentable"
    r"|thanks for nothing|seriously|unacceptable|still (?:down|nothing|no))",
    _F,
)


def sarcastic(text: str) -> bool:
    """Praise said in anger or about trouble: a thanks or a "bravo" with an angry
    emoji or words, or with bad news in the same post.

    >>> [sarcastic(t) for t in ("Plus de réseau depuis midi, merci Mirabelle 🤬",
    ...  "Bravo pour la nouvelle pub 👏", "Merci Mirabelle, la fibre est top 😍")]
    [True, False, False]
    >>> sarcastic("Toujours pas de réseau. Bravo 👏")
    True
    """
    if not GOOD_NEWS.search(text):
        return False
    return bool(ANGER.search(text) or bad_news(text))


def brand_tone(
    headline: str,
    texts: Iterable[str],
    sentiment: Mapping[str, int],
    *,
    categories: Mapping[str, int] | None = None,
    brand: bool = True,
) -> str:
    """One of :data:`TONES` for a story (see the module docstring).

    ``texts``: a sample of its posts; ``sentiment``: label -> posts; ``categories``:
    category -> posts; ``brand``: whether the story is routed to a brand query."""
    posts = [t for t in texts if t]
    size = max(len(posts), 1)
    cats = categories or {}
    crisis = sum(n for c, n in cats.items() if c in CRISIS_CATEGORIES)
    if not brand:
        return "neutral"
    bad_posts = sum(1 for t in posts if bad_news(t) or sarcastic(t))
    if bad_news(headline or "") or bad_posts / size >= 0.25 or crisis / size >= 0.2:
        return "negative"
    rated = sum(sentiment.values())
    neg = sentiment.get("negative", 0) / rated if rated else 0.0
    pos = sentiment.get("positive", 0) / rated if rated else 0.0
    good = sum(1 for t in posts if GOOD_NEWS.search(t) and not sarcastic(t)) / size + (
        0.5 if GOOD_NEWS.search(headline or "") and not sarcastic(headline) else 0.0
    )
    positive = pos >= 0.5 or good >= 0.4
    if positive and neg >= 0.4:
        return "mixed"
    if positive:
        return "positive"
    if neg >= 0.4:
        return "negative"
    return "neutral"
