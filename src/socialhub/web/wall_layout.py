"""Wall layouts as data: the workspace setting ``walls`` (a list of walls).

A wall shows ``screens`` in turn, each a list of panels, switching every
``rotation_seconds``; ``font_scale`` multiplies every size so it reads from across a
room. When an alert of severity >= ``crisis_severity`` is open or acknowledged the
wall shows ``crisis_panels`` on one screen, without rotation, in the crisis palette —
unless ``crisis`` is false for this wall. Ordinary signals never switch it on: alerts from
the ``watchlist`` and ``launch`` detectors (a journalist posted, a rival launched) and
complaint bursts in one place (``complaints`` alerts whose key names a city) stay alerts.

The ``warroom`` panel is the war-room of the workspace's open incident of highest
importance (with its playbook's progress) or, when no incident is open, of the most
important story of the window (its timeline, patient zero, amplifiers, places,
coordinated accounts): put it in ``crisis_panels`` to see the crisis itself on the wall.

``mode = "showcase"`` (a "vitrine" for visitors and management) never shows a crisis or
the alerts panel, and its posts leave out negative ones.

>>> validate_walls([{"name": "lobby", "screens": [["volume", "live"]]}])
[]
>>> validate_walls([{"name": "lobby", "screens": [["teapot"]]}])
["[0] unknown panel 'teapot' (volume, live, top_posts, alerts, sentiment, share_of_voice, warroom)"]
"""

from __future__ import annotations

import re
from typing import Any

from socialhub.i18n import M_

SETTING = "walls"
PANELS = ("volume", "live", "top_posts", "alerts", "sentiment", "share_of_voice", "warroom")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_KEYS = {
    "name",
    "title",
    "screens",
    "rotation_seconds",
    "font_scale",
    "crisis_severity",
    "crisis_panels",
    "hours",
    "mode",
    "crisis",
}
MODES = ("operations", "showcase")
# detectors whose alerts never turn a wall red (see the module docstring)
NEVER_CRISIS = frozenset({"watchlist", "launch"})

DEFAULT_WALL: dict[str, Any] = {
    "name": "main",
    "title": "",
    "screens": [["volume", "live"], ["top_posts", "share_of_voice"], ["sentiment", "alerts"]],
    "rotation_seconds": 20,
    "font_scale": 1.6,
    "crisis_severity": 8,
    "crisis_panels": ["volume", "alerts", "live"],
    "hours": 24,
    "mode": "operations",
    "crisis": True,
}
SHOWCASE_SCREENS = [["volume", "top_posts"], ["share_of_voice", "live"], ["sentiment", "top_posts"]]


def _panels(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > 6:
        return [M_("%(what)s must be a list of 1 to 6 panels", what=what)]
    return [
        M_("unknown panel %(panel)r (%(choices)s)", panel=p, choices=", ".join(PANELS))
        for p in value
        if p not in PANELS
    ]


def _number(data: dict[str, Any], key: str, low: float, high: float) -> list[str]:
    value = data.get(key, DEFAULT_WALL[key])
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        return [
            M_(
                "%(key)r must be a number from %(low)s to %(high)s",
                key=key,
                low=format(low, "g"),
                high=format(high, "g"),
            )
        ]
    return []


def validate_wall(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [M_("a wall must be an object")]
    problems: list[str] = [M_("unknown key %(key)r", key=k) for k in sorted(set(data) - _KEYS)]
    if not isinstance(data.get("name"), str) or not _NAME.match(data["name"]):
        problems.append(M_("'name' must be 1-40 lowercase letters, digits, - or _"))
    if not isinstance(data.get("title", ""), str) or len(data.get("title", "")) > 200:
        problems.append(M_("'title' must be text (at most 200 characters)"))
    showcase = data.get("mode") == "showcase"
    screens = data.get("screens", SHOWCASE_SCREENS if showcase else DEFAULT_WALL["screens"])
    if not isinstance(screens, list) or not 1 <= len(screens) <= 12:
        problems.append(M_("'screens' must be a list of 1 to 12 screens"))
    else:
        for screen in screens:
            problems += _panels(screen, M_("a screen"))
    problems += _panels(data.get("crisis_panels", DEFAULT_WALL["crisis_panels"]), "crisis_panels")
    problems += _number(data, "rotation_seconds", 5, 3600)
    problems += _number(data, "font_scale", 0.5, 4)
    problems += _number(data, "crisis_severity", 1, 10)
    problems += _number(data, "hours", 1, 24 * 14)
    mode = data.get("mode", "operations")
    if mode not in MODES:
        problems.append(M_("'mode' must be one of %(choices)s", choices=", ".join(MODES)))
    if not isinstance(data.get("crisis", True), bool):
        problems.append(M_("'crisis' must be true or false"))
    shows_alerts = isinstance(screens, list) and any(
        isinstance(sc, list) and "alerts" in sc for sc in screens
    )
    if mode == "showcase" and shows_alerts:
        problems.append(M_("a showcase wall shows no alerts panel"))
    return problems


def is_crisis(alert: Any, layout: dict[str, Any]) -> bool:
    """Whether an active alert switches this wall to crisis mode."""
    if layout.get("mode") == "showcase" or not layout.get("crisis", True):
        return False
    if alert.severity < layout["crisis_severity"] or alert.detector in NEVER_CRISIS:
        return False
    # a complaint burst in one city is ordinary; everywhere at once is a crisis
    return not (alert.detector == "complaints" and not str(alert.key).endswith(":*"))


def validate_walls(value: Any) -> list[str]:
    """Errors in the ``walls`` setting (an empty list when it is valid)."""
    if not isinstance(value, list) or len(value) > 50:
        return [M_("expected a list of at most 50 walls")]
    problems: list[str] = []
    names: set[str] = set()
    for i, wall in enumerate(value):
        problems += [M_("[%(i)s] %(problem)s", i=i, problem=p) for p in validate_wall(wall)]
        if isinstance(wall, dict):
            if wall.get("name") in names:
                problems.append(
                    M_("[%(i)s] duplicate wall name %(name)r", i=i, name=wall.get("name"))
                )
            names.add(str(wall.get("name")))
    return problems


def walls_from_setting(value: Any) -> list[dict[str, Any]]:
    """Every wall with its defaults filled in (no setting, or an invalid one: the default)."""
    if value is None or validate_walls(value):
        return [dict(DEFAULT_WALL)]
    return [_filled(wall) for wall in value]


def _filled(wall: dict[str, Any]) -> dict[str, Any]:
    if wall.get("mode") == "showcase":
        defaults = {**DEFAULT_WALL, "screens": SHOWCASE_SCREENS, "crisis": False}
        return {**defaults, **wall, "crisis": False}
    return {**DEFAULT_WALL, **wall}


def find_wall(value: Any, name: str) -> dict[str, Any] | None:
    return next((w for w in walls_from_setting(value) if w["name"] == name), None)
