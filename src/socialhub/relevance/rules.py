"""Default relevance score of a mention for a query, by rules (before any label).

A keyword query catches homonyms: "mirabelle" the operator and "mirabelle" the plum.
Without labels, three signals from the query itself separate them reasonably:

* how many **distinct** positive terms of the query hit (a brand name plus its handle
  or product is rarely the fruit); hashtags, handles and multi-word phrases count
  extra, being specific;
* **negative context**: the words of the query's ``NOT`` clauses, matched loosely
  (same first six letters: ``confiture`` also catches ``confitures``, ``tarte`` catches
  ``tartelette``) near a hit, which the exact ``NOT`` let through;
* the **share of the text** made of query terms: a short post about the brand beats a
  long one that names it in passing.

They are added on the logit scale and squashed to (0, 1); one plain hit in a
typical post scores about 0.7, so a routed mention is relevant until proven otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from socialhub.query import parse
from socialhub.query.ast import Phrase, Prefix, Term, leaves
from socialhub.query.errors import QuerySyntaxError
from socialhub.text import index_tokens

#: Tokens either side of a hit in which a NOT word counts as negative context.
WINDOW = 10
#: Letters a loose NOT-word match must share (words shorter than 4 match exactly).
STEM = 6
#: Score of a mention the query matched without any text term (author:, list: ...).
FIELD_ONLY = 0.9

Atom = Term | Prefix | Phrase


def _slot_hits(slot: Term | Prefix, token: str) -> bool:
    if isinstance(slot, Term):
        return token == slot.token
    return token.startswith(slot.stem)


def _token_index(toks: list[str]) -> dict[str, list[int]]:
    """Positions of each distinct token: one pass per text, shared by every atom."""
    index: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        index.setdefault(tok, []).append(i)
    return index


def _starts(slot: Term | Prefix, index: dict[str, list[int]]) -> list[int]:
    if isinstance(slot, Term):
        return index.get(slot.token, [])
    return sorted(i for tok, pos in index.items() if tok.startswith(slot.stem) for i in pos)


def _positions(
    atom: Atom, toks: list[str], index: dict[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """Spans (start, end inclusive) where an atom matches exactly, in text order."""
    if index is None:
        index = _token_index(toks)
    parts = atom.parts if isinstance(atom, Phrase) else (atom,)
    n = len(parts)
    # Candidates come from the first slot's positions; later slots are checked in place.
    return [
        (i, i + n - 1)
        for i in _starts(parts[0], index)
        if i + n <= len(toks) and all(_slot_hits(parts[j], toks[i + j]) for j in range(1, n))
    ]


def _words(atoms: list[Atom]) -> set[str]:
    out: set[str] = set()
    for atom in atoms:
        for part in atom.parts if isinstance(atom, Phrase) else (atom,):
            out.add(part.token if isinstance(part, Term) else part.stem)
    return out


def _loose(
    atom: Atom, toks: list[str], positive: set[str], index: dict[str, list[int]] | None = None
) -> list[int]:
    """Positions where a NOT atom matches loosely (a shared stem) or exactly.

    Exact only for short words, hashtags, handles, phrases, and words whose stem a
    positive term shares (NOT ``mirabellier`` must not catch ``mirabelle``).
    """
    exact = [s for s, _ in _positions(atom, toks, index)]
    if isinstance(atom, Phrase):
        return exact
    word = atom.token if isinstance(atom, Term) else atom.stem
    stem = word[:STEM]
    if len(word) < 4 or word.startswith(("#", "@")):
        return exact
    if any(p.startswith(stem) or stem.startswith(p) for p in positive):
        return exact
    if index is None:
        index = _token_index(toks)
    return sorted(i for tok, pos in index.items() if tok.startswith(stem) for i in pos)


def _specific(atom: Atom) -> bool:
    if isinstance(atom, Phrase):
        return len(atom.parts) > 1
    word = atom.token if isinstance(atom, Term) else atom.stem
    return word.startswith(("#", "@"))


@dataclass(slots=True)
class RuleScorer:
    """Rule score of texts for one query definition.

    Examples
    --------
    >>> rules = RuleScorer.from_definition("mirabelle NOT (confiture OR tarte)")
    >>> rules.score("Panne Mirabelle depuis ce matin") > 0.5
    True
    >>> rules.score("Mirabelle en tartelettes et confitures maison") < 0.5
    True
    """

    positive: list[Atom] = field(default_factory=list)
    negative: list[Atom] = field(default_factory=list)
    _positive_words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._positive_words = _words(self.positive)

    @classmethod
    def from_definition(cls, definition: str) -> RuleScorer:
        try:
            node = parse(definition)
        except QuerySyntaxError:
            return cls()
        pos: list[Atom] = []
        neg: list[Atom] = []
        for leaf, negated in leaves(node):
            if isinstance(leaf, Term | Prefix | Phrase):
                (neg if negated else pos).append(leaf)
        return cls(list(dict.fromkeys(pos)), list(dict.fromkeys(neg)))

    def signals(self, text: str) -> dict[str, float]:
        """The three signals: distinct hits (and specific ones), NOT words near, share."""
        toks = index_tokens(text)
        index = _token_index(toks)
        words = sum(1 for t in toks if not t.startswith(("#", "@")))
        hits = 0
        specific = 0
        covered: set[int] = set()
        for atom in self.positive:
            spans = _positions(atom, toks, index)
            if spans:
                hits += 1
                specific += _specific(atom)
                for start, end in spans:
                    covered.update(range(start, end + 1))
        near = 0
        if covered:
            for atom in self.negative:
                found = _loose(atom, toks, self._positive_words, index)
                if any(abs(p - c) <= WINDOW for p in found if p not in covered for c in covered):
                    near += 1
        plain = sum(1 for i in covered if not toks[i].startswith(("#", "@")))
        return {
            "hits": float(hits),
            "specific": float(specific),
            "negative_near": float(near),
            "share": plain / words if words else 0.0,
        }

    def score(self, text: str) -> float:
        """Relevance in (0, 1) by rules."""
        if not self.positive:
            return FIELD_ONLY
        s = self.signals(text)
        if not s["hits"]:
            return 0.6  # matched through another branch (a field, a watchlist)
        z = (
            -0.2
            + 0.8 * min(s["hits"], 4.0)
            + 1.0 * min(s["specific"], 1.0)
            + 1.0 * min(4.0 * s["share"], 1.0)
            - 1.5 * s["negative_near"]
        )
        return min(0.98, max(0.02, 1.0 / (1.0 + math.exp(-z))))

    def score_many(self, texts: list[str]) -> list[float]:
        return [self.score(t) for t in texts]
