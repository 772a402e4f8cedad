"""The query language: one parser, a linter, a streaming matcher and SQL compilers.

Brandwatch-style boolean queries (``AND OR NOT``, parentheses, ``"phrases"``,
``wild*``, ``NEAR/n`` and ordered ``NEAR/nf``, ``#hashtag``, ``@mention``, fields
``author: lang: platform: site: country: list:``), case- and accent-insensitive
through :func:`socialhub.text.index_tokens`. The exact semantics, shared by every back
end, are documented in :mod:`socialhub.query.ast`.

>>> node = parse('(EDF OR "électricité de france") NOT lang:en')
>>> Matcher([(1, 1, node)]).match_text("Panne chez EDF ce matin", lang="fr")
[1]
"""

from socialhub.query.ast import (
    FIELDS,
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    norm_list_name,
)
from socialhub.query.errors import QuerySyntaxError, QueryTooLarge
from socialhub.query.evaluate import Facts
from socialhub.query.lexer import MAX_NEAR
from socialhub.query.lint import LintMessage, lint
from socialhub.query.matcher import Matcher
from socialhub.query.parser import MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, MAX_QUERY_NODES, parse
from socialhub.query.sql import compile_postgres, compile_sqlite, register_sqlite_functions

__all__ = [
    "FIELDS",
    "MAX_NEAR",
    "MAX_QUERY_DEPTH",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_NODES",
    "And",
    "Facts",
    "Field",
    "LintMessage",
    "Matcher",
    "Near",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "QuerySyntaxError",
    "QueryTooLarge",
    "Term",
    "compile_postgres",
    "compile_sqlite",
    "lint",
    "norm_list_name",
    "parse",
    "register_sqlite_functions",
]
