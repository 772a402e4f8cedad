"""A minimal TOML writer for what ``export_config`` emits (strings, bools, ints and
arrays of inline tables). Written here rather than adding a dependency: the subset is
small and the output must read well (query definitions full of double quotes come out
as 'literal strings').

Examples
--------
>>> string('("Mirabelle Télécom" OR mirabelle)')
'\\'("Mirabelle Télécom" OR mirabelle)\\''
>>> string('say "hi"\\n')
'"say \\\\"hi\\\\"\\\\n"'
>>> inline_table({"handle": "hm", "platform": "x"})
'{ handle = "hm", platform = "x" }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Value = str | bool | int


def string(text: str) -> str:
    """A TOML string: literal '...' when it avoids escapes, else basic "..."."""
    literal_safe = "'" not in text and not _CONTROL.search(text)
    if literal_safe and ('"' in text or "\\" in text):
        return f"'{text}'"
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def key(name: str) -> str:
    return name if _BARE_KEY.match(name) else string(name)


def value(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return string(v)


def pair(name: str, v: Value) -> str:
    return f"{key(name)} = {value(v)}"


def inline_table(table: Mapping[str, Value]) -> str:
    return "{ " + ", ".join(pair(k, v) for k, v in table.items()) + " }"
