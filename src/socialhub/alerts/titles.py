"""Alert titles in the reader's language, rebuilt when they are shown.

Detectors store one English sentence per alert (``Signal.title``), written once when the
signal fires, whatever the workspace. What a person reads is rebuilt here at render
time in the context's locale (:mod:`socialhub.i18n`): each detector's sentence has a
known shape, so its parts (label, place, counts, trend…) are read back from it, the
words are translated and the numbers formatted per locale. A title of unknown shape is
shown as stored.

>>> from socialhub.i18n import use_locale
>>> t = "network_outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)"
>>> with use_locale("fr"):
...     localise_title("complaints", t)
'Réclamations « panne réseau » partout : 70 en 15 min, 4,2× la normale (en hausse)'
>>> with use_locale("en"):
...     localise_title("complaints", t)
'network outage complaints everywhere: 70 in 15 min, 4.2× the usual (rising)'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from socialhub.i18n import N_, _, format_number
from socialhub.models import LIST_TYPES

# Words stored in titles and alert fields, marked for the catalogue.
LIST_TYPE_NAMES = tuple(
    N_(t) for t in ("journalist", "mp", "partner", "competitor", "influencer", "executive", "other")
)
TREND_WORDS = (N_("rising"), N_("still rising"), N_("peaking"), N_("falling back"))
CATEGORY_WORDS = (
    N_("network outage"),
    N_("billing"),
    N_("customer service"),
    N_("fibre installation"),
    N_("mobile coverage"),
    N_("pricing"),
    N_("praise"),
    N_("cancellation"),
    N_("data privacy"),
    N_("equipment"),
)
STATE_WORDS = (N_("open"), N_("acknowledged"), N_("resolved"), N_("merged"))
SEVERITY_WORDS = (N_("note"), N_("warning"), N_("major"), N_("crisis"))


def _n(text: str) -> str:
    """A number read from an English title, formatted in the context's locale."""
    clean = text.replace(",", "")
    try:
        value = float(clean)
    except ValueError:
        return text
    digits = len(clean.split(".")[1]) if "." in clean else 0
    return format_number(value, digits)


def _category(code: str) -> str:
    return _(code.replace("_", " "))


def _complaints(m: re.Match[str]) -> str:
    place = m["place"]
    where = _("everywhere") if place is None else _("in %(place)s") % {"place": place}
    return _(
        "%(category)s complaints %(where)s: %(n)s in %(minutes)s min, "
        "%(ratio)s× the usual (%(trend)s)"
    ) % {
        "category": _category(m["cat"]),
        "where": where,
        "n": _n(m["n"]),
        "minutes": _n(m["minutes"]),
        "ratio": _n(m["ratio"]),
        "trend": _(m["trend"]),
    }


def _volume(m: re.Match[str]) -> str:
    return _(
        "%(label)s: %(n)s mentions in %(minutes)s min, %(ratio)s× the usual %(usual)s (%(trend)s)"
    ) % {
        "label": m["label"],
        "n": _n(m["n"]),
        "minutes": _n(m["minutes"]),
        "ratio": _n(m["ratio"]),
        "usual": _n(m["usual"]),
        "trend": _(m["trend"]),
    }


def _sentiment(m: re.Match[str]) -> str:
    return _(
        "%(label)s: %(share)s%% negative over %(minutes)s min "
        "(usually %(usual)s%%, %(neg)s/%(total)s posts)"
    ) % {
        "label": m["label"],
        "share": _n(m["share"]),
        "minutes": _n(m["minutes"]),
        "usual": _n(m["usual"]),
        "neg": _n(m["neg"]),
        "total": _n(m["total"]),
    }


# "@a (journalist), @b (mp)": the list types the convergence detector names
_VOICE = re.compile(r"\((" + "|".join(LIST_TYPES) + r")\)")


def _convergence(m: re.Match[str]) -> str:
    who = _VOICE.sub(lambda v: f"({_(v[1])})", m["who"])  # the types are msgids (N_ below)
    text = _("%(n)s listed voices in one conversation within %(hours)s h: %(who)s") % {
        "n": _n(m["n"]),
        "hours": _n(m["hours"]),
        "who": who,
    }
    return _("%(about)s: %(text)s") % {"about": m["about"], "text": text} if m["about"] else text


def _emerging(m: re.Match[str]) -> str:
    return _("Emerging story: %(terms)s") % {"terms": m["terms"]}


def _launch(m: re.Match[str]) -> str:
    what = m["what"]
    for pattern, build in _LAUNCH_PARTS:
        found = pattern.fullmatch(what)
        if found:
            what = build(found)
            break
    return _("Launch %(name)s: %(what)s") % {"name": m["name"], "what": what}


