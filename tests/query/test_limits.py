"""Size limits of the parser: deep or huge queries are refused with the limit named,
never a RecursionError (an HTTP 500) or an exponential NEAR expansion."""

from __future__ import annotations

import pytest

from socialhub.query import (
    MAX_QUERY_DEPTH,
    MAX_QUERY_LENGTH,
    QuerySyntaxError,
    QueryTooLarge,
    lint,
    parse,
)

DEEP = {
    "parens 200": "(" * 200 + "a" + ")" * 200,
    "parens 10,000": "(" * 10_000 + "a" + ")" * 10_000,
    "NOT x 10,000": "a AND " + "NOT " * 10_000 + "b",
    "NEAR chain": " NEAR/1 ".join(f"w{i}" for i in range(MAX_QUERY_DEPTH + 5)),
    "nested AND/OR": "(a OR (b AND " * 60 + "c" + "))" * 60,
}


@pytest.mark.parametrize("text", list(DEEP.values()), ids=list(DEEP))
def test_deep_or_long_queries_name_the_limit(text: str) -> None:
    with pytest.raises(QueryTooLarge) as err:
        parse(text)
    assert isinstance(err.value, QuerySyntaxError)  # every caller's 400 / exit 2 path
    assert "limit" in err.value.message
    assert str(MAX_QUERY_DEPTH) in err.value.message or f"{MAX_QUERY_LENGTH:,}" in err.value.message


def test_the_linter_does_not_swallow_a_limit() -> None:
    with pytest.raises(QueryTooLarge):
        lint("(" * 10_000 + "a" + ")" * 10_000)


def test_length_limit_counts_characters() -> None:
    fits = " OR ".join(f"w{i}" for i in range(MAX_QUERY_LENGTH // 8))
    assert len(fits) <= MAX_QUERY_LENGTH
    parse(fits)  # a long flat OR list of names is fine
    with pytest.raises(QueryTooLarge, match="too long"):
        parse(fits + " OR x" * (MAX_QUERY_LENGTH // 4))


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_QUERY_DEPTH - 2
    node = parse("(" * depth + "a AND b" + ")" * depth)
    assert node is not None
    assert lint("NOT " * 20 + "a AND b") is not None


def test_near_expansion_is_bounded() -> None:
    # Each "(x OR (y NOT z))" operand doubles the NEAR distribution: 2**20 nodes unbounded.
    text = " NEAR/1 ".join(f"(a{i} OR (b{i} NOT x{i}))" for i in range(20))
    with pytest.raises(QueryTooLarge, match="NEAR combinations"):
        parse(text)
