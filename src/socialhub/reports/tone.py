"""Tone for OUR brand in the briefing: whose news is a story?

:func:`socialhub.analytics.stories.tone.brand_tone` judges a story routed to a brand
query. But a brand query also catches posts that name the brand in passing: "Nexo Mobile
condamné à rembourser des frais à ses clients", shared with "et Mirabelle ?", is bad
news for Nexo Mobile, not for us. So the report first asks whom the story is about:

- the **headline**, matched against the workspace's brand and competitor queries (the
  same boolean queries that route the stream): a headline naming a competitor and not
  the brand makes it the competitor's story;
- else, a headline naming neither, the **posts**: the story is the competitor's when
  more of its posts are routed only to that competitor's queries than to the brand's.

A competitor's story is at most ``neutral`` for us (its trouble may be an opportunity,
never our bad news), and is told with the competitor's name. Otherwise the posts routed
only to competitors are left out and :func:`brand_tone` decides on the rest, the posts'
sentiment weighed against the period's usual sentiment about the brand (:func:`relative`):
a noisy or gloomy background does not make every story bad news.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from socialhub.analytics.stories.tone import brand_tone
from socialhub.models import Mention, Query
from socialhub.query import Matcher, QuerySyntaxError, parse
from socialhub.reports.data import Scope

__all__ = ["Subjects", "Tone", "relative", "story_tone"]


@dataclass(frozen=True, slots=True)
class Tone:
    """The tone for the brand and, for a competitor's story, the competitor's label."""

    tone: str
    competitor: str = ""


class Subjects:
    """Who a text is about: the brand and/or which competitors (by their queries).

    >>> from socialhub.models import Query
    >>> scope = Scope(brand={1}, competitors={"Nexo Mobile": {2}})
    >>> s = Subjects([Query(1, "Marque", "mirabelle", id=1),
    ...               Query(1, "Concurrent Nexo Mobile", "Nexo", id=2)], scope)
    >>> s.of("Nexo Mobile condamné à rembourser des frais")
    (False, ['Nexo Mobile'])
    """

    def __init__(self, queries: Sequence[Query], scope: Scope) -> None:
        self.scope = scope
        self.label = {qid: label for label, ids in scope.competitors.items() for qid in ids}
        wanted = scope.brand | set(self.label)
        nodes = []
        for q in queries:
            if q.id is None or q.id not in wanted or "list:" in q.definition:
                continue
            try:
                nodes.append((q.id, q.workspace_id, parse(q.definition)))
            except QuerySyntaxError:
                continue
        self.matcher = Matcher(nodes, adaptive=False) if nodes else None

    def of(self, text: str, lang: str = "und") -> tuple[bool, list[str]]:
        """(names the brand, competitors named) for a bare text."""
        if self.matcher is None or not text:
            return False, []
        return self._split(self.matcher.match_text(text, lang=lang))

    def of_post(self, m: Mention) -> tuple[bool, list[str]]:
        """The same for a routed post, from the queries it was routed to."""
        return self._split(m.query_ids)

    def _split(self, ids: Sequence[int]) -> tuple[bool, list[str]]:
        brand = any(i in self.scope.brand for i in ids)
        return brand, sorted({self.label[i] for i in ids if i in self.label})


def relative(sentiment: Mapping[str, int], usual: Mapping[str, int] | None) -> dict[str, int]:
    """A story's sentiment mix as its excess over the usual mix (per mille).

    What people usually say of a telecom operator is often 40 % negative; a story is bad
    (or good) news when its posts are markedly more negative (positive) than that. Each
    share becomes ``(share - usual) / (1 - usual)``, at least 0.

    >>> relative({"negative": 62, "neutral": 38}, {"negative": 45, "neutral": 55})
    {'negative': 309, 'positive': 0, 'neutral': 691}
    >>> relative({"negative": 90, "neutral": 10}, {"negative": 45, "neutral": 55})["negative"]
    818
    """
    rated = sum(sentiment.values())
    base = sum((usual or {}).values())
    if not rated or not base or usual is None:
        return dict(sentiment)
    out: dict[str, int] = {}
    for label in ("negative", "positive"):
        share, normal = sentiment.get(label, 0) / rated, usual.get(label, 0) / base
        out[label] = round(1000 * max(0.0, share - normal) / max(1e-9, 1.0 - normal))
    out["neutral"] = max(0, 1000 - out["negative"] - out["positive"])
    return out


def story_tone(
    headline: str,
    members: Sequence[Mention],
    sentiment: Mapping[str, int],
    categories: Mapping[str, int],
    subjects: Subjects,
    *,
    routed_to_brand: bool,
    usual: Mapping[str, int] | None = None,
) -> Tone:
    """The story's tone for the brand (see the module docstring); with ``usual`` (the
    period's sentiment mix about the brand), its posts' sentiment counts only as far
    as it departs from the usual (:func:`relative`)."""
    brand_h, rivals_h = subjects.of(headline)
    posts = [(m, *subjects.of_post(m)) for m in members]
    rival_only: Counter[str] = Counter()
    about_brand = 0
    for _, brand, rivals in posts:
        if brand:
            about_brand += 1
        elif rivals:
            rival_only.update(rivals)
    rival = ""
    if rivals_h and not brand_h:
        rival = max(rivals_h, key=lambda r: (rival_only[r], r))
    elif not brand_h and rival_only:
        top, n = rival_only.most_common(1)[0]
        if n > about_brand:
            rival = top
    if rival or not routed_to_brand:
        if not rival and rival_only:
            rival = rival_only.most_common(1)[0][0]
        return Tone("neutral", rival)
    texts = [m.text for m, brand, rivals in posts if brand or not rivals]
    mix = relative(sentiment, usual)
    return Tone(brand_tone(headline, texts, mix, categories=categories, brand=True))
