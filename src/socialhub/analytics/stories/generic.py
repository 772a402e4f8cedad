"""A workspace's generic hashtags: tags that name what the whole workspace is about.

Every post a workspace reads matches one of its queries, so a hashtag that only spells a
query's word — the brand's own name (``#mirabelle``, ``#MirabelleTelecom``, ``#MirabelleTel``)
or its subject (``#fibre``, ``#panne``) — says nothing about *which* story a post belongs
to: within the workspace it is a stopword. The story engine never lets such a tag lead
to a story (issue 15: over 44 simulated hours ``#mirabelle`` joined the store-closure
scoop and eleven unrelated stories into whichever story held most of its use).

Generic words come from the configuration, not from counts: each workspace's query
words, quoted phrases (spaces dropped), ``@handles`` and ``author:`` values, its
wildcard stems (``panne*``), and the names and aliases of its ``brand`` entities. A
hashtag written *as a hashtag* in a query (``#MirabelleDown``) is an event tag the
analysts chose to follow: it stays specific, and so does any tag that merely contains
a name (``#MirabelleDown`` is not ``#mirabelle``).

>>> words = generic_words(['("Mirabelle Télécom" OR mirabelle OR #MirabelleDown '
...                        'OR @MirabelleTel OR panne*) NOT prune*'])
>>> sorted(words)
['mirabelle', 'mirabelletel', 'mirabelletelecom', 'panne*']
>>> [t for t in ("#Mirabelle", "#mirabelles", "#MirabelleTélécom", "#pannes",
...              "#MirabelleDown", "#PanneMirabelle", "#prune") if is_generic(t, words)]
['#Mirabelle', '#mirabelles', '#MirabelleTélécom', '#pannes']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from socialhub.query import parse
from socialhub.query.ast import Field, Phrase, Prefix, Term, leaves
from socialhub.text import fold

INFLECTION = 3  # letters a wildcard's stem may be followed by and still be the same word


def _compact(text: str) -> str:
    """A name as a hashtag body: folded, letters and digits only."""
    return "".join(c for c in fold(text) if c.isalnum())


def query_words(definition: str) -> set[str]:
    """A query's generic words: names as tag bodies, wildcard stems ending in ``*``."""
    try:
        tree = parse(definition)
    except ValueError:  # a query the store refused never routes a post
        return set()
    out: set[str] = set()
    for node in (leaf for leaf, negated in leaves(tree) if not negated):
        if isinstance(node, Term) and node.token[:1] not in ("#", "@"):
            out.add(_compact(node.token))
        elif isinstance(node, Prefix):
            out.add(_compact(node.stem) + "*")
        elif isinstance(node, Phrase) and all(isinstance(p, Term) for p in node.parts):
            first = node.parts[0]
            assert isinstance(first, Term)
            if first.token.startswith("#"):
                continue  # an event tag the analysts follow: specific
            parts = node.parts[1:] if first.token.startswith("@") else node.parts
            out.add(_compact("".join(p.token for p in parts if isinstance(p, Term))))
        elif isinstance(node, Field) and node.name == "author":
            out.add(_compact(node.value))
    return {w for w in out if w.rstrip("*")}


def generic_words(
    definitions: Iterable[str], settings: Mapping[str, Any] | None = None
) -> frozenset[str]:
    """One workspace's generic words from its query definitions and its settings
    (the names and aliases of its ``[[workspace.settings.entities]]`` of type brand)."""
    words: set[str] = set()
    for definition in definitions:
        words |= query_words(definition)
    for entity in (settings or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("type") == "brand":
            for name in [entity.get("name"), *(entity.get("aliases") or [])]:
                if isinstance(name, str) and _compact(name):
                    words.add(_compact(name))
    return frozenset(words)


@lru_cache(maxsize=1 << 16)  # once per tag: the engine asks for every tagged post
def is_generic(tag: str, words: frozenset[str]) -> bool:
    """Whether ``tag`` (``#word``) spells one of ``words``: equal once folded, a plural
    (``s``/``x``) of one, or a wildcard's stem with a short inflection."""
    if not words:
        return False
    body = _compact(tag.lstrip("#"))
    if not body:
        return False
    if body in words or (body[-1] in "sx" and body[:-1] in words):
        return True
    return any(
        w.endswith("*") and body.startswith(w[:-1]) and len(body) - len(w) + 1 <= INFLECTION
        for w in words
    )
