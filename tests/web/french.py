"""Finding English in French output: the checks of tests/web/test_french.py.

Two nets, because either alone misses things:

- **msgids**: every English message id that has a different French translation must
  not appear in French output as a whole text node (or, for a sentence of three words
  or more, anywhere in one): a wrapped string whose translation was not applied.
- **words**: a text node with two or more distinct English function words ("the",
  "your", "with"…) is English, wrapped or not: a string nobody wrapped.
- **fragments**: a text node cut at its separators (``;``, ``·``, ``—``, ``: ``, ``, ``,
  brackets, quotes) whose piece is an English msgid: a value shown as stored ("open",
  "journalist", "post") inside a translated line, which neither net above sees. Asked
  for (``fragments=True``) by the page, email and report checks; the command line's
  output names configuration keys and columns ("workspace[0]", "text") on purpose.

Visible text is what a person reads: text nodes outside ``<script>``/``<style>``, and
the ``title``, ``placeholder``, ``alt`` and ``aria-label`` attributes.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from socialhub import i18n

# Function words that are English and not French (no "a", "on", "me", "son"…).
ENGLISH_WORDS = frozenset(
    """the and of your you with this that these those yet is are was were be been being
    has have had not only which what when where who will would should could there their
    them they it its into from for by than then but or if no nothing none any every
    here after before about because while ago above below between per each our we us
    shown show hidden open opened closed new last first next more less most least
    please log sign out""".replace("\n", " ").split(" ")
) - {""}
_WORD = re.compile(r"[A-Za-zÀ-ÿ’']+")
_SEPARATORS = re.compile(r"\s*(?:[;·—|()\[\]«»]|: |, | → )\s*")
VISIBLE_ATTRS = ("title", "placeholder", "alt", "aria-label")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRS and value and value.strip():
                self.nodes.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


@cache
def english_msgids() -> frozenset[str]:
    """Message ids whose French differs and which contain a letter (not ``%(n)s/10``)."""
    fr = i18n.catalogue("fr")
    out = set()
    for msgid, value in fr.items():
        french = value if isinstance(value, str) else value[0]
        if not isinstance(msgid, str) or french == msgid or "%(" in msgid:
            continue
        if len(msgid) < 3 or not re.search(r"[A-Za-z]{3}", msgid):
            continue
        out.add(msgid)
    return frozenset(out)


def english_in(
    nodes: list[str], allowed: frozenset[str] = frozenset(), *, fragments: bool = False
) -> list[str]:
    """The text nodes of French output that read English, with why."""
    problems = []
    ids = english_msgids()
    sentences = [m for m in ids if len(m.split()) >= 3]
    for node in nodes:
        if node in allowed:
            continue
        if node in ids:
            problems.append(f"untranslated msgid: {node!r}")
            continue
        hit = next((m for m in sentences if m in node), None)
        if hit:
            problems.append(f"untranslated msgid {hit!r} in {node!r}")
            continue
        words = {w.lower() for w in _WORD.findall(node)} & ENGLISH_WORDS
        if len(words) >= 2:
            problems.append(f"English words {sorted(words)} in {node!r}")
            continue
        if not fragments:
            continue
        pieces = (p.strip(" .") for p in _SEPARATORS.split(node))
        piece = next((p for p in pieces if p != node and p in ids and p not in allowed), None)
        if piece:
            problems.append(f"untranslated msgid {piece!r} in {node!r}")
    return problems
