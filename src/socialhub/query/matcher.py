"""Streaming matcher: route each new mention to every query it matches.

One Aho-Corasick automaton holds every slot of every query: an exact token ``t`` is
the pattern ``" t "`` and a prefix ``s`` the pattern ``" s"``, searched in the
mention's tokens joined as ``" tok1 tok2 ... "``, so a hit always lines up with token
boundaries and maps back to a token position. One pass over the mention finds every
slot of every query; only queries with a *trigger* among the hits are looked at.

A query's trigger and other required clauses come from :mod:`socialhub.query.routing`
(for ``a AND b`` it is indexed under the rarer of a and b and the other is checked with
a set operation; field facts such as ``("lang", "fr")`` are keys too). Keys are mapped
to small ints so these checks stay cheap. Queries that need no key (``NOT a``,
``a OR NOT b``) are evaluated for every mention. Evaluation itself is the shared
interpreter in :mod:`socialhub.query.evaluate`, so the matcher cannot drift from the
SQL back ends' semantics.

Its queries and watchlists are fixed: when they change, build a new matcher (5,000
queries build in a fraction of a second). Only the routing plan changes over time,
adapting to the key frequencies of the stream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

import ahocorasick

from socialhub.models import Mention
from socialhub.query.ast import Field, Near, Node, Phrase, Prefix, Slot, Term, walk
from socialhub.query.decisions import decision, needs
from socialhub.query.evaluate import Facts, evaluate
from socialhub.query.parser import parse
from socialhub.query.routing import Cost, field_key, plan, prior
from socialhub.text import MAX_TOKENS, index_tokens, norm_handle

Watchlists = Mapping[tuple[int, str], Iterable[tuple[str, str]]]

_FIRST_PLAN = 1_000  # mentions seen before the first re-plan
_MAX_PLAN_INTERVAL = 250_000
_PRIOR_WEIGHT = 50.0
_HOT_SHARE = 0.01
_VALUE_AT = {
    "lang": 0,
    "platform": 1,
    "country": 2,
    "author": 3,
}  # a trigger present in more than 1% of mentions is worth re-planning


def _positional(node: Node) -> bool:
    """Whether evaluating ``node`` reads token positions (phrases and NEAR)."""
    return any(isinstance(child, Phrase | Near) for child in walk(node))


# an undecided item: (sure keys, the item, whether its evaluation reads positions, key
# sets one of which must be present for it to hold, or None)
_Item = tuple[frozenset[int], Node, bool, tuple[frozenset[int], ...] | None]
# (need, forbid, maybe), with key ids
_Decision = tuple[list[frozenset[int]], frozenset[int], list[_Item]]


class _Routes(NamedTuple):
    always: list[int]  # query indexes evaluated for every mention
    by_key: dict[int, list[int]]  # trigger key id -> query indexes
    rest: list[list[frozenset[int]]]  # per query index: its other clauses, as key ids
    # per query index: (query id, workspace id, clauses to hold: rest and need,
    # keys to lack, undecided items); None items when the tokens were cut (see _match)
    checks: list[tuple[int, int, list[frozenset[int]], frozenset[int], list[_Item]]]
    fields: set[str]  # field names whose keys some clause needs
    slow: set[str]  # of the field names to compute, those without a value lookup


class Matcher:
    """Match mentions against many queries at once.

    Parameters
    ----------
    queries
        ``(query_id, workspace_id, node)`` triples.
    watchlists
        ``{(workspace_id, name_norm): {(platform, handle_norm), ...}}``; platform ``''``
        means any platform.
    adaptive
        Re-plan the routing from the key frequencies seen in the stream (after 1,000
        mentions, then at growing intervals). Answers never change, only the speed.

    ``match`` is meant for one thread at a time (a pipeline worker owns its matcher).
    """

    def __init__(
        self,
        queries: Iterable[tuple[int, int, Node]],
        watchlists: Watchlists | None = None,
        *,
        adaptive: bool = True,
    ) -> None:
        self._queries: list[tuple[int, int, Node]] = list(queries)
        self._ids: dict[Hashable, int] = {}  # slot or field key -> small int
        self._field_ids: dict[int, str] = {}  # key id of a field key -> field name
        all_slots: set[Slot] = set()
        for _, workspace_id, node in self._queries:
            for child in walk(node):
                if isinstance(child, Term | Prefix):
                    all_slots.add(child)
                elif isinstance(child, Field):
                    self._id(field_key(child, workspace_id))
        self._automaton: ahocorasick.Automaton | None = None
        self._slot_of: dict[int, Slot] = {}  # key id of a slot -> the slot
        self._shift: dict[int, int] = {}  # key id of a slot -> its token start - hit end
        if all_slots:
            automaton = ahocorasick.Automaton()
            for slot in all_slots:
                pattern = f" {slot.token} " if isinstance(slot, Term) else f" {slot.stem}"
                key_id = self._id(slot)
                automaton.add_word(pattern, key_id)
                self._slot_of[key_id] = slot
                self._shift[key_id] = 2 - len(pattern)
            automaton.make_automaton()
            self._automaton = automaton
        self._members: dict[tuple[str, str], set[tuple[int, str]]] = {}
        for (workspace_id, name_norm), members in (watchlists or {}).items():
            for platform, handle in members:
                key = (platform, norm_handle(handle))
                self._members.setdefault(key, set()).add((workspace_id, name_norm))
        self._cheap_fields = set(self._field_ids.values()) - {"site"}
        # (fact, {value: key id}) for the fields whose key is one value of the mention
        self._value_ids: list[tuple[int, dict[str, int]]] = []
        for name in ("lang", "platform", "country", "author"):
            lookup = {  # an empty author has no key (no author: nothing to match)
                str(k[1]): i
                for k, i in self._ids.items()
                if isinstance(k, tuple) and k[0] == name and (k[1] or name != "author")
            }
            if lookup:  # by position in _match's (lang, platform, country, author)
                self._value_ids.append((_VALUE_AT[name], lookup))
        # per query index: its decision, with key ids
        self._decisions: list[_Decision] = []
        for _, workspace_id, node in self._queries:
            need, forbid, maybe = decision(node, workspace_id)
            self._decisions.append(
                (
                    [frozenset(self._ids[k] for k in keys) for keys in need],
                    frozenset(self._ids[k] for k in forbid),
                    [
                        (
                            frozenset(self._ids[k] for k in sure),
                            item,
                            _positional(item),
                            self._needed(item),
                        )
                        for sure, item in maybe
                    ],
                )
            )
        self._plans = [self._plan(index, prior) for index in range(len(self._queries))]
        self._routes = self._index()
        self._counts: Counter[int] = Counter()  # key id -> mentions containing it
        self.seen = 0  # mentions matched so far
        self.candidates = 0  # queries looked at (their trigger was present)
        self.evaluated = 0  # full evaluations run (candidates that passed the key checks)
        self._next_plan = _FIRST_PLAN if adaptive else -1

    @classmethod
    def from_text(
        cls,
        queries: Iterable[tuple[int, int, str]],
        watchlists: Watchlists | None = None,
        *,
        adaptive: bool = True,
    ) -> Matcher:
        """Build from query definitions (raises ``QuerySyntaxError`` on the first bad one)."""
        nodes = ((qid, ws, parse(text)) for qid, ws, text in queries)
        return cls(nodes, watchlists, adaptive=adaptive)

    def __len__(self) -> int:
        return len(self._queries)

    def match(self, mention: Mention) -> list[int]:
        """Ids of every query the mention matches, ascending."""
        return self._match(
            index_tokens(mention.text),
            mention.lang,
            mention.platform,
            norm_handle(mention.author_handle),
            mention.url,
            mention.country,
        )

    def match_text(
        self,
        text: str,
        *,
        lang: str = "und",
        platform: str = "",
        author: str = "",
        url: str = "",
        country: str = "",
    ) -> list[int]:
        """Like :meth:`match` for a bare text and field values (handy in tests)."""
        return self._match(index_tokens(text), lang, platform, norm_handle(author), url, country)

    def _needed(self, item: Node) -> tuple[frozenset[int], ...] | None:
        found = needs(item)
        if found is None:
            return None
        return tuple(frozenset(self._ids[slot] for slot in keys) for keys in found)

    def _facts(self, lang: str, platform: str, author: str, url: str, country: str) -> Facts:
        return Facts(lang, platform, author, url, country, self._lists(platform, author))

    def _lists(self, platform: str, author: str) -> frozenset[tuple[int, str]]:
        if not author or not self._members:
            return frozenset()
        found = self._members.get((platform, author), set()) | self._members.get(
            ("", author), set()
        )
        return frozenset(found)

    def _id(self, key: Hashable) -> int:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._ids)
            if isinstance(key, tuple):
                self._field_ids[found] = str(key[0])
        return found

    def _plan(self, index: int, cost: Cost) -> tuple[frozenset[int], list[frozenset[int]]]:
        """(trigger, other clauses) of one query, as key ids."""
        _, workspace_id, node = self._queries[index]
        trigger, rest = plan(node, workspace_id, cost)
        ids = self._ids
        return frozenset(ids[k] for k in trigger), [frozenset(ids[k] for k in c) for c in rest]

    def _index(self) -> _Routes:
        routes = _Routes([], {}, [], [], set(), set())
        field_ids = self._field_ids
        for index, (trigger, rest) in enumerate(self._plans):
            routes.rest.append(rest)
            query_id, workspace_id, _ = self._queries[index]
            need, forbid, parts = self._decisions[index]
            checks = list(dict.fromkeys([*rest, *need]))  # each clause once, rest first
            routes.checks.append((query_id, workspace_id, checks, forbid, parts))
            if not trigger:
                routes.always.append(index)
            for key_id in trigger:
                routes.by_key.setdefault(key_id, []).append(index)
            for clause in (trigger, *rest):
                routes.fields.update(field_ids[k] for k in clause if k in field_ids)
        routes.slow.update((self._cheap_fields | routes.fields) & {"site", "list"})
        return routes

    def _replan(self) -> None:
        """Re-plan the queries whose trigger turned out frequent, with observed costs.

        A key's cost becomes its observed share of mentions, the prior counting as
        _PRIOR_WEIGHT mentions. Queries routed by rare keys keep their plan, so a
        re-plan costs little even with thousands of queries.
        """
        seen, counts, ids = self.seen, self._counts, self._ids
        hot = {key_id for key_id, n in counts.items() if n > _HOT_SHARE * seen}

        unobserved = "site" not in self._routes.fields

        def cost(key: Hashable) -> float:
            if unobserved and isinstance(key, tuple) and key[0] == "site":
                return prior(key)
            return (counts[ids[key]] + _PRIOR_WEIGHT * prior(key)) / (seen + _PRIOR_WEIGHT)

        changed = False
        for index, (trigger, _) in enumerate(self._plans):
            if not trigger.isdisjoint(hot):
                self._plans[index] = self._plan(index, cost)
                changed = True
        if changed:
            self._routes = self._index()
        self._next_plan = seen + min(3 * seen, _MAX_PLAN_INTERVAL)

    def _match(
        self, tokens: list[str], lang: str, platform: str, author: str, url: str, country: str
    ) -> list[int]:
        automaton = self._automaton
        if tokens and automaton is not None:
            text = " " + " ".join(tokens) + " "
            found = list(automaton.iter(text))
            present = {key_id for _, key_id in found}
        else:
            text, found, present = "", [], set()
        if self._value_ids:
            values = (lang, platform, country, author)
            for at, lookup in self._value_ids:
                key_id = lookup.get(values[at])
                if key_id is not None:
                    present.add(key_id)
        facts: Facts | None = None  # built only when a check or an evaluation reads it
        # Sites cost a URL parse: only when some trigger or clause asks about one.
        slow = self._routes.slow
        if slow:
            facts = self._facts(lang, platform, author, url, country)
            ids = self._ids
            present.update(ids[key] for key in self._field_keys(facts, slow) if key in ids)
        self.seen += 1
        if self._next_plan >= 0:
            counts = self._counts
            get = counts.get
            for key_id in present:  # cheaper than Counter.update for a few keys
                counts[key_id] = get(key_id, 0) + 1
            if self.seen >= self._next_plan:
                self._replan()
        routes = self._routes  # _replan may have replaced it
        by_key = routes.by_key
        candidates: Collection[int] = routes.always
        merged = False  # candidates is still one of the routes' own lists
        for key_id in present:
            queued = by_key.get(key_id)
            if queued:
                if candidates:
                    if not merged:
                        candidates = set(candidates)
                        merged = True
                    candidates.update(queued)  # type: ignore[attr-defined]
                else:
                    candidates = queued
        if not candidates:
            return []
        self.candidates += len(candidates)
        if len(tokens) >= MAX_TOKENS:
            if facts is None:
                facts = self._facts(lang, platform, author, url, country)
            return self._evaluate_all(set(candidates), text, found, present, facts)
        matched = []
        hits: Mapping[Slot, Sequence[int]] | None = None  # token positions, once if needed
        slots: Mapping[Slot, Sequence[int]] | None = None  # the slots present, no positions
        checks = routes.checks
        for index in candidates:
            query_id, workspace_id, clauses, forbid, parts = checks[index]
            for clause in clauses:
                if clause.isdisjoint(present):
                    break  # a required key is missing
            else:
                if forbid and not forbid.isdisjoint(present):
                    continue
                for sure, item, positional, needed in parts:
                    if sure and not sure.isdisjoint(present):
                        continue
                    if needed is not None:
                        for keys in needed:
                            if keys <= present:
                                break
                        else:
                            break  # a slot it needs is missing: the item fails
                    self.evaluated += 1
                    if facts is None:
                        facts = self._facts(lang, platform, author, url, country)
                    if positional:
                        if hits is None:
                            hits = self._positions(text, found)
                        given = hits
                    else:
                        if slots is None:
                            slot_of = self._slot_of
                            slots = dict.fromkeys((slot_of[k] for k in present if k in slot_of), ())
                        given = slots
                    if not evaluate(item, given, facts, workspace_id):
                        break
                else:
                    matched.append(query_id)
        matched.sort()
        return matched

    def _evaluate_all(
        self,
        candidates: set[int],
        text: str,
        found: list[tuple[int, int]],
        present: set[int],
        facts: Facts,
    ) -> list[int]:
        """Tokens cut at MAX_TOKENS: a hashtag's key may stand without its word, so each
        candidate is evaluated whole (rare, and such texts are long anyway)."""
        hits = self._positions(text, found)
        matched = []
        for index in candidates:
            if any(clause.isdisjoint(present) for clause in self._routes.rest[index]):
                continue
            query_id, workspace_id, node = self._queries[index]
            self.evaluated += 1
            if evaluate(node, hits, facts, workspace_id):
                matched.append(query_id)
        matched.sort()
        return matched

    def hits(self, tokens: list[str]) -> dict[Slot, list[int]]:
        """Sorted token positions of every query slot present in ``tokens``."""
        return self._positions(*self._scan(tokens))

    def _scan(self, tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
        """The scanned text and its ``(end offset, key id)`` hits, in one automaton pass
        (token positions are computed only for the evaluations that read them)."""
        if not tokens or self._automaton is None:
            return "", []
        text = " " + " ".join(tokens) + " "
        return text, list(self._automaton.iter(text))

    def _positions(self, text: str, found: list[tuple[int, int]]) -> dict[Slot, list[int]]:
        """Token positions of each slot, from the automaton's hits in ``" tok1 tok2 ... "``."""
        count, slot_of, shift = text.count, self._slot_of, self._shift
        hits: dict[Slot, list[int]] = {}
        for end, key_id in found:
            # the token starts at end + shift, after position + 1 spaces
            hits.setdefault(slot_of[key_id], []).append(count(" ", 0, end + shift[key_id]) - 1)
        return hits

    def _field_keys(self, facts: Facts, names: set[str]) -> list[Hashable]:
        keys: list[Hashable] = []
        if "lang" in names:
            keys.append(("lang", facts.lang))
        if "platform" in names:
            keys.append(("platform", facts.platform))
        if "country" in names:
            keys.append(("country", facts.country))
        if "author" in names and facts.author:
            keys.append(("author", facts.author))
        if "site" in names and facts.site:
            labels = facts.site.split(".")
            keys.extend(("site", ".".join(labels[i:])) for i in range(len(labels)))
        if "list" in names:
            keys.extend(("list", ws, name) for ws, name in facts.lists)
        return keys
