"""The reference interpreter of a query tree over one mention.

The streaming matcher and the SQLite helper function both evaluate through here, so
the semantics documented in :mod:`socialhub.query.ast` live in one place. The caller
supplies *hits*: for every slot that occurs in the mention, its sorted token positions
(the matcher gets them from its automaton, :func:`scan_hits` by brute force).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from socialhub.models import Mention
from socialhub.query.ast import And, Field, Near, Node, Not, Or, Phrase, Prefix, Slot, Term
from socialhub.text import norm_handle, url_host

Span = tuple[int, int]
Hits = Mapping[Slot, Sequence[int]]


@dataclass(slots=True)
class Facts:
    """A mention's field values, normalised the way the store keeps its columns.

    ``author`` is the normalised handle; ``site`` is computed from ``url`` only when a
    ``site:`` condition needs it; ``lists`` holds the ``(workspace_id, name_norm)`` of
    every watchlist the author belongs to.
    """

    lang: str = "und"
    platform: str = ""
    author: str = ""
    url: str = ""
    country: str = ""
    lists: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    _site: str | None = None

    @property
    def site(self) -> str:
        """The URL's host, as ``Mention.site`` gives it."""
        if self._site is None:
            self._site = url_host(self.url)
        return self._site

    @classmethod
    def of(cls, mention: Mention, lists: frozenset[tuple[int, str]] = frozenset()) -> Facts:
        return cls(
            lang=mention.lang,
            platform=mention.platform,
            author=norm_handle(mention.author_handle),
            url=mention.url,
            country=mention.country,
            lists=lists,
        )


def scan_hits(tokens: Sequence[str], wanted: Iterable[Slot]) -> dict[Slot, list[int]]:
    """Positions of each wanted slot in ``tokens``, by a plain scan (the reference)."""
    hits: dict[Slot, list[int]] = {}
    for slot in wanted:
        if isinstance(slot, Term):
            found = [i for i, tok in enumerate(tokens) if tok == slot.token]
        else:
            found = [i for i, tok in enumerate(tokens) if tok.startswith(slot.stem)]
        if found:
            hits[slot] = found
    return hits


def spans(node: Node, hits: Hits) -> list[Span]:
    """The spans of a positional node (see the semantics in ``ast``)."""
    if isinstance(node, Term | Prefix):
        return [(p, p) for p in hits.get(node, ())]
    if isinstance(node, Phrase):
        return phrase_spans(node, hits)
    if isinstance(node, Near):
        left = spans(node.left, hits)
        if not left:
            return []
        return near_spans(left, spans(node.right, hits), node.distance, node.ordered)
    if isinstance(node, Or):
        out: set[Span] = set()
        for item in node.items:
            out.update(spans(item, hits))
        return sorted(out)
    raise TypeError(f"{type(node).__name__} has no positions")


def phrase_spans(node: Phrase, hits: Hits) -> list[Span]:
    first = hits.get(node.parts[0])
    if not first:
        return []
    rest = []
    for part in node.parts[1:]:
        found = hits.get(part)
        if not found:
            return []
        rest.append(found)
    width = len(node.parts) - 1
    return [
        (p, p + width)
        for p in first
        if all(p + offset in found for offset, found in enumerate(rest, start=1))
    ]


def near_spans(left: list[Span], right: list[Span], distance: int, ordered: bool) -> list[Span]:
    """Pairs of non-overlapping spans with at most ``distance`` tokens between them."""
    if not left or not right:
        return []
    out: set[Span] = set()
    by_start = sorted(right)
    starts = [r[0] for r in by_start]
    for l0, l1 in left:  # right after left: r0 in [l1 + 1, l1 + 1 + distance]
        lo, hi = bisect_left(starts, l1 + 1), bisect_right(starts, l1 + 1 + distance)
        out.update((l0, r1) for _, r1 in by_start[lo:hi])
    if not ordered:
        by_end = sorted(right, key=lambda r: r[1])
        ends = [r[1] for r in by_end]
        for l0, l1 in left:  # right before left: r1 in [l0 - 1 - distance, l0 - 1]
            lo, hi = bisect_left(ends, l0 - 1 - distance), bisect_right(ends, l0 - 1)
            out.update((r0, l1) for r0, _ in by_end[lo:hi])
    return sorted(out)


def evaluate(node: Node, hits: Hits, facts: Facts, workspace_id: int) -> bool:
    """Whether ``node`` matches; ``workspace_id`` scopes ``list:`` to the query's lists."""
    if isinstance(node, Term | Prefix):
        return node in hits
    if isinstance(node, And):
        return all(evaluate(item, hits, facts, workspace_id) for item in node.items)
    if isinstance(node, Or):
        return any(evaluate(item, hits, facts, workspace_id) for item in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, hits, facts, workspace_id)
    if isinstance(node, Phrase):
        return bool(phrase_spans(node, hits))
    if isinstance(node, Near):
        return bool(spans(node, hits))
    return field_matches(node, facts, workspace_id)


def site_may_match(url: str, value: str) -> bool:
    """False only when ``site:value`` cannot hold for ``url``: a pre-check that spares
    most URLs their parse. For an ASCII URL, ``url_host`` is a lowercased piece of the URL
    once ``urlsplit`` has removed tabs and newlines, and a match needs ``value`` in it."""
    if not url.isascii():
        return True
    if "\t" in url or "\r" in url or "\n" in url:
        url = url.replace("\t", "").replace("\r", "").replace("\n", "")
    return value in url.lower()


def field_matches(node: Field, facts: Facts, workspace_id: int) -> bool:
    """One field condition; mirrors the column conditions of ``sql``."""
    name, value = node.name, node.value
    if name == "author":
        return facts.author == value
    if name == "lang":
        return facts.lang == value
    if name == "platform":
        return facts.platform == value
    if name == "country":
        return facts.country == value
    if name == "site":
        return facts.site == value or facts.site.endswith("." + value)
    if name == "list":
        return bool(facts.author) and (workspace_id, value) in facts.lists
    raise ValueError(f"unknown field {name!r}")