def _listed(m: re.Match[str]) -> str:
    return _("%(who)s (%(lists)s) posted about %(about)s") % {
        "who": m["who"],
        "lists": m["lists"],
        "about": m["about"],
    }


def _high_reach(m: re.Match[str]) -> str:
    return _("High-reach author %(who)s (%(n)s followers) posted about %(about)s") % {
        "who": m["who"],
        "n": _n(m["n"]),
        "about": m["about"],
    }


def _coordination(m: re.Match[str]) -> str:
    what = _("the same link") if m["what"] == "le même lien" else _("the same text")
    return _("%(n)s accounts post %(what)s within %(seconds)s s — first: %(first)s") % {
        "n": _n(m["n"]),
        "what": what,
        "seconds": _n(m["seconds"]),
        "first": m["first"],
    }


_NUM = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_TREND = r"rising|still rising|peaking|falling back"

_LAUNCH_PARTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(
            rf"(?P<n>{_NUM}) mentions per (?P<m>{_NUM}) min, (?P<h>{_NUM}) h after the launch"
        ),
        lambda f: (
            _("%(n)s mentions per %(minutes)s min, %(hours)s h after the launch")
            % {"n": _n(f["n"]), "minutes": _n(f["m"]), "hours": _n(f["h"])}
        ),
    ),
    (
        re.compile(
            rf"fizzle confirmed: (?P<h>{_NUM}) h under (?P<t>{_NUM}) mentions per bucket "
            r"since the peak"
        ),
        lambda f: (
            _("fizzle confirmed: %(hours)s h under %(n)s mentions per bucket since the peak")
            % {"hours": _n(f["h"]), "n": _n(f["t"])}
        ),
    ),
    (
        re.compile(rf"buzz: score (?P<s>{_NUM}), above the library's (?P<q>{_NUM})th percentile"),
        lambda f: (
            _("buzz: score %(score)s, above the library's %(q)sth percentile")
            % {"score": _n(f["s"]), "q": _n(f["q"])}
        ),
    ),
]

# detector name → (the stored title's shape, its rebuilding in the context's locale)
_SHAPES: dict[str, list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]] = {
    "complaints": [
        (
            re.compile(
                rf"(?P<cat>\S+) complaints (?:everywhere|in (?P<place>.+?)): (?P<n>{_NUM}) in "
                rf"(?P<minutes>{_NUM}) min, (?P<ratio>{_NUM})× the usual \((?P<trend>{_TREND})\)"
            ),
            _complaints,
        )
    ],
    "volume": [
        (
            re.compile(
                rf"(?P<label>.+): (?P<n>{_NUM}) mentions in (?P<minutes>{_NUM}) min, "
                rf"(?P<ratio>{_NUM})× the usual (?P<usual>{_NUM}) \((?P<trend>{_TREND})\)"
            ),
            _volume,
        )
    ],
    "sentiment_shift": [
        (
            re.compile(
                rf"(?P<label>.+): (?P<share>{_NUM})% negative over (?P<minutes>{_NUM}) min "
                rf"\(usually (?P<usual>{_NUM})%, (?P<neg>{_NUM})/(?P<total>{_NUM}) posts\)"
            ),
            _sentiment,
        )
    ],
    "convergence": [
        (
            re.compile(
                rf"(?:(?P<about>.+?): )?(?P<n>{_NUM}) listed voices in one conversation "
                rf"within (?P<hours>{_NUM}) h: (?P<who>.*)"
            ),
            _convergence,
        )
    ],
    "emerging": [(re.compile(r"Emerging story: (?P<terms>.*)"), _emerging)],
    "launch": [(re.compile(r"Launch (?P<name>[^:]+): (?P<what>.*)"), _launch)],
    "coordination": [
        (
            re.compile(
                rf"(?P<n>{_NUM}) comptes publient (?P<what>le même lien|le même texte) en "
                rf"(?P<seconds>{_NUM}) s — premier : (?P<first>.*)"
            ),
            _coordination,
        )
    ],
}
# the watchlist trigger's two sentences (detector names vary: match on shape)
_ANY: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(
            rf"High-reach author (?P<who>.+) \((?P<n>{_NUM}) followers\) posted about (?P<about>.+)"
        ),
        _high_reach,
    ),
    (re.compile(r"(?P<who>.+) \((?P<lists>[^()]+)\) posted about (?P<about>.+)"), _listed),
]


def localise_title(detector: str, title: str) -> str:
    """``title`` as stored by ``detector``, rebuilt in the context's locale."""
    shapes = _SHAPES.get(detector, []) + _ANY
    if detector.startswith("launch"):
        shapes = _SHAPES["launch"] + shapes
    for pattern, build in shapes:
        found = pattern.fullmatch(title)
        if found:
            return build(found)
    return title
