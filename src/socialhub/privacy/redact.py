"""How a person's traces are cut out of a stored value (text or JSON).

* In text, every occurrence of a needle (handle, ``@handle``, name, author id, the
  erased posts' ids, links and texts) becomes :data:`REDACTED`, case-insensitively; a
  needle that starts or ends with a word character only matches as a whole word, so
  erasing ``@bob`` leaves ``bobsleigh`` alone.
* In JSON, the same inside every string, and list items that ARE an erased id are
  removed (an alert's evidence list then no longer points at the post).

>>> r = Redaction(["@bob", "Bob Martin"], ids=["x:1"])
>>> r.value('{"evidence": ["x:1", "x:2"], "title": "@bob et Bob Martin"}')
'{"evidence":["x:2"],"title":"[effacé] et [effacé]"}'
>>> r.value("bobsleigh") == "bobsleigh"
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

REDACTED = "[effacé]"


def _pattern(needle: str) -> str:
    body = re.escape(needle)
    if needle[:1].isalnum() or needle[:1] == "_":
        body = r"(?<![\w@])" + body
    if needle[-1:].isalnum() or needle[-1:] == "_":
        body += r"(?!\w)"
    return body


class Redaction:
    """Replace needles in text and JSON values; drop erased ids from lists."""

    def __init__(self, needles: Iterable[str], ids: Iterable[str] = ()) -> None:
        # Longest first, so a text is replaced whole before the handle inside it.
        self.needles = sorted({n for n in needles if n}, key=len, reverse=True)
        self.ids = {i for i in ids if i}
        self.regex = (
            re.compile("|".join(_pattern(n) for n in self.needles), re.IGNORECASE)
            if self.needles
            else None
        )

    def text(self, value: str) -> str:
        return value if self.regex is None else self.regex.sub(REDACTED, value)

    def obj(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.obj(v) for v in value if not (isinstance(v, str) and v in self.ids)]
        if isinstance(value, dict):
            return {self.text(str(k)): self.obj(v) for k, v in value.items()}
        return value

    def value(self, value: Any) -> Any:
        """The redacted value, of the same kind (JSON text stays JSON text)."""
        if isinstance(value, dict | list):
            return self.obj(value)
        if isinstance(value, bytes | memoryview):
            return value  # binary (a PDF): the caller rebuilds it from its source
        if not isinstance(value, str):
            return value
        stripped = value.lstrip()
        if stripped[:1] in ("{", "["):
            try:
                parsed = orjson.loads(value)
            except orjson.JSONDecodeError:
                return self.text(value)
            return orjson.dumps(self.obj(parsed)).decode()
        return self.text(value)
