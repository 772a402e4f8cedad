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
``a OR NOT b``) are looked at for every mention. Per trigger key, the checks of its
queries are one generated function (:mod:`socialhub.query.routecode`), built the first
time the key is present, without the clauses and items the key itself makes sure; the
few items keys cannot decide (phrases, NEAR, ``site:``...) are compiled once into
closures (:mod:`socialhub.query.predicates`) over the shared interpreter's pieces in
:mod:`socialhub.query.evaluate`, so the matcher cannot drift from the SQL back ends'
semantics (``tests/query/test_matcher_equivalence.py`` compares it with a plain
evaluation of every query on random queries and mentions).

Its queries and watchlists are fixed: when they change, build a new matcher (5,000
queries build in a fraction of a second). Only the routing plan changes over time,
adapting to the key frequencies of the stream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, NamedTuple

import ahocorasick

from socialhub.models import Mention
from socialhub.query.ast import Field, Node, Prefix, Slot, Term, walk
from socialhub.query.decisions import decision, needs
from socialhub.query.evaluate import Facts, evaluate
from socialhub.query.parser import parse
from socialhub.query.predicates import Predicate, compile_node
from socialhub.query.routecode import COMPILE_AFTER, Checks, Item, compile_checks, interpret
from socialhub.query.routing import Cost, field_key, plan, prior
from socialhub.text import MAX_TOKENS, index_tokens, norm_handle

Watchlists = Mapping[tuple[int, str], Iterable[tuple[str, str]]]

_FIRST_PLAN = 1_000  # mentions seen before the first re-plan
_OBSERVED = 4_096  # mentions' key sets kept before they are counted (in C, at once)
_MAX_PLAN_INTERVAL = 250_000
_PRIOR_WEIGHT = 50.0
_HOT_SHARE = 0.01  # a trigger present in more than 1% of mentions is worth re-planning
# (need, forbid), with key ids
_Decision = tuple[list[frozenset[int]], frozenset[int]]
# What one trigger key (or "always") sends to the checks, per kind of query:
# (query ids decided by the trigger alone,
#  (query id, clauses to hold, keys to lack) for queries keys decide,
#  (query id, clauses to hold, keys to lack, items) for queries with items to evaluate,
#  the number of queries, their indexes).
# Clauses and items sure to hold with the trigger key itself are left out: it is present.
_Table = tuple[
    tuple[int, ...],
    tuple[tuple[int, tuple[frozenset[int], ...], frozenset[int]], ...],
    tuple[tuple[int, tuple[frozenset[int], ...], frozenset[int], tuple[Item, ...]], ...],
    int,
    tuple[int, ...],
]


class _Routes(NamedTuple):
    always: _Table | None  # queries looked at for every mention
    tables: dict[int, _Table]  # trigger key id -> its queries
    triggers: frozenset[int]  # the keys of tables
    code: dict[int, Checks]  # id() of a table -> its checks compiled (routecode)
    uses: dict[int, int]  # id() of a table not compiled yet -> times it was used
    rest: list[list[frozenset[int]]]  # per query index: its other clauses, as key ids
    fields: set[str]  # field names whose keys some clause needs
    slow: set[str]  # of the field names to compute, those without a value lookup

    def table(self, key_id: int | None) -> _Table | None:
        return self.always if key_id is None else self.tables.get(key_id)


