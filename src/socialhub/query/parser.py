"""Recursive-descent parser: query text -> :mod:`socialhub.query.ast` tree.

Grammar (precedence NOT > NEAR > AND > OR, all left-associative)::

    or    := and (OR and)*
    and   := near ((AND)? near)*         juxtaposition is an implicit AND (lint warns)
    near  := notx (NEAR/n[f] notx)*
    notx  := unary (NOT unary)*          binary NOT: "a NOT b" means a AND NOT b
    unary := NOT unary | primary
    primary := "(" or ")" | word | "phrase" | field:value

Words and phrases become the token sequence ``index_tokens`` gives for them (one token:
``Term``; several, e.g. ``#tag`` or ``coca-cola``: ``Phrase``). ``wild*`` makes the last
word a prefix (both tokens of a trailing ``#tag*``). NEAR operands must be positional:
NOT and field conditions inside them are hoisted out (``a NEAR/3 (b NOT c)`` is
``(a NEAR/3 b) AND NOT c``) and an OR mixing positional and other alternatives is
distributed, so every back end only ever sees NEAR over words, phrases, wildcards, OR
groups of them and nested NEARs.

Limits: a query is text from the network, so size is bounded before any recursion can
blow the stack (``RecursionError`` was an HTTP 500) or the NEAR distribution can grow
exponentially: at most :data:`MAX_QUERY_LENGTH` characters, :data:`MAX_QUERY_DEPTH`
levels of nesting (parentheses, prefix NOTs, chained NEARs) and
:data:`MAX_QUERY_NODES` nodes once NEAR operands are distributed. Breaking one raises
:class:`QueryTooLarge` (a :class:`QuerySyntaxError` naming the limit: HTTP 400, CLI exit 2).
"""

from __future__ import annotations

from socialhub.i18n import M_
from socialhub.query.ast import (
    And,
    Atom,
    Field,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    is_positional,
    norm_list_name,
)
from socialhub.query.errors import QuerySyntaxError, QueryTooLarge
from socialhub.query.lexer import Token, tokenize
from socialhub.text import index_tokens, norm_handle, url_host

ParseWarning = tuple[str, int]  # (message, column) noticed while parsing, reported by lint

#: Longest query text accepted (the length of a saved query definition).
MAX_QUERY_LENGTH = 5_000
#: Deepest nesting accepted: parentheses, prefix NOTs and NEAR chains (people write < 10).
MAX_QUERY_DEPTH = 50
#: Most nodes a query may grow to once NEAR operands are distributed over ORs.
MAX_QUERY_NODES = 10_000


def parse(text: str) -> Node:
    """Parse a query; raises :class:`QuerySyntaxError` with a 1-based column."""
    return parse_with_warnings(text)[0]


def parse_with_warnings(text: str) -> tuple[Node, list[ParseWarning]]:
    """Parse and also return the syntax warnings only the parser can see."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLarge(
            M_(
                "query too long: %(n)s characters, the limit is %(max)s",
                n=format(len(text), ","),
                max=format(MAX_QUERY_LENGTH, ","),
            ),
            MAX_QUERY_LENGTH + 1,
        )
    parser = _Parser(tokenize(text))
    node = parser.parse()
    _check_depth(node)
    return node, parser.warnings


def _too_deep(col: int) -> QueryTooLarge:
    return QueryTooLarge(
        M_(
            "query nested too deeply: the limit is %(max)s levels of parentheses, NOT or NEAR",
            max=MAX_QUERY_DEPTH,
        ),
        col,
    )


def _check_depth(root: Node) -> None:
    """Refuse trees deeper than the limit (back ends recurse over them); no recursion here."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_QUERY_DEPTH:
            raise _too_deep(node.col or 1)
        if isinstance(node, And | Or):
            stack.extend((item, depth + 1) for item in node.items)
        elif isinstance(node, Not):
            stack.append((node.item, depth + 1))
        elif isinstance(node, Near):
            stack.extend(((node.left, depth + 1), (node.right, depth + 1)))


