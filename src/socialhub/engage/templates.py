"""Saved replies with variables: ``Bonjour {author}, ...`` filled for one item.

Only the known variables are replaced; any other brace text stays as written (a
template is text, not code: no attribute access, no format specs).
"""

from __future__ import annotations

import re

VARIABLES = ("author", "account", "workspace")
_VAR = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")


def fill(body: str, values: dict[str, str]) -> str:
    """The body with the known variables replaced.

    >>> fill("Bonjour {author}, {x} reste", {"author": "@jeanne"})
    'Bonjour @jeanne, {x} reste'
    """
    return _VAR.sub(lambda m: values.get(m.group(1), m.group(0)), body)
