"""HTML -> raw comment items with CSS selectors, never executing anything.

The page is parsed by selectolax (the Lexbor HTML5 parser: no JavaScript engine, no
network, no resource loading). Inside each item, ``script``, ``style``, ``template``,
``noscript``, ``iframe`` and ``object`` elements are removed before the text is read,
and only text is kept, so markup and ``on*`` handlers never reach a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from socialhub.connectors.base import MalformedPayload
from socialhub.records.quarantine import Reason

INERT = "script, style, template, noscript, iframe, object, embed"
BLOCKS = "p, br, div, li, blockquote, pre, h1, h2, h3, h4, h5, h6, tr, dd, dt, hr"
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")


@dataclass(slots=True)
class Selectors:
    """Where things are on the page. ``item`` is required, the others are read inside it.

    ``date_attr``: attribute holding the machine date (default ``datetime``, then
    ``title``, then the text). ``id_attr``: attribute giving the item a stable id
    (e.g. ``id`` or ``data-comment-id``). ``next``: the next-page link (its ``href``).
    """

    item: str
    text: str = ""
    author: str = ""
    date: str = ""
    next: str = ""
    id_attr: str = ""
    date_attr: str = "datetime"
    link: str = ""

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Selectors:
        if not options.get("item"):
            raise ValueError("webwatch: the 'item' selector is required")
        names = cls.__dataclass_fields__
        return cls(**{k: str(v) for k, v in options.items() if k in names and v is not None})


@dataclass(slots=True)
class RawItem:
    """What one matched item gave: plain text fields and its HTML (kept as evidence)."""

    text: str
    author: str = ""
    date: str = ""
    item_id: str = ""
    link: str = ""
    html: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Extracted:
    items: list[RawItem]
    next_url: str | None
    title: str = ""


def plain_text(node: LexborNode) -> str:
    """The node's visible text: inert elements removed, whitespace tidied."""
    for inert in node.css(INERT):
        inert.decompose()
    # Line breaks after block elements only: inline markup (<b>, <a>) stays in the line.
    for block in node.css(BLOCKS):
        block.insert_after("\n")
    text = node.text(separator="")
    text = _SPACES.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def _first(node: LexborNode, selector: str) -> LexborNode | None:
    return node.css_first(selector) if selector else None


def extract(html: str, url: str, sel: Selectors) -> Extracted:
    """Items and the next page's absolute URL. Raises :class:`MalformedPayload` when
    the document has no element at all (binary, empty or not HTML)."""
    if not html.strip() or "\x00" in html:
        raise MalformedPayload(f"webwatch: {url}: empty or binary document", html[:2000])
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None or (not body.child and tree.root is None):
        raise MalformedPayload(f"webwatch: {url}: no HTML document", html[:2000])
    items: list[RawItem] = []
    for node in tree.css(sel.item):
        evidence = node.html or ""
        item_id = str(node.attributes.get(sel.id_attr) or "") if sel.id_attr else ""
        author_node = _first(node, sel.author)
        date_node = _first(node, sel.date)
        link_node = _first(node, sel.link)
        raw = RawItem(text="", item_id=item_id, html=evidence)
        if author_node is not None:
            raw.author = plain_text(author_node)
        if date_node is not None:
            attrs = date_node.attributes
            raw.date = str(
                attrs.get(sel.date_attr) or attrs.get("title") or plain_text(date_node)
            ).strip()
        if link_node is not None and link_node.attributes.get("href"):
            raw.link = urljoin(url, str(link_node.attributes["href"]))
        if sel.text:
            text_node = _first(node, sel.text)
            if text_node is None:
                raw.errors.append(Reason("webwatch_no_text_match", selector=repr(sel.text)))
            else:
                raw.text = plain_text(text_node)
        else:
            raw.text = plain_text(node)
        items.append(raw)
    next_url = None
    next_node = _first(tree.root, sel.next) if sel.next and tree.root is not None else None
    if next_node is not None and next_node.attributes.get("href"):
        next_url = urljoin(url, str(next_node.attributes["href"]))
    title_node = tree.css_first("title")
    return Extracted(items, next_url, plain_text(title_node) if title_node else "")
