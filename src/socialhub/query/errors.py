"""The query language's error type, importable without the rest of the package."""

from __future__ import annotations


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based, ``message`` has no column."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


class QueryTooLarge(QuerySyntaxError):
    """A query over a size limit (length, nesting depth, expanded size); names the limit.

    The linter does not report it as one of its messages: it propagates, so every route
    answers 400 and every command exits 2 before any work is done on the query.
    """
