"""A query item compiled once into nested closures, for the streaming matcher.

The matcher evaluates the few query items its key checks cannot decide (phrases, NEAR,
``site:`` and ``list:`` conditions inside an OR...). Walking the tree with
:func:`socialhub.query.evaluate.evaluate` for each of them costs an ``isinstance`` chain
per node; a closure per node, built when the matcher is, does only the node's own work.

A compiled predicate takes the set of key ids present in the mention (every slot the
automaton found, and the mention's lang/platform/country/author keys) and a
:class:`Context` that computes, on first use only, the slots' token positions and the
mention's :class:`~socialhub.query.evaluate.Facts`. Its answer is, by construction and by
the tests, ``evaluate(node, hits, facts, workspace_id)``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Protocol

from socialhub.query.ast import And, Field, Near, Node, Not, Or, Phrase, Prefix, Slot, Term
from socialhub.query.evaluate import Facts, field_matches, phrase_spans, site_may_match, spans
from socialhub.query.routing import field_key


class Context(Protocol):
    """What a predicate may ask about the mention beyond its present keys."""

    def positions(self) -> Mapping[Slot, Sequence[int]]:
        """Sorted token positions of every slot present."""
        ...

    def facts(self) -> Facts:
        """The mention's field values (site and watchlists computed on demand)."""
        ...

    def url(self) -> str:
        """The mention's URL, as given."""
        ...


Predicate = Callable[[set[int], Context], bool]

# Field values the matcher turns into keys present in a mention (see Matcher._value_ids).
_KEYED_FIELDS = ("lang", "platform", "country", "author")


def compile_node(node: Node, ids: Mapping[Hashable, int], workspace_id: int) -> Predicate:
    """``node`` as a closure over key ids; ``ids`` maps each slot and field key of the
    query to its id in the matcher."""
    if isinstance(node, Term | Prefix):
        key = ids[node]
        return lambda present, _: key in present
    if isinstance(node, Field):
        if node.name in _KEYED_FIELDS and node.value:
            key = ids[field_key(node, workspace_id)]
            return lambda present, _: key in present
        if node.name == "site":
            value = node.value
            return lambda _, context: (
                site_may_match(context.url(), value)
                and field_matches(node, context.facts(), workspace_id)
            )
        return lambda _, context: field_matches(node, context.facts(), workspace_id)
    if isinstance(node, Not):
        inner = compile_node(node.item, ids, workspace_id)
        return lambda present, context: not inner(present, context)
    if isinstance(node, And | Or):
        return _combine(node, [compile_node(item, ids, workspace_id) for item in node.items])
    if isinstance(node, Phrase):
        needed = frozenset(ids[part] for part in node.parts)
        phrase = node

        def holds(present: set[int], context: Context) -> bool:
            # every part present first: most phrases fail there, without positions
            return needed <= present and bool(phrase_spans(phrase, context.positions()))

        return holds
    if isinstance(node, Near):
        near = node
        return lambda _, context: bool(spans(near, context.positions()))
    raise TypeError(f"cannot compile {type(node).__name__}")


def _combine(node: And | Or, parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        if isinstance(node, And):
            return lambda p, c: first(p, c) and second(p, c)
        return lambda p, c: first(p, c) or second(p, c)
    items = tuple(parts)
    if isinstance(node, And):

        def every(present: set[int], context: Context) -> bool:
            for item in items:  # noqa: SIM110 (a loop: no generator object per call)
                if not item(present, context):
                    return False
            return True

        return every

    def some(present: set[int], context: Context) -> bool:
        for item in items:  # noqa: SIM110 (a loop: no generator object per call)
            if item(present, context):
                return True
        return False

    return some
