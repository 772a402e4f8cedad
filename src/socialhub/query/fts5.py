"""SQLite FTS5 query strings for pure-text subtrees.

Every token is quoted as an FTS5 string (``"tok"``, prefix ``"stem"*``) and phrases are
joined with ``+`` so a prefix may sit anywhere in them. FTS5 ``NEAR(p1 p2, n)`` counts
the tokens between the first and the last phrase instance in document order, which
equals our NEAR for two phrases that cannot overlap; it accepts overlapping instances
(``NEAR("a" "a", 0)`` matches a lone ``a``) and has no ordered form. So :func:`exact`
returns ``None`` for ordered NEARs, nested NEARs and NEARs whose operands could overlap,
and :func:`superset` gives a query true for at least every match of such a NEAR; the
SQL compiler adds the exact check.
"""

from __future__ import annotations

from socialhub.query.ast import (
    And,
    Atom,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Slot,
    Term,
    atom_slots,
)


def slot(node: Slot) -> str:
    return f'"{node.token}"' if isinstance(node, Term) else f'"{node.stem}"*'


def atom(node: Atom) -> str:
    return " + ".join(slot(part) for part in atom_slots(node))


def alternatives(node: Node) -> list[Atom] | None:
    """The atoms of a word/phrase or of an OR of them; None for anything else."""
    if isinstance(node, Term | Prefix | Phrase):
        return [node]
    if isinstance(node, Or):
        out: list[Atom] = []
        for item in node.items:
            found = alternatives(item)
            if found is None:
                return None
            out.extend(found)
        return out
    return None


def _compatible(a: Slot, b: Slot) -> bool:
    """Could one document token match both slots?"""
    x = a.token if isinstance(a, Term) else a.stem
    y = b.token if isinstance(b, Term) else b.stem
    if isinstance(a, Term) and isinstance(b, Term):
        return x == y
    if isinstance(a, Term):
        return x.startswith(y)
    if isinstance(b, Term):
        return y.startswith(x)
    return x.startswith(y) or y.startswith(x)


def can_overlap(a: Atom, b: Atom) -> bool:
    """Could instances of the two atoms share a token position?"""
    return any(_compatible(x, y) for x in atom_slots(a) for y in atom_slots(b))


def _near_groups(left: list[Atom], right: list[Atom], distance: int) -> str:
    groups = [f"NEAR({atom(a)} {atom(b)}, {distance})" for a in left for b in right]
    return groups[0] if len(groups) == 1 else "(" + " OR ".join(groups) + ")"


def exact(node: Node) -> str | None:
    """The FTS5 query equal to ``node``, or None when FTS5 cannot express it exactly."""
    if isinstance(node, Term | Prefix | Phrase):
        return atom(node)
    if isinstance(node, Near):
        if node.ordered:
            return None
        left, right = alternatives(node.left), alternatives(node.right)
        if left is None or right is None:
            return None
        if any(can_overlap(a, b) for a in left for b in right):
            return None
        return _near_groups(left, right, node.distance)
    if isinstance(node, Or):
        return any_of([exact(item) for item in node.items])
    if isinstance(node, And):
        positives: list[str] = []
        negatives: list[str] = []
        for item in node.items:
            part = exact(item.item if isinstance(item, Not) else item)
            if part is None:
                return None
            (negatives if isinstance(item, Not) else positives).append(f"({part})")
        return combine(positives, negatives)
    return None  # a lone NOT (FTS5's NOT is binary) or a field


def any_of(parts: list[str | None]) -> str | None:
    """``(p1) OR (p2) ...``; None when one part cannot be expressed (the OR would then
    miss what that part matches)."""
    if any(part is None for part in parts):
        return None
    return "(" + " OR ".join(f"({part})" for part in parts) + ")"


def combine(positives: list[str], negatives: list[str]) -> str | None:
    """``p1 AND p2 ... NOT (n1 OR n2 ...)``; None without a positive part."""
    if not positives:
        return None
    expr = "(" + " AND ".join(positives) + ")"
    if negatives:
        expr = f"({expr} NOT ({' OR '.join(negatives)}))"
    return expr


def superset(node: Node) -> str:
    """An FTS5 query true for every mention a positional ``node`` matches."""
    atoms = alternatives(node)
    if atoms is not None:
        return "(" + " OR ".join(f"({atom(a)})" for a in atoms) + ")"
    if isinstance(node, Near):
        left, right = alternatives(node.left), alternatives(node.right)
        if left is not None and right is not None:
            # FTS5 NEAR is unordered and allows overlaps: looser than ours, never stricter.
            return _near_groups(left, right, node.distance)
        return f"({superset(node.left)} AND {superset(node.right)})"
    if isinstance(node, Or):
        return "(" + " OR ".join(superset(item) for item in node.items) + ")"
    raise TypeError(f"{type(node).__name__} is not positional")
