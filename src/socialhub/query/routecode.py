"""One trigger key's checks compiled into a Python function, for the streaming matcher.

The matcher looks at the queries a present trigger key routes to: some match outright,
some when key clauses hold (``k1 in p or k2 in p``) and forbidden keys are absent, some
after items are evaluated. Looping over tuples of frozensets for that costs a bytecode
dispatch per field; a function whose body spells the checks of its queries, with the
key ids as integer literals, costs only the tests themselves. It is built the first
time its key has been present ``COMPILE_AFTER`` times (most keys never are: until then
:func:`interpret` runs the same checks from the tuples; a re-plan drops the functions).

Only integers and names chosen here reach the source text: key ids, query ids and
``_c<i>`` / ``_e<i>`` names bound in the function's namespace to frozensets and compiled
predicates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from socialhub.query.predicates import Predicate

_INLINE = 4  # clauses of at most this many keys become "k1 in p or ..." tests
COMPILE_AFTER = 8  # uses of a key's checks before they are compiled (~0.1 ms each)


class Evaluator(Protocol):
    """What the generated code evaluates items with (the matcher's per-mention object)."""

    def holds(self, predicate: Predicate) -> bool: ...


# (sure keys, predicate, slot sets one of which must be present or None)
Item = tuple[frozenset[int], Predicate, tuple[frozenset[int], ...] | None]
# p: present key ids, m: the evaluator, out: matched query ids; returns the queries looked at
Checks = Callable[[set[int], Evaluator, list[int]], int]
Plain = Sequence[int]
Checked = Sequence[tuple[int, Sequence[frozenset[int]], frozenset[int]]]
Later = Sequence[tuple[int, Sequence[frozenset[int]], frozenset[int], Sequence[Item]]]


def interpret(
    plain: Plain, checked: Checked, later: Later, p: set[int], m: Evaluator, out: list[int]
) -> int:
    """What :func:`compile_checks` builds, run from the tuples (same answers, slower)."""
    out.extend(plain)
    for query_id, clauses, forbid, items in [(*c, ()) for c in checked] + list(later):
        if forbid and not forbid.isdisjoint(p):
            continue
        if any(clause.isdisjoint(p) for clause in clauses):
            continue
        if all(_holds(item, p, m) for item in items):
            out.append(query_id)
    return len(plain) + len(checked) + len(later)


def _holds(item: Item, p: set[int], m: Evaluator) -> bool:
    sure, predicate, needed = item
    if sure and not sure.isdisjoint(p):
        return True
    if needed is not None and not any(keys <= p for keys in needed):
        return False
    return m.holds(predicate)


class _Source:
    def __init__(self) -> None:
        self.names: dict[str, Any] = {}

    def bind(self, value: Any, prefix: str) -> str:
        name = f"_{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def any_of(self, keys: frozenset[int]) -> str:
        if len(keys) <= _INLINE:
            return "(" + " or ".join(f"{int(k)} in p" for k in sorted(keys)) + ")"
        return f"not {self.bind(keys, 'c')}.isdisjoint(p)"

    def none_of(self, keys: frozenset[int]) -> str:
        if len(keys) <= _INLINE:
            return " and ".join(f"{int(k)} not in p" for k in sorted(keys))
        return f"{self.bind(keys, 'c')}.isdisjoint(p)"

    def item(self, item: Item) -> str:
        sure, predicate, needed = item
        test = f"m.holds({self.bind(predicate, 'e')})"
        if needed is not None:
            alternatives = [
                "(" + " and ".join(f"{int(k)} in p" for k in sorted(keys)) + ")" if keys else "True"
                for keys in needed
            ]
            test = f"({' or '.join(alternatives)}) and {test}"
        if sure:
            test = f"{self.any_of(sure)} or ({test})"
        return f"({test})"


def compile_checks(plain: Plain, checked: Checked, later: Later) -> Checks:
    """The function that appends to ``out`` the ids of the queries that match, given the
    present keys: ``plain`` match outright, ``checked`` when their clauses hold and their
    forbidden keys are absent, ``later`` when, moreover, each of their items holds."""
    source = _Source()
    lines = ["def checks(p, m, out):"]
    if plain:
        lines.append(f"    out.extend({tuple(int(q) for q in plain)!r})")
    for query_id, clauses, forbid, items in [(*c, ()) for c in checked] + list(later):
        tests = [source.any_of(c) for c in clauses]
        if forbid:
            tests.append(source.none_of(forbid))
        tests += [source.item(item) for item in items]
        append = f"out.append({int(query_id)})"
        lines.append(f"    if {' and '.join(tests)}: {append}" if tests else f"    {append}")
    lines.append(f"    return {len(plain) + len(checked) + len(later)}")
    namespace = dict(source.names)
    exec(compile("\n".join(lines), "<matcher checks>", "exec"), namespace)
    checks: Checks = namespace["checks"]
    return checks
