"""Linter: every message comes with its level and 1-based column."""

from __future__ import annotations

import pytest

from socialhub.query import LintMessage, lint


def messages(text: str) -> list[tuple[str, int, str]]:
    return [(m.level, m.column, m.message) for m in lint(text)]


def test_clean_query_has_no_messages() -> None:
    text = '("Électricité de France" OR edf OR #edf) AND (panne* OR coupure) NOT lang:en'
    assert lint(text) == []


def test_huge_or_lists_are_fine() -> None:
    assert lint(" OR ".join(f"marque{i}" for i in range(300))) == []


def test_syntax_error_is_one_error_with_its_column() -> None:
    assert lint("edf AND (sncf") == [LintMessage("error", "unclosed parenthesis '('", 9)]


@pytest.mark.parametrize("text", ["NOT edf", "NOT edf AND NOT sncf", "edf OR NOT sncf"])
def test_pure_negative_is_an_error(text: str) -> None:
    found = [m for m in lint(text) if m.level == "error"]
    assert len(found) == 1
    assert "NOT alone" in found[0].message
    assert found[0].column == text.index("NOT") + 1


def test_lowercase_operators() -> None:
    found = messages("edf or sncf and NOT ratp")
    lowercase = [(col, msg) for level, col, msg in found if "operators are uppercase" in msg]
    assert [col for col, _ in lowercase] == [5, 13]
    assert "'or' is searched as a word" in lowercase[0][1]


def test_lowercase_near() -> None:
    assert any("NEAR/3" in msg for _, _, msg in messages("edf near/3 panne"))


def test_implicit_and() -> None:
    found = [m for m in lint('edf "en panne"') if "AND assumed" in m.message]
    assert found == [
        LintMessage(
            "warning",
            "no operator before '\"en panne\"': AND assumed; write AND, or quote a phrase",
            5,
        )
    ]


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("le OR edf", 1, "'le' is a very common word"),
        ("edf OR the", 8, "'the' is a very common word"),
        ("edf OR ab", 8, "'ab' is a very common word"),
        ('"de la" OR edf', 1, "very common words only"),
        ("ab* AND edf", 1, "wildcard 'ab*' matches too many words"),
        ("#ab* OR edf", 1, "wildcard 'ab*' matches too many words"),
        ("edf NEAR/3 pa*", 12, "wildcard 'pa*'"),
    ],
)
def test_over_broad_terms(text: str, column: int, fragment: str) -> None:
    found = [m for m in lint(text) if fragment in m.message]
    assert len(found) == 1, lint(text)
    assert (found[0].level, found[0].column) == ("warning", column)


@pytest.mark.parametrize(
    "text", ["le AND edf", "edf NEAR/2 le", '"banque de france"', "#la", "panne NOT de"]
)
def test_common_words_that_are_constrained_are_fine(text: str) -> None:
    assert not [m for m in lint(text) if "common" in m.message]


def test_dash_is_not_negation() -> None:
    assert ("warning", 5, "'-job' does not exclude anything: write NOT job") in messages("edf -job")


def test_precedence_traps() -> None:
    assert any(
        col == 5 and "bind tighter than OR" in msg
        for _, col, msg in messages("edf OR sncf AND ratp")
    )
    assert not any("tighter" in msg for _, _, msg in messages("edf OR (sncf AND ratp)"))
    assert any(
        col == 9 and "NOT binds tighter than NEAR/3" in msg
        for _, col, msg in messages("a NOT b NEAR/3 c")
    )


def test_field_values() -> None:
    assert any("lang: expects a language code" in msg for _, _, msg in messages("edf lang:french"))
    assert any("country: expects" in msg for _, _, msg in messages("edf AND country:france"))
    assert any(
        "path is ignored" in msg for _, _, msg in messages("edf AND site:lemonde.fr/economie")
    )


def test_wildcard_inside_quotes() -> None:
    assert any("not a wildcard" in msg for _, _, msg in messages('"panne*" AND edf'))


def test_messages_sorted_by_column() -> None:
    found = lint("le or edf NOT x -y")
    assert [m.column for m in found] == sorted(m.column for m in found)
