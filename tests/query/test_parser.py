"""Parser: tree shapes, precedence, normalisation, NEAR hoisting and error messages."""

from __future__ import annotations

import pytest

from socialhub.query import (
    And,
    Field,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    QuerySyntaxError,
    Term,
    parse,
)
from socialhub.query.ast import from_dict, to_dict


def t(token: str) -> Term:
    return Term(token)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EDF", t("edf")),
        ("Électricité", t("electricite")),
        ('"Électricité de France"', Phrase((t("electricite"), t("de"), t("france")))),
        ('"edf"', t("edf")),
        ("#Café", Phrase((t("#cafe"), t("cafe")))),
        ("@SNCF", Phrase((t("@sncf"), t("sncf")))),
        ("coca-cola", Phrase((t("coca"), t("cola")))),
        ("l'été", Phrase((t("l"), t("ete")))),
        ("renouvel*", Prefix("renouvel")),
        ("#caf*", Phrase((Prefix("#caf"), Prefix("caf")))),
        ("coca-co*", Phrase((t("coca"), Prefix("co")))),
        ("a AND b", And((t("a"), t("b")))),
        ("a b", And((t("a"), t("b")))),
        ("a OR b OR c", Or((t("a"), t("b"), t("c")))),
        ("a NOT b", And((t("a"), Not(t("b"))))),
        ("a NOT b NOT c", And((t("a"), Not(t("b")), Not(t("c"))))),
        ("NOT a", Not(t("a"))),
        ("a AND NOT b", And((t("a"), Not(t("b"))))),
        ("a NEAR/3 b", Near(t("a"), t("b"), 3)),
        ("a NEAR/0f b", Near(t("a"), t("b"), 0, ordered=True)),
        ("a NEAR/2F b", Near(t("a"), t("b"), 2, ordered=True)),
        ("a OR b AND c", Or((t("a"), And((t("b"), t("c")))))),
        ("(a OR b) AND c", And((Or((t("a"), t("b"))), t("c")))),
        ("a OR b NOT c", Or((t("a"), And((t("b"), Not(t("c"))))))),
        ("a AND b NEAR/2 c", And((t("a"), Near(t("b"), t("c"), 2)))),
        ("a OR b NEAR/2 c", Or((t("a"), Near(t("b"), t("c"), 2)))),
        ("(a OR b) NEAR/2 c", Near(Or((t("a"), t("b"))), t("c"), 2)),
        ("a NEAR/1 b NEAR/2 c", Near(Near(t("a"), t("b"), 1), t("c"), 2)),
        ("a <<<a comment (with parens>>> OR b", Or((t("a"), t("b")))),
        ("and", t("and")),
        ("NEARBY", t("nearby")),
        ("10:30", Phrase((t("10"), t("30")))),
    ],
)
def test_shapes(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:@Le_Monde", Field("author", "le_monde")),
        ("lang:FR", Field("lang", "fr")),
        ("Platform:Bluesky", Field("platform", "bluesky")),
        ("country:BE", Field("country", "be")),
        ("site:https://www.LeMonde.fr/politique/", Field("site", "lemonde.fr")),
        ('list:"Journalistes FR"', Field("list", "journalistes fr")),
        ("list:Rivaux", Field("list", "rivaux")),
        ('author:"@Alice"', Field("author", "alice")),
    ],
)
def test_fields_are_normalised(text: str, expected: Field) -> None:
    assert parse(text) == expected


def test_not_and_fields_are_hoisted_out_of_near() -> None:
    # NOT binds tighter than NEAR: "a NEAR/3 b NOT c" is "a NEAR/3 (b NOT c)",
    # which can only mean "(a NEAR/3 b) AND NOT c".
    assert parse("a NEAR/3 b NOT c") == And((Near(t("a"), t("b"), 3), Not(t("c"))))
    assert parse("(a AND lang:fr) NEAR/1f b") == And(
        (Near(t("a"), t("b"), 1, ordered=True), Field("lang", "fr"))
    )
    # an OR mixing positional and conditional alternatives is distributed
    assert parse("((a NOT x) OR b) NEAR/2 c") == Or(
        (And((Near(t("a"), t("c"), 2), Not(t("x")))), Near(t("b"), t("c"), 2))
    )


def test_columns_are_recorded() -> None:
    node = parse("edf  OR  #sncf")
    assert isinstance(node, Or)
    assert [item.col for item in node.items] == [1, 10]


def test_dict_round_trip() -> None:
    node = parse('(#caf* OR "de france") NEAR/2f edf NOT lang:en OR list:"X Y"')
    assert from_dict(to_dict(node)) == node


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "empty query", 1),
        ("   <<<only a comment>>>  ", "empty query", 1),
        ("(edf OR sncf", "unclosed parenthesis '('", 1),
        ("edf AND (sncf OR (ratp)", "unclosed parenthesis '('", 9),
        ("edf)", "unmatched closing parenthesis ')'", 4),
        ("()", "empty parentheses", 1),
        ("edf NOT", "NOT needs a term after it", 5),
        ("NOT", "NOT needs a term after it", 1),
        ("edf AND", "AND needs a term after it", 5),
        ("edf AND OR sncf", "AND needs a term after it", 5),
        ("OR edf", "OR needs a term before it", 1),
        ("NEAR/3 edf", "NEAR/3 needs a term before it", 1),
        ("edf NEAR sncf", "NEAR needs a distance, e.g. NEAR/3 or NEAR/3f (ordered)", 5),
        ("edf NEAR/x sncf", "bad NEAR operator 'NEAR/x'", 5),
        ("edf NEAR/-1 sncf", "bad NEAR operator 'NEAR/-1'", 5),
        ("edf NEAR/51 sncf", "NEAR distance 51 is too large (at most 50)", 5),
        ("edf NEAR/3 NOT sncf", "NEAR needs a word, phrase or wildcard on each side", 5),
        ("lang:fr NEAR/3 edf", "NEAR needs a word, phrase or wildcard on each side", 9),
        ("(a AND b) NEAR/2 c", "ambiguous NEAR operand", 11),
        ("*cola", "leading wildcard '*' is not supported", 1),
        ("co*la", "'*' is only allowed at the end of a word", 3),
        ("coca-*", "'*' must follow a letter or digit", 6),
        ("colo?r", "the '?' wildcard is not supported", 5),
        ("edf foo:bar", "unknown field 'foo:'", 5),
        ("lang:", "lang: needs a value, e.g. lang:fr", 1),
        ("edf author:(a OR b)", "field values cannot be grouped: write (author:a OR author:b)", 5),
        ("author:@", "author: needs a value", 1),
        ('"edf', "unclosed quotation mark", 1),
        ('list:"Journalistes', "unclosed quotation mark", 6),
        ('edf ""', "empty phrase", 5),
        ("!!!", "'!!!' has no letters or digits to search", 1),
        ("edf <<<unclosed", "unclosed comment", 5),
    ],
)
def test_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text)
    assert info.value.message.startswith(message), info.value.message
    assert info.value.column == column
    assert f"(column {column})" in str(info.value)
