"""Query linter: syntax errors plus warnings about queries that will not do what is meant.

Levels: ``error`` (the query cannot be saved as is: a syntax error, or a query that
matches without any positive term) and ``warning`` (implicit AND, lowercase operators,
over-broad terms, precedence traps, ...). Long OR lists are fine and not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from socialhub.i18n import M_
from socialhub.query.ast import (
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    is_anchored,
    walk,
)
from socialhub.query.errors import QuerySyntaxError, QueryTooLarge
from socialhub.query.lexer import tokenize
from socialhub.query.parser import parse_with_warnings
from socialhub.query.words import STOPWORDS

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class LintMessage:
    level: Level
    message: str
    column: int


def lint(text: str) -> list[LintMessage]:
    """Every problem found in ``text``, ordered by column.

    Raises :class:`QueryTooLarge` for a query over a size limit (nothing else is looked at).
    """
    try:
        node, warnings = parse_with_warnings(text)
    except QueryTooLarge:
        raise
    except QuerySyntaxError as exc:
        return [LintMessage("error", exc.message, exc.column)]
    out = [LintMessage("warning", message, col) for message, col in warnings]
    out.extend(_lexical(text))
    if not is_anchored(node):
        col = next((n.col for n in walk(node) if isinstance(n, Not)), 1)
        out.append(
            LintMessage(
                "error",
                M_(
                    "the query can match without any of its words (NOT alone): "
                    "add a positive term, e.g. 'brand NOT job'"
                ),
                col,
            )
        )
    out.extend(_broad(node, sufficient=True))
    out.extend(_fields(node))
    return sorted(out, key=lambda m: (m.column, m.level, m.message))


def _lexical(text: str) -> Iterator[LintMessage]:
    for tok in tokenize(text):
        if tok.kind != "WORD":
            continue
        word = tok.value
        if word.lower() in ("and", "or", "not") or word.lower().startswith("near/"):
            yield LintMessage(
                "warning",
                M_(
                    "'%(word)s' is searched as a word; operators are uppercase: %(upper)s",
                    word=word,
                    upper=word.upper(),
                ),
                tok.col,
            )
        elif len(word) > 1 and word[0] == "-" and word[1].isalnum():
            yield LintMessage(
                "warning",
                M_(
                    "'%(word)s' does not exclude anything: write NOT %(rest)s",
                    word=word,
                    rest=word[1:],
                ),
                tok.col,
            )


def _is_broad(token: str) -> bool:
    word = token.lstrip("#@")
    return word == token and (len(word) <= 2 or word in STOPWORDS)


def _broad(node: Node, *, sufficient: bool) -> Iterator[LintMessage]:
    """Very common words that can make the query match on their own; short wildcards."""
    if isinstance(node, Term):
        if sufficient and _is_broad(node.token):
            yield LintMessage(
                "warning",
                M_(
                    "'%(word)s' is a very common word: on its own it will match a lot of noise",
                    word=node.token,
                ),
                node.col,
            )
    elif isinstance(node, Prefix):
        yield from _short_stem(node)
    elif isinstance(node, Phrase):
        parts = node.parts
        if len(parts) == 2 and all(isinstance(p, Prefix) for p in parts):
            yield from _short_stem(parts[1])  # a "#tag*" wildcard
        elif sufficient and all(isinstance(p, Term) and _is_broad(p.token) for p in parts):
            yield LintMessage(
                "warning", M_("this phrase is made of very common words only"), node.col
            )
    elif isinstance(node, Or):
        for item in node.items:
            yield from _broad(item, sufficient=sufficient)
    elif isinstance(node, And):
        for item in node.items:
            others_negative = all(isinstance(o, Not) for o in node.items if o is not item)
            yield from _broad(item, sufficient=sufficient and others_negative)
    elif isinstance(node, Near):  # its operands constrain each other
        yield from _broad(node.left, sufficient=False)
        yield from _broad(node.right, sufficient=False)


def _short_stem(node: Term | Prefix) -> Iterator[LintMessage]:
    stem = node.token if isinstance(node, Term) else node.stem
    if len(stem.lstrip("#@")) < 3:
        yield LintMessage(
            "warning",
            M_(
                "wildcard '%(stem)s*' matches too many words: use at least 3 letters before *",
                stem=stem,
            ),
            node.col,
        )


def _fields(node: Node) -> Iterator[LintMessage]:
    for child in walk(node):
        if not isinstance(child, Field):
            continue
        if child.name == "lang" and not re.fullmatch(r"[a-z]{2,3}", child.value):
            yield LintMessage(
                "warning",
                M_(
                    "lang: expects a language code such as fr or en, not '%(value)s'",
                    value=child.value,
                ),
                child.col,
            )
        if child.name == "country" and not re.fullmatch(r"[a-z]{2}", child.value):
            yield LintMessage(
                "warning",
                M_(
                    "country: expects a two-letter code such as fr, not '%(value)s'",
                    value=child.value,
                ),
                child.col,
            )
