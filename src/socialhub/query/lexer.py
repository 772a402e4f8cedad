"""Split query text into tokens with their 1-based columns.

Operators are uppercase words (``AND OR NOT NEAR/n NEAR/nf``); lowercase ``and`` is a
plain word (the linter warns). Brandwatch comments ``<<<...>>>`` are skipped. A word
``name:value`` is a field operator when ``name`` is a letters-only word; the value may
be quoted (``list:"Journalistes FR"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from socialhub.i18n import M_
from socialhub.query.ast import FIELDS
from socialhub.query.errors import QuerySyntaxError

MAX_NEAR = 50  # PostgreSQL needs one phrase clause per distance: keep the SQL bounded


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token.

    ``kind`` is one of LPAREN RPAREN AND OR NOT NEAR WORD PHRASE FIELD. ``value`` is the
    word, the phrase's inner text or the field's raw value; ``name`` the field name.
    """

    kind: str
    text: str
    col: int
    value: str = ""
    name: str = ""
    distance: int = 0
    ordered: bool = False


_NEAR = re.compile(r"NEAR/(\d+)([fF]?)")
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_WORD_END = re.compile(r'[\s()"]|<<<')


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; raises :class:`QuerySyntaxError` on lexical errors."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif text.startswith("<<<", i):
            end = text.find(">>>", i + 3)
            if end < 0:
                raise QuerySyntaxError(M_("unclosed comment: '<<<' without '>>>'"), col)
            i = end + 3
        elif ch in "()":
            tokens.append(Token("LPAREN" if ch == "(" else "RPAREN", ch, col))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(M_("unclosed quotation mark"), col)
            tokens.append(Token("PHRASE", text[i : end + 1], col, value=text[i + 1 : end]))
            i = end + 1
        else:
            match = _WORD_END.search(text, i)
            end = match.start() if match else n
            word = text[i:end]
            token, end = _classify(text, word, col, end)
            tokens.append(token)
            i = end
    return tokens


def _classify(text: str, word: str, col: int, end: int) -> tuple[Token, int]:
    """Turn a bare word into an operator, a field or a plain word."""
    if word in ("AND", "OR", "NOT"):
        return Token(word, word, col), end
    if word == "NEAR" or word.startswith("NEAR/"):
        return _near(word, col), end
    field = _FIELD.fullmatch(word)
    if field is None:
        return Token("WORD", word, col, value=word), end
    name, value = field.group(1).lower(), field.group(2)
    if name not in FIELDS:
        raise QuerySyntaxError(
            M_(
                "unknown field '%(name)s:' (fields: %(fields)s); put the text in quotes to"
                " search it as words",
                name=field.group(1),
                fields=", ".join(f + ":" for f in FIELDS),
            ),
            col,
        )
    if not value and end < len(text) and text[end] == '"':
        close = text.find('"', end + 1)
        if close < 0:
            raise QuerySyntaxError(M_("unclosed quotation mark"), end + 1)
        value = text[end + 1 : close]
        raw = text[col - 1 : close + 1]
        end = close + 1
    else:
        raw = word
    if not value and end < len(text) and text[end] == "(":
        raise QuerySyntaxError(
            M_("field values cannot be grouped: write (%(name)s:a OR %(name)s:b)", name=name), col
        )
    if not value.strip():
        raise QuerySyntaxError(
            M_(
                "%(name)s: needs a value, e.g. %(name)s:%(example)s",
                name=name,
                example=_EXAMPLE[name],
            ),
            col,
        )
    return Token("FIELD", raw, col, value=value, name=name), end


_EXAMPLE = {
    "author": "@handle",
    "lang": "fr",
    "platform": "bluesky",
    "site": "example.org",
    "country": "fr",
    "list": '"Journalistes FR"',
}


def _near(word: str, col: int) -> Token:
    if word == "NEAR":
        raise QuerySyntaxError(M_("NEAR needs a distance, e.g. NEAR/3 or NEAR/3f (ordered)"), col)
    match = _NEAR.fullmatch(word)
    if match is None:
        raise QuerySyntaxError(
            M_(
                "bad NEAR operator '%(word)s': write NEAR/n or NEAR/nf with n from 0 to %(max)s",
                word=word,
                max=MAX_NEAR,
            ),
            col,
        )
    distance = int(match.group(1))
    if distance > MAX_NEAR:
        raise QuerySyntaxError(
            M_("NEAR distance %(n)s is too large (at most %(max)s)", n=distance, max=MAX_NEAR), col
        )
    return Token("NEAR", word, col, distance=distance, ordered=bool(match.group(2)))
