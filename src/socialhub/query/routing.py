"""Which keys a mention must contain for a query to possibly match it.

A *key* is a slot (an exact token or a prefix, found by the matcher's automaton) or a
field fact such as ``("lang", "fr")``, ``("site", "lemonde.fr")`` or ``("list",
workspace_id, name)``. :func:`clauses` turns a query into a conjunction of clauses, each
a set of keys at least one of which every match contains:

- a word, prefix or phrase needs each of its slots; NEAR and AND need all their parts;
- an OR needs one of its alternatives: one clause, the union of one clause of each;
- NOT needs nothing (and an OR with a NOT alternative then needs nothing either).

The matcher indexes each query under its cheapest clause (the *trigger*) and checks the
others with set operations before running the full evaluation. A clause's cost is the
sum of its keys' frequencies (the share of mentions containing the key): the matcher
starts from :func:`prior`, a guess (short words, stopwords, prefixes and
language/platform/country are frequent), and re-plans with the frequencies it observes
in the stream, where the monitored brands themselves are often the commonest words.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from socialhub.query.ast import And, Field, Near, Node, Not, Or, Phrase, Prefix, Term
from socialhub.query.words import STOPWORDS

Clause = tuple[float, frozenset[Hashable]]
Cost = Callable[[Hashable], float]

_FIELD_PRIOR = {"lang": 0.3, "platform": 0.3, "country": 0.3, "site": 0.01, "list": 0.003}


def field_key(node: Field, workspace_id: int) -> Hashable:
    """The key a mention carries when it satisfies ``node`` (lists are per workspace)."""
    if node.name == "list":
        return ("list", workspace_id, node.value)
    return (node.name, node.value)


def prior(key: Hashable) -> float:
    """A guess at the share of mentions containing ``key``, before any observation."""
    if isinstance(key, tuple):
        return _FIELD_PRIOR.get(str(key[0]), 0.001)
    if isinstance(key, Prefix):
        return min(1.0, 3.0 * _word_prior(key.stem))
    if isinstance(key, Term):
        return _word_prior(key.token)
    raise TypeError(f"not a routing key: {key!r}")


def _word_prior(token: str) -> float:
    word = token.lstrip("#@")
    freq = {1: 0.05, 2: 0.02, 3: 0.004, 4: 0.002}.get(len(word), 0.001)
    if word in STOPWORDS:
        freq = min(0.5, freq * 25.0)
    return freq * 0.5 if token[:1] in ("#", "@") else freq


def clauses(node: Node, workspace_id: int, cost: Cost = prior) -> list[Clause]:
    """Clauses every match of ``node`` satisfies (empty: no key is required)."""
    if isinstance(node, Term | Prefix):
        return [(cost(node), frozenset([node]))]
    if isinstance(node, Phrase):
        return [c for part in node.parts for c in clauses(part, workspace_id, cost)]
    if isinstance(node, Near):
        return clauses(node.left, workspace_id, cost) + clauses(node.right, workspace_id, cost)
    if isinstance(node, And):
        return [c for item in node.items for c in clauses(item, workspace_id, cost)]
    if isinstance(node, Or):
        total, keys = 0.0, set[Hashable]()
        for item in node.items:
            found = clauses(item, workspace_id, cost)
            if not found:
                return []
            best = min(found, key=lambda c: c[0])
            total += best[0]
            keys.update(best[1])
        return [(total, frozenset(keys))]
    if isinstance(node, Not):
        return []
    key = field_key(node, workspace_id)
    return [(cost(key), frozenset([key]))]


def plan(
    node: Node, workspace_id: int, cost: Cost = prior
) -> tuple[frozenset[Hashable], list[frozenset[Hashable]]]:
    """(trigger, other clauses); an empty trigger means: evaluate for every mention."""
    found = clauses(node, workspace_id, cost)
    if not found:
        return frozenset(), []
    trigger = min(found, key=lambda c: c[0])[1]
    # A clause the trigger implies is useless; one about a site would make the matcher
    # parse every mention's URL just to pre-check, so the evaluation checks it instead.
    rest = {
        keys
        for _, keys in found
        if not trigger <= keys and not any(isinstance(k, tuple) and k[0] == "site" for k in keys)
    }
    return trigger, sorted(rest, key=len)
