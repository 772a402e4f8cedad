"""A story's importance explanation in the reader's language, rebuilt when shown.

``analytics.stories.importance`` stores each component's reason as one English
sentence of a known shape; like alert titles (:mod:`socialhub.alerts.titles`), the
parts are read back and the sentence is rebuilt in the context's locale. A reason of
unknown shape is shown as stored.

>>> from socialhub.i18n import use_locale
>>> with use_locale("fr"):
...     localise_reason("60 original posts in its busiest hour vs 6.0 usual")
'60 publications originales dans son heure la plus chargée contre 6 d’habitude'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from socialhub.i18n import N_, _, current_locale, format_number

COMPONENTS = (
    N_("who"),
    N_("reach"),
    N_("velocity"),
    N_("negativity"),
    N_("crisis"),
    N_("novelty"),
)
_NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?"


def _n(text: str) -> str:
    return format_number(float(text.replace(",", "")))


def _pct(text: str) -> str:
    return format_number(float(text)) + "\u00a0%"


_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(rf"(?P<n>{_NUM}) listed voices, (?P<a>{_NUM}) authors"),
        lambda m: (
            _("%(n)s listed voices, %(authors)s authors") % {"n": _n(m["n"]), "authors": _n(m["a"])}
        ),
    ),
    (
        re.compile(rf"(?P<n>{_NUM}) followers reached"),
        lambda m: _("%(n)s followers reached") % {"n": _n(m["n"])},
    ),
    (
        re.compile(
            rf"(?P<n>{_NUM}) (?:original )?posts in its busiest hour vs (?P<u>{_NUM}) usual"
        ),
        lambda m: (
            _("%(n)s original posts in its busiest hour vs %(usual)s usual")
            % {"n": _n(m["n"]), "usual": _n(m["u"])}
        ),
    ),
    (
        re.compile(r"(?P<p>[0-9]+)% negative"),
        lambda m: _("%(share)s negative") % {"share": _pct(m["p"])},
    ),
    (
        re.compile(r"(?P<p>[0-9]+)% in a crisis category"),
        lambda m: _("%(share)s in a crisis category") % {"share": _pct(m["p"])},
    ),
    (
        re.compile(rf"peaked (?P<h>{_NUM}) h after its first post"),
        lambda m: _("peaked %(hours)s h after its first post") % {"hours": _n(m["h"])},
    ),
]


def localise_reason(why: str) -> str:
    """One component's stored reason, in the context's language (English as stored)."""
    if current_locale() == "en":
        return why
    for pattern, build in _SHAPES:
        found = pattern.fullmatch(why)
        if found:
            return build(found)
    return why


def localise_parts(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The explanation's components with ``component`` and ``why`` translated."""
    return [
        {
            **p,
            "component": _(str(p.get("component", ""))),
            "why": localise_reason(str(p.get("why", ""))),
        }
        for p in parts
    ]
