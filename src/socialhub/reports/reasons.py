"""An importance explanation (a story's or an alert's) in the reader's language.

``analytics.stories.importance`` stores each component's reason as one English
sentence of a known shape ("1 listed voices, 12 authors"); like alert titles
(:mod:`socialhub.alerts.titles`), the parts are read back and the sentence is rebuilt in
the context's locale, counts through ``ngettext`` (so English reads "1 listed voice"
too). A reason of unknown shape is shown as stored.

Shared by the digest (its alert list), the alerts API (``display_explanation``) and the
story and incident pages (``web.story_text`` re-exports it).

>>> from socialhub.i18n import use_locale
>>> with use_locale("fr"):
...     localise_reason("60 original posts in its busiest hour vs 6.0 usual")
'60 publications originales dans son heure la plus chargée contre 6 d’habitude'
>>> with use_locale("en"):
...     localise_reason("1 listed voices, 1 authors")
'1 listed voice, 1 author'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from socialhub.i18n import N_, _, format_number, ngettext

__all__ = ["COMPONENTS", "localise_parts", "localise_reason", "top_reasons"]

COMPONENTS = (
    N_("who"),
    N_("reach"),
    N_("velocity"),
    N_("negativity"),
    N_("crisis"),
    N_("novelty"),
)
_NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?"


def _v(text: str) -> float:
    return float(text.replace(",", ""))


def _n(text: str) -> str:
    return format_number(_v(text))


def _count(text: str) -> int:
    return round(_v(text))


def _pct(text: str) -> str:
    return format_number(float(text)) + "\u00a0%"


def _who(m: re.Match[str]) -> str:
    voices, authors = _count(m["n"]), _count(m["a"])
    listed = ngettext("%(n)s listed voice", "%(n)s listed voices", voices) % {"n": _n(m["n"])}
    people = ngettext("%(n)s author", "%(n)s authors", authors) % {"n": _n(m["a"])}
    return f"{listed}, {people}"


def _busiest(m: re.Match[str]) -> str:
    n, values = _count(m["n"]), {"n": _n(m["n"]), "usual": _n(m["u"])}
    if m["o"]:  # original posts (not replies or reposts), as stories count them
        return (
            ngettext(
                "%(n)s original post in its busiest hour vs %(usual)s usual",
                "%(n)s original posts in its busiest hour vs %(usual)s usual",
                n,
            )
            % values
        )
    return (
        ngettext(
            "%(n)s post in its busiest hour vs %(usual)s usual",
            "%(n)s posts in its busiest hour vs %(usual)s usual",
            n,
        )
        % values
    )


_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(rf"(?P<n>{_NUM}) listed voices, (?P<a>{_NUM}) authors"), _who),
    (
        re.compile(rf"(?P<n>{_NUM}) followers reached"),
        lambda m: (
            ngettext("%(n)s follower reached", "%(n)s followers reached", _count(m["n"]))
            % {"n": _n(m["n"])}
        ),
    ),
    (
        re.compile(
            rf"(?P<n>{_NUM}) (?P<o>original )?posts in its busiest hour vs (?P<u>{_NUM}) usual"
        ),
        _busiest,
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
    """One component's stored reason, in the context's language (as stored if unknown)."""
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


def top_reasons(parts: list[dict[str, Any]], n: int = 3) -> list[str]:
    """The ``n`` components that weigh most (points > 0), as localised sentences."""
    heavy = sorted(parts, key=lambda p: -float(p.get("points", 0)))[:n]
    kept = [p for p in heavy if float(p.get("points", 0)) > 0]
    return [str(p["why"]) for p in localise_parts(kept)]
