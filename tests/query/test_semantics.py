"""Hand-picked cases, each checked on all three back ends (matcher, SQLite, PostgreSQL).

They pin down the documented semantics (NEAR counts the tokens *between* the operands,
one occurrence never counts for both sides, hashtags are two tokens...), where the
property test only checks that the back ends agree with each other.
"""

from __future__ import annotations

from typing import Any

import pytest

from socialhub.query import Matcher, parse

from .helpers import Databases, make_mention, matcher_watchlists

CASES: list[tuple[str, str, bool]] = [
    # case, accents, hashtags, mentions
    ("électricité", "ELECTRICITE en baisse", True),
    ("ELECTRICITE", "l'Électricité", True),
    ("edf", "Panne #EDF ce matin", True),
    ("#edf", "Panne EDF ce matin", False),
    ("#edf", "Panne #Edf ce matin", True),
    ("@edf", "merci EDF", False),
    # underscores (issue 18): a handle or hashtag is one token with its "_"; so is a word
    ("@edf", "merci @EDF_officiel", False),
    ("edf", "merci @EDF_officiel", False),
    ("officiel", "merci @EDF_officiel", False),
    ("@edf_officiel", "merci @EDF_officiel", True),
    ("edf_officiel", "merci @EDF_officiel", True),
    ("@edf*", "merci @EDF_officiel", True),
    ("@edf_officiel", "merci @EDF officiel", False),
    ("@laura_mich75", "réponse à @Laura_Mich75", True),
    ("@laura_mich75", "@laura mich75", False),
    ("mich75", "réponse à @Laura_Mich75", False),
    ("@laura", "réponse à @Laura_Mich75", False),
    ("#mirabelle_down", "#Mirabelle_Down encore", True),
    ("#mirabelle_down", "#mirabelle down encore", False),
    ("down", "#Mirabelle_Down encore", False),
    ("mirabelle", "#Mirabelle_Down encore", False),
    ("#mirabelle*", "#Mirabelle_Down encore", True),
    ("mirabelle*", "#Mirabelle_Down encore", True),
    ("#mirabelle_down NEAR/0 encore", "#Mirabelle_Down encore", True),
    ('"#mirabelle_down encore"', "#Mirabelle_Down encore", True),
    ("@_laura", "merci @_Laura", True),
    ("@laura", "merci @_Laura", False),
    ("mot_de_passe", "mon mot_de_passe", True),
    ("passe", "mon mot_de_passe", False),
    ('"mot de passe"', "mon mot_de_passe", False),
    ("italique", "en _italique_ ici", True),
    ("#mirabelle", "#mirabelle down", True),  # no "_": as before
    ("mirabelle", "#Mirabelle down", True),
    # phrases and prefixes
    ('"de france"', "Électricité de France", True),
    ('"de france"', "de la France", False),
    ("renouvel*", "énergies Renouvelables", True),
    ("renouvel*", "renouve", False),
    ("#renouvel*", "#RenouvelablesFR", True),
    ("#renouvel*", "renouvelables", False),
    ("coca-co*", "Coca-Colas partout", True),
    ("coca-co*", "coca light cola", False),
    # NEAR/n: at most n tokens between the two operands, either order
    ("edf NEAR/0 panne", "edf panne", True),
    ("edf NEAR/0 panne", "panne edf", True),
    ("edf NEAR/0 panne", "edf grosse panne", False),
    ("edf NEAR/1 panne", "edf grosse panne", True),
    ("edf NEAR/1 panne", "edf une grosse panne", False),
    ("edf NEAR/1f panne", "panne chez edf", False),
    ("edf NEAR/1f panne", "edf en panne", True),
    # one occurrence never serves both sides
    ("edf NEAR/2 edf", "edf", False),
    ("edf NEAR/2 edf", "edf et edf", True),
    ("edf NEAR/2 edf", "edf a b c edf", False),
    ("caf* NEAR/0 cafe", "cafe", False),
    ("caf* NEAR/0 cafe", "cafe café", True),
    ('"a b" NEAR/0 "b c"', "a b c", False),
    ('"a b" NEAR/0 "b c"', "a b b c", True),
    # a hashtag spans its two tokens (#tag, tag)
    ("#edf NEAR/0 panne", "#EDF panne", True),
    ("#edf NEAR/0 panne", "panne #EDF", True),
    ("#edf NEAR/0 panne", "#EDF en panne", False),
    # phrases inside NEAR count from their ends
    ('"de france" NEAR/1f panne', "électricité de France en panne", True),
    ('"de france" NEAR/1f panne', "panne électricité de France", False),
    # OR inside NEAR, nested NEAR
    ('(edf OR "engie sa") NEAR/0f panne', "engie sa panne", True),
    ('(edf OR "engie sa") NEAR/0f panne', "panne engie sa", False),
    ("(a NEAR/0 b) NEAR/1 c", "b a x c", True),
    ("(a NEAR/0 b) NEAR/1 c", "c x a b", True),
    ("(a NEAR/0 b) NEAR/1 c", "a b x y c", False),
    ("(a NEAR/0 b) NEAR/1 c", "a c b", False),
    ("(a NEAR/0f b) NEAR/0f c", "a b c", True),
    ("(a NEAR/0f b) NEAR/0f c", "c a b", False),
    ("(a NEAR/1 b) NEAR/0 (c NEAR/0f d)", "c d b x a", True),
    ("(a NEAR/1 b) NEAR/0 (c NEAR/0f d)", "d c b x a", False),
    # NOT, hoisted NOT, empty text
    ("NOT edf", "", True),
    ("NOT edf", "edf", False),
    ("edf NEAR/3 panne NOT gaz", "edf en panne", True),
    ("edf NEAR/3 panne NOT gaz", "gaz: edf en panne", False),
    ("edf OR NOT panne", "rien", True),
]