class _Mention:
    """What an evaluation may read beyond the present keys, computed on first use."""

    __slots__ = ("_facts", "_hits", "_matcher", "_present", "_text", "_values", "evaluated")

    def __init__(
        self,
        matcher: Matcher,
        text: str,
        present: set[int],
        values: tuple[str, ...],
        facts: Facts | None,
    ):
        self._matcher, self._text, self._present, self._values = matcher, text, present, values
        self._facts = facts
        self._hits: dict[Slot, list[int]] | None = None
        self.evaluated = 0

    def holds(self, predicate: Predicate) -> bool:
        """Whether an item holds (the routing code's only way to evaluate one)."""
        self.evaluated += 1
        return predicate(self._present, self)

    def positions(self) -> Mapping[Slot, Sequence[int]]:
        if self._hits is None:
            self._hits = self._matcher._positions(*self._matcher._scan_text(self._text))
        return self._hits

    def url(self) -> str:
        return self._values[3]

    def facts(self) -> Facts:
        if self._facts is None:
            self._facts = self._matcher._facts(*self._values)
        return self._facts


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
        # {value: key id} of lang, platform, country and author, for the fields whose
        # key is one value of the mention (None: no query asks about that field)
        lookups: list[dict[str, int] | None] = []
        for name in ("lang", "platform", "country", "author"):
            lookup = {  # an empty author has no key (no author: nothing to match)
                str(k[1]): i
                for k, i in self._ids.items()
                if isinstance(k, tuple) and k[0] == name and (k[1] or name != "author")
            }
            lookups.append(lookup or None)
        self._lookups = tuple(lookups)
        # per query index: its decision, with key ids, and its items left to evaluate,
        # compiled once (re-planning changes the routes, never these)
        self._decisions: list[_Decision] = []
        self._items: list[tuple[int, tuple[Item, ...]]] = []
        for query_id, workspace_id, node in self._queries:
            need, forbid, maybe = decision(node, workspace_id)
            self._decisions.append(
                (
                    [frozenset(self._ids[k] for k in keys) for keys in need],
                    frozenset(self._ids[k] for k in forbid),
                )
            )
            items = tuple(
                (
                    frozenset(self._ids[k] for k in sure),
                    compile_node(item, self._ids, workspace_id),
                    self._needed(item),
                )
                for sure, item in maybe
            )
            self._items.append((query_id, items))
        self._plans = [self._plan(index, prior) for index in range(len(self._queries))]
        self._entries: dict[int | None, list[tuple[int, list[frozenset[int]], frozenset[int]]]] = {}
        self._routes = self._index()
        self._counts: Counter[int] = Counter()  # key id -> mentions containing it
        self._observed: list[set[int]] = []  # key sets of the mentions not counted yet
        self.seen = 0  # mentions matched so far
        self.candidates = 0  # queries looked at, once per trigger key present
        self.evaluated = 0  # items evaluated (the key checks could not decide them)
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
        field_ids = self._field_ids
        by_key: dict[int | None, list[tuple[int, list[frozenset[int]], frozenset[int]]]] = {}
        rest_of: list[list[frozenset[int]]] = []
        fields: set[str] = set()
        for index, (trigger, rest) in enumerate(self._plans):
            rest_of.append(rest)
            need, forbid = self._decisions[index]
            checks = list(dict.fromkeys([*rest, *need]))  # each clause once, rest first
            for key_id in trigger or (None,):  # None: looked at for every mention
                kept = [c for c in checks if key_id not in c]
                by_key.setdefault(key_id, []).append((index, kept, forbid))
            for clause in (trigger, *rest):
                fields.update(field_ids[k] for k in clause if k in field_ids)
        # A re-plan moves few queries: a key whose entries did not change keeps its
        # table, and with it its compiled checks and use count.
        before, old = self._entries, getattr(self, "_routes", None)
        code: dict[int, Checks] = {}
        uses: dict[int, int] = {}
        tables: dict[int | None, _Table] = {}
        for key_id, entries in by_key.items():
            same = old.table(key_id) if old and before.get(key_id) == entries else None
            if same is None:
                tables[key_id] = self._table(key_id, entries)
                continue
            tables[key_id] = same
            if id(same) in old.code:  # type: ignore[union-attr]
                code[id(same)] = old.code[id(same)]  # type: ignore[union-attr]
            uses[id(same)] = old.uses.get(id(same), 0)  # type: ignore[union-attr]
        self._entries = by_key
        always = tables.pop(None, None)
        slow = (self._cheap_fields | fields) & {"site", "list"}
        triggers = frozenset(k for k in tables if k is not None)
        return _Routes(always, tables, triggers, code, uses, rest_of, fields, slow)  # type: ignore[arg-type]

    def _table(
        self, key_id: int | None, entries: list[tuple[int, list[frozenset[int]], frozenset[int]]]
    ) -> _Table:
        plain, checked, later = [], [], []
        for index, clauses, forbid in entries:
            query_id, items = self._items[index]
            # an item sure to hold when this key is present needs no evaluation here
            items = tuple(
                (sure, holds, self._without(needed, key_id))
                for sure, holds, needed in items
                if key_id not in sure
            )
            if items:
                later.append((query_id, tuple(clauses), forbid, items))
            elif clauses or forbid:
                checked.append((query_id, tuple(clauses), forbid))
            else:
                plain.append(query_id)
        indexes = tuple(index for index, _, _ in entries)
        return tuple(plain), tuple(checked), tuple(later), len(entries), indexes

    @staticmethod
    def _without(needed: tuple[frozenset[int], ...] | None, key: int | None) -> Any:
        """An item's needed slot sets, less the table's key (present when it is used)."""
        return needed if needed is None else tuple(keys - {key} for keys in needed)

    def _replan(self) -> None:
        """Re-plan the queries whose trigger turned out frequent, with observed costs.

        A key's cost becomes its observed share of mentions, the prior counting as
        _PRIOR_WEIGHT mentions. Queries routed by rare keys keep their plan, so a
        re-plan costs little even with thousands of queries.
        """
        self._count_observed()
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
            present = {key_id for _, key_id in automaton.iter(text)}
        else:
            text, present = "", set()
        by_lang, by_platform, by_country, by_author = self._lookups
        if by_lang is not None and (key_id := by_lang.get(lang)) is not None:
            present.add(key_id)
        if by_platform is not None and (key_id := by_platform.get(platform)) is not None:
            present.add(key_id)
        if by_country is not None and (key_id := by_country.get(country)) is not None:
            present.add(key_id)
        if by_author is not None and (key_id := by_author.get(author)) is not None:
            present.add(key_id)
        facts: Facts | None = None
        # Sites cost a URL parse: only when some trigger or clause asks about one.
        slow = self._routes.slow
        if slow:
            facts = self._facts(lang, platform, author, url, country)
            ids = self._ids
            present.update(ids[key] for key in self._field_keys(facts, slow) if key in ids)
        self.seen += 1
        if self._next_plan >= 0:
            self._observed.append(present)  # never changed below
            if self.seen >= self._next_plan:
                self._replan()
            elif len(self._observed) >= _OBSERVED:
                self._count_observed()
        routes = self._routes  # _replan may have replaced it
        always = routes.always
        if always is None and routes.triggers.isdisjoint(present):
            return []  # most mentions: no trigger at all
        found = [always] if always is not None else []
        tables = routes.tables
        for key_id in present:
            table = tables.get(key_id)
            if table is not None:
                found.append(table)
        if len(tokens) >= MAX_TOKENS:
            if facts is None:
                facts = self._facts(lang, platform, author, url, country)
            indexes = {index for table in found for index in table[4]}
            self.candidates += len(indexes)
            return self._evaluate_all(indexes, text, present, facts)
        mention = _Mention(self, text, present, (lang, platform, author, url, country), facts)
        matched: list[int] = []
        code, uses = routes.code, routes.uses
        for table in found:
            checks = code.get(id(table))
            if checks is not None:
                self.candidates += checks(present, mention, matched)
                continue
            self.candidates += interpret(*table[:3], present, mention, matched)
            used = uses[id(table)] = uses.get(id(table), 0) + 1
            if used >= COMPILE_AFTER:  # a key seen often enough to pay its compilation
                code[id(table)] = compile_checks(*table[:3])
        self.evaluated += mention.evaluated
        if len(found) > 1:  # a query may be in several tables
            return sorted(set(matched))
        matched.sort()
        return matched

    def _count_observed(self) -> None:
        """Count the key sets seen since the last time (Counter.update counts in C)."""
        if self._observed:
            self._counts.update(chain.from_iterable(self._observed))
            self._observed.clear()

    def _evaluate_all(
        self, candidates: set[int], text: str, present: set[int], facts: Facts
    ) -> list[int]:
        """Tokens cut at MAX_TOKENS: a hashtag's key may stand without its word, so each
        candidate is evaluated whole (rare, and such texts are long anyway)."""
        hits = self._positions(*self._scan_text(text))
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
        """The scanned text and its ``(end offset, key id)`` hits, in one automaton pass."""
        return self._scan_text(" " + " ".join(tokens) + " " if tokens else "")

    def _scan_text(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """``(end offset, key id)`` hits in ``" tok1 tok2 ... "`` (matching keeps only the
        keys; evaluations that read positions scan again, which few mentions need)."""
        if not text or self._automaton is None:
            return text, []
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