class _Budget:
    """Nodes a query may still build while distributing NEAR operands."""

    def __init__(self, nodes: int = MAX_QUERY_NODES) -> None:
        self.left = nodes

    def spend(self, col: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise QueryTooLarge(
                M_(
                    "query too large: more than %(max)s NEAR combinations once its OR groups"
                    " are expanded; split it into several queries",
                    max=format(MAX_QUERY_NODES, ","),
                ),
                col,
            )


def and_of(*items: Node, col: int = 0) -> Node:
    """AND of items, flattening nested ANDs; a single item is returned as is."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, And) else (item,))
    return flat[0] if len(flat) == 1 else And(tuple(flat), col or flat[0].col)


def or_of(*items: Node, col: int = 0) -> Node:
    """OR of items, flattening nested ORs; a single item is returned as is."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, Or) else (item,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat), col or flat[0].col)


def atom(tokens: list[str], col: int = 0, *, prefix: bool = False) -> Atom:
    """The node for a token sequence; ``prefix`` makes the last word a prefix."""
    parts: list[Term | Prefix] = [Term(tok, col) for tok in tokens]
    if prefix:
        last = tokens[-1]
        parts[-1] = Prefix(last, col)
        # "#tag*" tokenises as ['#tag', 'tag']: both halves of the hashtag are prefixes.
        if len(tokens) >= 2 and tokens[-2] in ("#" + last, "@" + last):
            parts[-2] = Prefix(tokens[-2], col)
    return parts[0] if len(parts) == 1 else Phrase(tuple(parts), col)


def build_near(
    left: Node, right: Node, distance: int, ordered: bool, col: int, budget: _Budget | None = None
) -> Node:
    """``left NEAR/distance right`` with NOT/field conditions hoisted out of the operands."""
    budget = budget or _Budget()
    budget.spend(col)
    if isinstance(left, Or) and not is_positional(left):
        return or_of(*(build_near(i, right, distance, ordered, col, budget) for i in left.items))
    if isinstance(right, Or) and not is_positional(right):
        return or_of(*(build_near(left, i, distance, ordered, col, budget) for i in right.items))
    if isinstance(left, And):
        core, rest = _split(left, col)
        return and_of(build_near(core, right, distance, ordered, col, budget), *rest)
    if isinstance(right, And):
        core, rest = _split(right, col)
        return and_of(build_near(left, core, distance, ordered, col, budget), *rest)
    if not (is_positional(left) and is_positional(right)):
        raise QuerySyntaxError(
            M_("NEAR needs a word, phrase or wildcard on each side (not only NOT or fields)"), col
        )
    return Near(left, right, distance, ordered, col)


def _split(node: And, col: int) -> tuple[Node, list[Node]]:
    core = [item for item in node.items if is_positional(item)]
    rest = [item for item in node.items if not is_positional(item)]
    if len(core) != 1:
        raise QuerySyntaxError(
            M_("NEAR needs a word, phrase or wildcard on each side (not only NOT or fields)")
            if not core
            else M_(
                "ambiguous NEAR operand: an AND of several words; use NEAR between them "
                "or move the AND outside the NEAR"
            ),
            col,
        )
    return core[0], rest


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # open parentheses and prefix NOTs: bounded before Python's stack is
        self.budget = _Budget()
        self.warnings: list[ParseWarning] = []

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_QUERY_DEPTH:
            raise _too_deep(tok.col)

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError(M_("empty query"), 1)
        node, _ = self.or_expr()
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop the top level early
            raise QuerySyntaxError(M_("unmatched closing parenthesis ')'"), tok.col)
        return node

    def operand_after(self, op: Token) -> None:
        """Fail clearly when an operator has nothing to its right."""
        tok = self.peek()
        if tok is None or tok.kind in ("RPAREN", "AND", "OR", "NEAR"):
            raise QuerySyntaxError(M_("%(op)s needs a term after it", op=op.text), op.col)

    def or_expr(self) -> tuple[Node, bool]:
        node, compound = self.and_expr()
        items, compounds, first_or = [node], [compound], 0
        while (tok := self.peek()) is not None and tok.kind == "OR":
            op = self.take()
            first_or = first_or or op.col
            self.operand_after(op)
            node, compound = self.and_expr()
            items.append(node)
            compounds.append(compound)
        if len(items) > 1 and any(compounds):
            self.warnings.append(
                (
                    M_(
                        "AND/NOT bind tighter than OR: 'a OR b AND c' means 'a OR (b AND c)';"
                        " add parentheses to make it explicit"
                    ),
                    first_or,
                )
            )
        return or_of(*items), False

    def and_expr(self) -> tuple[Node, bool]:
        node, compound = self.near_expr()
        items = [node]
        while (tok := self.peek()) is not None:
            if tok.kind == "AND":
                op = self.take()
                self.operand_after(op)
            elif tok.kind in ("WORD", "PHRASE", "FIELD", "LPAREN"):
                self.warnings.append(
                    (
                        M_(
                            "no operator before '%(word)s': AND assumed; write AND, or quote"
                            " a phrase",
                            word=tok.text,
                        ),
                        tok.col,
                    )
                )
            else:
                break
            node, _ = self.near_expr()
            items.append(node)
        return and_of(*items), compound or len(items) > 1

    def near_expr(self) -> tuple[Node, bool]:
        left, left_not = self.not_expr()
        while (tok := self.peek()) is not None and tok.kind == "NEAR":
            op = self.take()
            self.operand_after(op)
            right, right_not = self.not_expr()
            if left_not or right_not:
                self.warnings.append(
                    (
                        M_(
                            "NOT binds tighter than %(op)s: its condition applies to the whole"
                            " query; add parentheses to make it explicit",
                            op=op.text,
                        ),
                        op.col,
                    )
                )
            left = build_near(left, right, op.distance, op.ordered, op.col, self.budget)
            left_not = False
        return left, left_not

    def not_expr(self) -> tuple[Node, bool]:
        node = self.unary()
        binary = False
        while (tok := self.peek()) is not None and tok.kind == "NOT":
            op = self.take()
            self.operand_after(op)
            node = and_of(node, Not(self.unary(), op.col))
            binary = True
        return node, binary

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "NOT":
            op = self.take()
            self.operand_after(op)
            self.enter(op)
            node = Not(self.unary(), op.col)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "LPAREN":
            inner = self.peek()
            if inner is None:
                raise QuerySyntaxError(M_("unclosed parenthesis '('"), tok.col)
            if inner.kind == "RPAREN":
                raise QuerySyntaxError(M_("empty parentheses"), tok.col)
            self.enter(tok)
            node, _ = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise QuerySyntaxError(M_("unclosed parenthesis '('"), tok.col)
            self.take()
            self.depth -= 1
            return node
        if tok.kind == "RPAREN":
            raise QuerySyntaxError(M_("unmatched closing parenthesis ')'"), tok.col)
        if tok.kind in ("AND", "OR", "NEAR"):
            raise QuerySyntaxError(M_("%(op)s needs a term before it", op=tok.text), tok.col)
        if tok.kind == "WORD":
            return self.word(tok)
        if tok.kind == "PHRASE":
            return self.phrase(tok)
        return self.field(tok)

    def word(self, tok: Token) -> Node:
        word = tok.value
        for k, ch in enumerate(word):
            if ch == "?" and 0 < k < len(word) - 1 and word[k - 1].isalnum():
                raise QuerySyntaxError(
                    M_("the '?' wildcard is not supported; use * at the end of a word"),
                    tok.col + k,
                )
        star = word.find("*")
        if star < 0:
            tokens = index_tokens(word)
            if not tokens:
                raise QuerySyntaxError(
                    M_("'%(word)s' has no letters or digits to search", word=word), tok.col
                )
            return atom(tokens, tok.col)
        stem = word.rstrip("*")
        if star == 0:
            raise QuerySyntaxError(M_("leading wildcard '*' is not supported"), tok.col)
        if "*" in stem:
            raise QuerySyntaxError(M_("'*' is only allowed at the end of a word"), tok.col + star)
        if not stem[-1].isalnum():
            raise QuerySyntaxError(M_("'*' must follow a letter or digit"), tok.col + len(stem))
        return atom(index_tokens(stem), tok.col, prefix=True)

    def phrase(self, tok: Token) -> Node:
        if "*" in tok.value:
            self.warnings.append(
                (M_("'*' inside quotes is not a wildcard (it is ignored)"), tok.col)
            )
        tokens = index_tokens(tok.value)
        if not tokens:
            raise QuerySyntaxError(
                M_("empty phrase: nothing to search between the quotes"), tok.col
            )
        return atom(tokens, tok.col)

    def field(self, tok: Token) -> Node:
        name, raw = tok.name, tok.value
        if name == "author":
            value = norm_handle(raw)
        elif name == "site":
            value = url_host(raw.strip())
            rest = raw.strip().split("//", 1)[-1]
            if "/" in rest.rstrip("/"):
                self.warnings.append(
                    (M_("site: matches the host name only; the path is ignored"), tok.col)
                )
        elif name == "list":
            value = norm_list_name(raw)
        else:
            value = raw.strip().lower()
        if not value:
            raise QuerySyntaxError(M_("%(name)s: needs a value", name=name), tok.col)
        return Field(name, value, tok.col)
