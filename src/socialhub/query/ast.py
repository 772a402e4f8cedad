"""Query syntax tree: small frozen nodes shared by the matcher and both SQL compilers.

Semantics (the contract every back end implements)
---------------------------------------------------
A mention's text is the token sequence ``socialhub.text.index_tokens(text)``, with
positions 0, 1, 2, ... (a ``#tag`` occupies two positions: ``#tag`` then ``tag``; a
handle or hashtag keeps its ``_``: ``@a_b`` is ``@a_b`` then ``a_b``, see docs/query.md).

*Slots* match one position:

- ``Term(t)`` matches position p when ``tokens[p] == t``;
- ``Prefix(s)`` matches position p when ``tokens[p].startswith(s)``.

*Positional* nodes produce spans ``(start, end)`` (inclusive token positions):

- a slot gives ``(p, p)`` for every position it matches;
- ``Phrase(parts)`` gives ``(p, p + k - 1)`` when ``parts[i]`` matches ``p + i`` for all i;
- ``Or`` of positional nodes gives the union of their spans;
- ``Near(L, R, n, ordered)`` gives ``(min(l0, r0), max(l1, r1))`` for every span ``l`` of
  L and ``r`` of R that do not overlap and have **at most n tokens between them**:
  ``l1 < r0 and r0 - l1 - 1 <= n``, or (unordered only) ``r1 < l0 and l0 - r1 - 1 <= n``.
  So ``NEAR/0`` means adjacent, and one occurrence never counts for both sides.

A positional node is true for a mention when it has at least one span. ``And``, ``Or``
and ``Not`` are the boolean operators; ``Field`` compares a mention column (see
:class:`Field`). The parser guarantees that both operands of a ``Near`` are positional
(it hoists NOT/field conditions out of NEAR operands, see ``parser``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

FIELDS = ("author", "lang", "platform", "site", "country", "list")


@dataclass(frozen=True, slots=True)
class Term:
    """One exact token (as produced by ``index_tokens``)."""

    token: str
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Prefix:
    """One token starting with ``stem`` (the ``wild*`` syntax)."""

    stem: str
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive slots: a quoted phrase, a word that tokenises into several tokens."""

    parts: tuple[Term | Prefix, ...]
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/n right`` (unordered) or ``NEAR/nf`` (ordered: left before right)."""

    left: Node
    right: Node
    distance: int
    ordered: bool = False
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    item: Node
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Field:
    """A column condition; ``value`` is already normalised by the parser.

    - ``author``: ``norm_handle(author_handle) == value`` (non-empty);
    - ``lang``, ``platform``, ``country``: column equals the lowercase value;
    - ``site``: the mention's host equals value or ends with ``"." + value``;
    - ``list``: the author (non-empty handle) is a member of the watchlist whose
      ``name_norm`` equals value, member platform ``''`` meaning any platform.
    """

    name: str
    value: str
    col: int = field(default=0, compare=False, repr=False)


def norm_list_name(name: str) -> str:
    """A watchlist name as stored in ``watchlists.name_norm`` (the store lowercases it)."""
    return name.lower()


Slot: TypeAlias = Term | Prefix
Atom: TypeAlias = Term | Prefix | Phrase
Node: TypeAlias = Term | Prefix | Phrase | Near | And | Or | Not | Field


def atom_slots(atom: Atom) -> tuple[Slot, ...]:
    """The slots an atom matches at consecutive positions."""
    return atom.parts if isinstance(atom, Phrase) else (atom,)


def is_positional(node: Node) -> bool:
    """True for nodes that have spans (words, phrases, wildcards, NEAR, OR of those)."""
    if isinstance(node, Term | Prefix | Phrase | Near):
        return True
    if isinstance(node, Or):
        return all(is_positional(item) for item in node.items)
    return False


def is_anchored(node: Node) -> bool:
    """True when every match needs at least one positive term or field condition.

    A query that is not anchored (``NOT a``, ``a OR NOT b``) can match a mention that
    contains none of its words: the matcher must evaluate it for every mention.
    """
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(is_anchored(item) for item in node.items)
    if isinstance(node, Or):
        return all(is_anchored(item) for item in node.items)
    return True


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    yield node
    if isinstance(node, And | Or):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Near):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Phrase):
        yield from node.parts


def leaves(node: Node, negated: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every leaf (atom or field) with whether it sits under an odd number of NOTs: what
    a query asks for (False) and what it excludes (True)."""
    if isinstance(node, Not):
        yield from leaves(node.item, not negated)
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from leaves(item, negated)
    elif isinstance(node, Near):
        yield from leaves(node.left, negated)
        yield from leaves(node.right, negated)
    else:
        yield node, negated


def slots(node: Node) -> set[Slot]:
    """Every distinct slot (exact token or prefix) the tree mentions."""
    return {n for n in walk(node) if isinstance(n, Term | Prefix)}


def to_dict(node: Node) -> dict[str, Any]:
    """A JSON-ready form, used to hand a node to the SQLite helper function."""
    if isinstance(node, Term):
        return {"t": node.token}
    if isinstance(node, Prefix):
        return {"p": node.stem}
    if isinstance(node, Phrase):
        return {"phrase": [to_dict(part) for part in node.parts]}
    if isinstance(node, Near):
        return {
            "near": [to_dict(node.left), to_dict(node.right)],
            "n": node.distance,
            "f": node.ordered,
        }
    if isinstance(node, And):
        return {"and": [to_dict(item) for item in node.items]}
    if isinstance(node, Or):
        return {"or": [to_dict(item) for item in node.items]}
    if isinstance(node, Not):
        return {"not": to_dict(node.item)}
    return {"field": node.name, "value": node.value}


def from_dict(data: dict[str, Any]) -> Node:
    """Inverse of :func:`to_dict`."""
    if "t" in data:
        return Term(str(data["t"]))
    if "p" in data:
        return Prefix(str(data["p"]))
    if "phrase" in data:
        parts = tuple(from_dict(part) for part in data["phrase"])
        if not all(isinstance(part, Term | Prefix) for part in parts):
            raise ValueError("phrase parts must be terms or prefixes")
        return Phrase(parts)  # type: ignore[arg-type]  # checked just above
    if "near" in data:
        left, right = data["near"]
        return Near(from_dict(left), from_dict(right), int(data["n"]), bool(data["f"]))
    if "and" in data:
        return And(tuple(from_dict(item) for item in data["and"]))
    if "or" in data:
        return Or(tuple(from_dict(item) for item in data["or"]))
    if "not" in data:
        return Not(from_dict(data["not"]))
    if "field" in data:
        return Field(str(data["field"]), str(data["value"]))
    raise ValueError(f"not a query node: {data!r}")
