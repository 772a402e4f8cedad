"""The matcher's slot pre-check (``needs``) never rejects an item that would hold."""

from __future__ import annotations

import random

from socialhub.query import Matcher, parse
from socialhub.query.ast import Phrase, Prefix, Term, slots
from socialhub.query.decisions import needs
from socialhub.query.evaluate import Facts, evaluate, scan_hits
from socialhub.text import index_tokens

WORDS = ["edf", "engie", "panne", "prix", "tarif", "client", "clients", "#edf", "group", "job"]
ITEMS = [
    '"edf group" OR engie',
    '("edf group" OR "engie group") NEAR/3 panne',
    "(edf NEAR/1f panne) OR tarif*",
    '"edf panne" AND client*',
    "edf OR lang:fr",
    "(edf OR engie) AND NOT job",
    "(edf OR engie) NEAR/2 (panne OR prix OR tarif* OR client OR clients OR job)",
    '"#edf edf" OR "edf engie"',
]


def test_needs_shapes() -> None:
    edf, group, engie = Term("edf"), Term("group"), Term("engie")
    assert needs(parse('"edf group" OR engie')) == [
        frozenset([edf, group]),
        frozenset([engie]),
    ]
    assert needs(parse("tarif*")) == [frozenset([Prefix("tarif")])]
    assert needs(parse("edf OR lang:fr")) is None  # a field may hold alone
    assert needs(parse("NOT edf")) is None
    assert needs(parse("(edf OR engie) AND NOT job")) == [frozenset([edf]), frozenset([engie])]
    wide = "(" + " OR ".join(f"w{i}" for i in range(20)) + ")"
    assert needs(parse(wide)) is None  # too many alternatives: no pre-check
    assert needs(parse(f"{wide} NEAR/2 panne")) == [frozenset([Term("panne")])]  # still needed
    assert isinstance(parse('"edf group"'), Phrase)


def test_needs_is_necessary_on_random_texts() -> None:
    rng = random.Random(11)
    nodes = [parse(q) for q in ITEMS]
    checked = 0
    for _ in range(3000):
        tokens = index_tokens(" ".join(rng.choices(WORDS, k=rng.randint(0, 8))))
        present = set(tokens)
        for node in nodes:
            alternatives = needs(node)
            if alternatives is None:
                continue
            held = evaluate(node, scan_hits(tokens, slots(node)), Facts(lang="fr"), 1)
            possible = any(
                all(
                    s.token in present
                    if isinstance(s, Term)
                    else any(t.startswith(s.stem) for t in present)
                    for s in keys
                )
                for keys in alternatives
            )
            if held:
                checked += 1
                assert possible, (node, tokens)
    assert checked > 500


def test_matcher_with_precheck_agrees_with_reference() -> None:
    rng = random.Random(5)
    queries = [(i, 1, f"({q}) AND NOT zzz") for i, q in enumerate(ITEMS)]
    matcher = Matcher.from_text(queries)
    for _ in range(2000):
        text = " ".join(rng.choices(WORDS, k=rng.randint(0, 8)))
        want = []
        for i, _, q in queries:
            node = parse(q)
            if evaluate(node, scan_hits(index_tokens(text), slots(node)), Facts(lang="fr"), 1):
                want.append(i)
        assert matcher.match_text(text, lang="fr") == want, text
