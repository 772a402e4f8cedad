"""Exact NEAR check in PostgreSQL SQL, over the positions stored in ``m.search``.

Used for nested NEARs, whose tsquery expansion would grow multiplicatively (see
:mod:`socialhub.query.tsquery`). Each positional node becomes a subquery of spans
``(s, e)`` read from ``unnest(m.search)``, following the semantics in
:mod:`socialhub.query.ast` literally; the SQL grows linearly with the query. PostgreSQL
positions are 1-based, ours 0-based: only differences matter, so nothing shifts.
"""

from __future__ import annotations

from socialhub.query.ast import Near, Node, Or, Phrase, Prefix, Slot, Term, atom_slots


def exists(node: Node) -> tuple[str, list[object]]:
    """``EXISTS (...)``: true when the positional ``node`` has a span in ``m.search``."""
    sql, params = spans(node)
    return f"EXISTS (SELECT 1 FROM ({sql}) x)", params


def _positions(slot: Slot) -> tuple[str, list[object]]:
    test = "u.lexeme = %s" if isinstance(slot, Term) else "starts_with(u.lexeme, %s)"
    value = slot.token if isinstance(slot, Term) else slot.stem
    return (
        "SELECT p FROM unnest(m.search) AS u(lexeme, positions, weights), "
        f"unnest(u.positions) AS p WHERE {test}",
        [value],
    )


def spans(node: Node) -> tuple[str, list[object]]:
    """A subquery with columns ``s, e`` (inclusive token positions) for a positional node."""
    if isinstance(node, Term | Prefix | Phrase):
        parts = atom_slots(node)
        froms, params = [], []
        for i, part in enumerate(parts):
            sql, ps = _positions(part)
            froms.append(f"({sql}) a{i}(p)")
            params.extend(ps)
        joins = [f"a{i}.p = a0.p + {i}" for i in range(1, len(parts))]
        where = f" WHERE {' AND '.join(joins)}" if joins else ""
        last = len(parts) - 1
        return f"SELECT a0.p AS s, a0.p + {last} AS e FROM {', '.join(froms)}{where}", params
    if isinstance(node, Or):
        subs = [spans(item) for item in node.items]
        sql = " UNION ".join(f"SELECT s, e FROM ({s}) o{i}" for i, (s, _) in enumerate(subs))
        return sql, [p for _, ps in subs for p in ps]
    if isinstance(node, Near):
        left, lparams = spans(node.left)
        right, rparams = spans(node.right)
        cond, cparams = "(r.s > l.e AND r.s - l.e - 1 <= %s)", [node.distance]
        if not node.ordered:
            cond += " OR (l.s > r.e AND l.s - r.e - 1 <= %s)"
            cparams.append(node.distance)
        return (
            "SELECT LEAST(l.s, r.s) AS s, GREATEST(l.e, r.e) AS e "
            f"FROM ({left}) l, ({right}) r WHERE {cond}",
            [*lparams, *rparams, *cparams],
        )
    raise TypeError(f"{type(node).__name__} is not positional")
