"""Which keys decide a query, so that the matcher evaluates as little as it can.

:func:`decision` sorts a query's top-level AND items into key checks (clauses to hold,
keys to lack) and items left to evaluate; :func:`needs` gives, for an item left to
evaluate, slot sets one of which must be present for it to hold (a pre-check).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple

from socialhub.query.ast import And, Field, Near, Node, Not, Or, Phrase, Prefix, Slot, Term
from socialhub.query.routing import field_key


class Decision(NamedTuple):
    """How keys decide a query: it matches iff the mention holds a key of every ``need``
    clause, none of ``forbid``, and each ``maybe`` item holds: for sure when one of its
    ``sure`` keys is present, else by evaluating that item alone."""

    need: list[frozenset[Hashable]]
    forbid: frozenset[Hashable]
    maybe: list[tuple[frozenset[Hashable], Node]]


def decision(node: Node, workspace_id: int) -> Decision:
    """The query's top-level AND items sorted into key checks and items to evaluate.

    An item that is an OR of words, prefixes, hashtags and field conditions other than
    ``site:`` (its suffix keys are computed only when some trigger asks) is one
    ``need`` clause; NOT of one is ``forbid``; any other item is a ``maybe``, sure when
    one of its OR alternatives of that kind is present (``(brand OR "brand group")``).
    """
    items = node.items if isinstance(node, And) else (node,)
    need: list[frozenset[Hashable]] = []
    forbid: set[Hashable] = set()
    maybe: list[tuple[frozenset[Hashable], Node]] = []
    for item in items:
        inner = item.item if isinstance(item, Not) else item
        keys = _clause(inner, workspace_id)
        if keys is not None:
            if isinstance(item, Not):
                forbid |= keys
            else:
                need.append(keys)
            continue
        sure: set[Hashable] = set()
        if isinstance(item, Or):
            for alternative in item.items:
                sure |= _clause(alternative, workspace_id) or set()
        maybe.append((frozenset(sure), item))
    return Decision(need, frozenset(forbid), maybe)


def _clause(node: Node, workspace_id: int) -> frozenset[Hashable] | None:
    """The keys one of which a mention holds iff it matches ``node``, if there is such a set.

    A hashtag or mention ``#x`` is the phrase ``#x x``, which the tokeniser emits for
    every ``#x`` token: the key ``#x`` alone decides it (on untruncated token lists).
    """
    if isinstance(node, Term | Prefix):
        return frozenset([node])
    if isinstance(node, Field):
        return None if node.name == "site" else frozenset([field_key(node, workspace_id)])
    if isinstance(node, Or):
        out: set[Hashable] = set()
        for item in node.items:
            keys = _clause(item, workspace_id)
            if keys is None:
                return None
            out |= keys
        return frozenset(out)
    if isinstance(node, And) and len(node.items) == 1:
        return _clause(node.items[0], workspace_id)
    if isinstance(node, Phrase) and len(node.parts) == 2:
        first, second = node.parts
        if (
            isinstance(first, Term)
            and isinstance(second, Term)
            and first.token[:1] in ("#", "@")
            and first.token[1:] == second.token
        ):
            return frozenset([first])
    return None


_MAX_NEEDS = 16  # alternatives kept by needs(); beyond, no pre-check


def needs(node: Node) -> list[frozenset[Slot]] | None:
    """Slot sets one of which a mention holds entirely whenever it matches ``node``
    (None: no such condition, e.g. under NOT or for a field). A cheap pre-check before
    an evaluation: ``"acme group" OR acme*`` cannot hold without acme and group, or acme*.
    """
    if isinstance(node, Term | Prefix):
        return [frozenset([node])]
    if isinstance(node, Phrase):
        return [frozenset(node.parts)]
    if isinstance(node, Or):
        out: list[frozenset[Slot]] = []
        for item in node.items:
            alternatives = needs(item)
            if alternatives is None:
                return None
            out.extend(alternatives)
        return out if len(out) <= _MAX_NEEDS else None
    parts = (node.left, node.right) if isinstance(node, Near) else getattr(node, "items", ())
    combined: list[frozenset[Slot]] | None = None
    for part in parts:  # every part must hold (AND, both sides of a NEAR)
        alternatives = needs(part)
        if alternatives is None:
            continue
        if combined is None:
            combined = alternatives
        else:
            combined = [a | b for a in combined for b in alternatives]
            if len(combined) > _MAX_NEEDS:
                return None
    return combined
