"""PostgreSQL ``tsquery`` literals for pure-text subtrees, built without any parser.

Lexemes are quoted (``'tok'``, prefix ``'stem':*``), phrases use ``<->``. PostgreSQL's
``L <d> R`` matches when R starts exactly d positions after L ends, for phrase operands
too, as long as each operand has a fixed width (an OR of operands of different widths
is approximated by PostgreSQL). So a NEAR is expanded into its *alternatives*, grouped
by width: ``NEAR/n`` is the OR over d = 1..n+1 of ``L <d> R`` (and ``R <d> L`` when
unordered), each with width ``wL + wR + d - 1``.

That expansion multiplies with every level of nesting, so only *flat* NEARs (over
words, phrases, wildcards and OR groups of them) become tsqueries; :func:`tsquery`
returns None for a nested NEAR, and :func:`superset` gives a tsquery true for at least
its matches (the SQL compiler adds an exact check over the tsvector's positions).
"""

from __future__ import annotations

from socialhub.query.ast import (
    And,
    Field,
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


def lexeme(text: str) -> str:
    """A quoted tsquery lexeme (quotes and backslashes doubled, as tsquery input wants)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def slot(node: Slot) -> str:
    return lexeme(node.token) if isinstance(node, Term) else lexeme(node.stem) + ":*"


def _group(exprs: list[str]) -> str:
    exprs = list(dict.fromkeys(exprs))  # "a NEAR/n a" yields each alternative twice
    return exprs[0] if len(exprs) == 1 else "(" + " | ".join(exprs) + ")"


def alternatives(node: Node) -> dict[int, list[str]]:
    """Width (in tokens) -> tsquery operands of that width, for a positional node."""
    if isinstance(node, Term | Prefix):
        return {1: [slot(node)]}
    if isinstance(node, Phrase):
        parts = atom_slots(node)
        return {len(parts): ["(" + " <-> ".join(slot(p) for p in parts) + ")"]}
    if isinstance(node, Or):
        merged: dict[int, list[str]] = {}
        for item in node.items:
            for width, exprs in alternatives(item).items():
                merged.setdefault(width, []).extend(exprs)
        return merged
    if isinstance(node, Near):
        out: dict[int, list[str]] = {}
        right = alternatives(node.right)
        for lw, lexprs in alternatives(node.left).items():
            left = _group(lexprs)
            for rw, rexprs in right.items():
                rgroup = _group(rexprs)
                for d in range(1, node.distance + 2):
                    found = out.setdefault(lw + rw + d - 1, [])
                    found.append(f"({left} <{d}> {rgroup})")
                    if not node.ordered:
                        found.append(f"({rgroup} <{d}> {left})")
        return out
    raise TypeError(f"{type(node).__name__} is not positional")


def is_flat(node: Node) -> bool:
    """A word, phrase or wildcard, or an OR of those."""
    if isinstance(node, Or):
        return all(is_flat(item) for item in node.items)
    return isinstance(node, Term | Prefix | Phrase)


def tsquery(node: Node) -> str | None:
    """The tsquery equal to ``node``; None with a field condition or a nested NEAR."""
    if isinstance(node, Field):
        return None
    if isinstance(node, Not):
        inner = tsquery(node.item)
        return None if inner is None else f"!({inner})"
    if isinstance(node, And | Or):
        parts = [tsquery(item) for item in node.items]
        if any(part is None for part in parts):
            return None
        return join(node, [p for p in parts if p is not None])
    if isinstance(node, Near) and not (is_flat(node.left) and is_flat(node.right)):
        return None
    return _group([e for group in alternatives(node).values() for e in group])


def superset(node: Node) -> str:
    """A tsquery true for every mention a positional ``node`` matches."""
    if isinstance(node, Near) and not (is_flat(node.left) and is_flat(node.right)):
        return f"({superset(node.left)}) & ({superset(node.right)})"
    if isinstance(node, Or):
        return "(" + " | ".join(f"({superset(item)})" for item in node.items) + ")"
    found = tsquery(node)
    if found is None:
        raise TypeError(f"{type(node).__name__} is not positional")
    return found


def join(node: And | Or, parts: list[str]) -> str:
    """Parts of an AND or OR joined with the matching tsquery operator."""
    op = " & " if isinstance(node, And) else " | "
    return "(" + op.join(f"({part})" for part in parts) + ")"
