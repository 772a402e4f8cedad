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
        return [f"{what} must be a list of 1 to 6 panels"]
    return [f"unknown panel {p!r} ({', '.join(PANELS)})" for p in value if p not in PANELS]


def _number(data: dict[str, Any], key: str, low: float, high: float) -> list[str]:
    value = data.get(key, DEFAULT_WALL[key])
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        return [f"{key!r} must be a number from {low:g} to {high:g}"]
    return []


def validate_wall(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return ["a wall must be an object"]
    problems = [f"unknown key {k!r}" for k in sorted(set(data) - _KEYS)]
    if not isinstance(data.get("name"), str) or not _NAME.match(data["name"]):
        problems.append("'name' must be 1-40 lowercase letters, digits, - or _")
    if not isinstance(data.get("title", ""), str) or len(data.get("title", "")) > 200:
        problems.append("'title' must be text (at most 200 characters)")
    showcase = data.get("mode") == "showcase"
    screens = data.get("screens", SHOWCASE_SCREENS if showcase else DEFAULT_WALL["screens"])
    if not isinstance(screens, list) or not 1 <= len(screens) <= 12:
        problems.append("'screens' must be a list of 1 to 12 screens")
    else:
        for screen in screens:
            problems += _panels(screen, "a screen")
    problems += _panels(data.get("crisis_panels", DEFAULT_WALL["crisis_panels"]), "crisis_panels")
    problems += _number(data, "rotation_seconds", 5, 3600)
    problems += _number(data, "font_scale", 0.5, 4)
    problems += _number(data, "crisis_severity", 1, 10)
    problems += _number(data, "hours", 1, 24 * 14)
    mode = data.get("mode", "operations")
    if mode not in MODES:
        problems.append(f"'mode' must be one of {', '.join(MODES)}")
    if not isinstance(data.get("crisis", True), bool):
        problems.append("'crisis' must be true or false")
    shows_alerts = isinstance(screens, list) and any(
        isinstance(sc, list) and "alerts" in sc for sc in screens
    )
    if mode == "showcase" and shows_alerts:
        problems.append("a showcase wall shows no alerts panel")
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
        return ["expected a list of at most 50 walls"]
    problems: list[str] = []
    names: set[str] = set()
    for i, wall in enumerate(value):
        problems += [f"[{i}] {p}" for p in validate_wall(wall)]
        if isinstance(wall, dict):
            if wall.get("name") in names:
                problems.append(f"[{i}] duplicate wall name {wall.get('name')!r}")
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