@pytest.mark.parametrize(("query", "text", "expected"), CASES)
def test_case_on_every_backend(query_dbs: Databases, query: str, text: str, expected: bool) -> None:
    node = parse(query)
    mention = make_mention(1, text)
    assert Matcher([(7, 1, node)]).match(mention) == ([7] if expected else [])
    query_dbs.load([mention])
    assert query_dbs.sqlite_ids(node) == ({1} if expected else set())
    assert query_dbs.pg_ids(node) == ({1} if expected else set())


FIELD_MENTIONS: list[dict[str, Any]] = [
    {"author": "Alice", "platform": "x", "url": "https://www.lemonde.fr/a", "lang": "fr"},
    {"author": "@bob", "platform": "bluesky", "url": "https://blog.lemonde.fr/", "lang": "en"},
    {"author": "carol", "platform": "bluesky", "url": "https://notlemonde.fr/", "country": "be"},
    {"author": "alice", "platform": "bluesky", "url": "http://lemonde.fr", "country": "fr"},
    {"author": "", "platform": "x", "url": ""},
]

FIELD_CASES: list[tuple[str, int, set[int]]] = [
    ("author:@ALICE", 1, {1, 4}),
    ("lang:fr", 1, {1, 3, 4, 5}),  # make_mention defaults to lang fr
    ("platform:bluesky", 1, {2, 3, 4}),
    ("site:lemonde.fr", 1, {1, 2, 4}),
    ("site:blog.lemonde.fr", 1, {2}),
    ("country:fr", 1, {4}),
    ("NOT country:fr", 1, {1, 2, 3, 5}),
    # workspace 1: alice on x only, bob anywhere; workspace 2: carol on bluesky, alice anywhere
    ('list:"journalistes FR"', 1, {1, 2}),
    ('list:"Journalistes FR"', 2, {1, 3, 4}),
    ("list:rivaux", 1, set()),
    ("list:rivaux", 2, set()),
    ('list:"Journalistes FR" AND NOT platform:x', 2, {3, 4}),
]


@pytest.mark.parametrize(("query", "workspace_id", "expected"), FIELD_CASES)
def test_fields_on_every_backend(
    query_dbs: Databases, query: str, workspace_id: int, expected: set[int]
) -> None:
    node = parse(query)
    mentions = [make_mention(i, "texte", **f) for i, f in enumerate(FIELD_MENTIONS, start=1)]
    matcher = Matcher([(7, workspace_id, node)], matcher_watchlists())
    assert {int(m.native_id) for m in mentions if matcher.match(m)} == expected
    query_dbs.load(mentions)
    assert query_dbs.sqlite_ids(node, workspace_id) == expected
    assert query_dbs.pg_ids(node, workspace_id) == expected


def test_list_without_workspace_means_any_workspace(query_dbs: Databases) -> None:
    node = parse('list:"Journalistes FR"')
    mentions = [make_mention(i, "texte", **f) for i, f in enumerate(FIELD_MENTIONS, start=1)]
    query_dbs.load(mentions)
    assert query_dbs.sqlite_ids(node) == {1, 2, 3, 4}
    assert query_dbs.pg_ids(node) == {1, 2, 3, 4}
