"""The ``places`` stage: cities, regions and countries from the text and the author's location.

A place name in a text is believed according to the evidence it comes with:

- names with no other common meaning (``Villeurbanne``) are taken when capitalised or a
  hashtag, and lowercase after a place preposition (``panne a lyon``) or when the place is
  large (``lyon en panne``);
- names whose lowercase form is a word (``paris`` sportifs) need a capital;
- names that are words even capitalised, brands or first names (``Nice``, ``Tours``,
  ``Orange``, ``Nancy``) need a capital *and* a cue: a place preposition right before
  (``à Orange``) or the author's location agreeing (same city or region);
- any name inside an entity the workspace dictionary typed as a brand, product,
  organisation or person (``chez Orange``) is skipped unless a place preposition
  precedes it.

Each place item: ``name, kind, country, admin1, lat, lon, source`` (``text`` or
``author``) plus ``confidence`` and, for text places, ``start``/``end``. ``m.country``
is set from the most confident place when it was empty.

Settings: ``places_min_population`` (15000; 5000, 1000 or 500 ship too: more towns, more
namesakes), ``places_min_confidence`` (0.5), ``places_country_confidence`` (0.8).
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

from socialhub.enrichers.entities.dictionary import fold_with_offsets
from socialhub.enrichers.places.gazetteer import (
    CAUTION_CASE,
    CAUTION_CONTEXT,
    Gazetteer,
    Place,
    load,
)
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped

log = logging.getLogger(__name__)

PLACES_MAX_CHARS = 20_000  # place names are looked for in this much of a text
LOCATION_MAX_CHARS = 200  # author locations longer than this are bios, not places
# prepositions that announce a place (folded); 'de' is weak: 'le réseau d'Orange'
_STRONG = {"a", "sur", "vers", "depuis", "en", "in", "at", "from", "near", "to", "pres"}
_WEAK = {"de", "d", "pour", "dans", "entre", "of", "du"}
_PREV = re.compile(r"([^\W\d_]+)\W{0,2}$")
_SKIP_TYPES = {"BRAND", "PRODUCT", "ORG", "PER"}


def _hits(gaz: Gazetteer, text: str) -> list[tuple[int, int, Place, str]]:
    """Longest, leftmost, non-overlapping gazetteer hits: (start, end, place, folded)."""
    folded, index = fold_with_offsets(text)
    folded = folded.replace("’", "'")
    spans = []
    for end_idx, (length, place) in gaz.automaton.iter(folded):
        start, end = end_idx - length + 1, end_idx + 1
        before = folded[start - 1] if start else " "
        after = folded[end] if end < len(folded) else " "
        if before.isalnum() or before in "@_-./" or after.isalnum() or after in "_-/":
            continue  # inside a word, a handle, a path or a longer hyphenated name
        if after == "." and folded[end + 1 : end + 2].isalnum():
            continue  # a domain label: toot.lorraine.example
        spans.append((start, end, place))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[tuple[int, int, Place]] = []
    for s, e, p in spans:
        if not any(ks < e and s < ke for ks, ke, _ in kept):
            kept.append((s, e, p))
    kept.sort(key=lambda k: k[0])
    return [(index[s], index[e - 1] + 1, p, folded[:s]) for s, e, p in kept]


def _cue(folded_before: str) -> str:
    """'strong', 'weak' or '' from the word right before a name."""
    tail = folded_before[-24:]
    if tail.endswith(("d'", "l'")):
        return "weak" if tail.endswith("d'") else ""
    m = _PREV.search(tail)
    word = m.group(1) if m else ""
    if word in _STRONG:
        return "strong"
    return "weak" if word in _WEAK else ""


def _confidence(
    place: Place,
    surface: str,
    cue: str,
    hashtag: bool,
    dateline: bool,
    author_agrees: bool,
) -> float:
    capital = surface[:1].isupper()
    if place.caution >= CAUTION_CONTEXT:
        if not capital:
            return 0.0
        if cue == "strong":
            return 0.85
        if author_agrees:
            return 0.75 if cue or dateline or hashtag else 0.6
        return 0.0
    if place.caution == CAUTION_CASE:
        if capital or hashtag:
            return 0.95 if cue else 0.85
        return 0.7 if cue == "strong" else 0.0
    if capital or hashtag:
        return 0.95 if cue or dateline else 0.9
    if cue or dateline:
        return 0.8
    # a lowercase bare name: believable only for a large place
    return 0.6 if place.kind != "city" or place.population >= 100_000 else 0.0


def tag_text(
    gaz: Gazetteer,
    text: str,
    entities: list[dict[str, Any]] | None = None,
    author_places: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Place items found in ``text`` (``source='text'``), best first for each name."""
    text = text[:PLACES_MAX_CHARS]
    blockers = [e for e in entities or () if e.get("type") in _SKIP_TYPES]
    author = author_places or []
    out: dict[str, dict[str, Any]] = {}
    for start, end, place, before in _hits(gaz, text):
        surface = text[start:end]
        cue = _cue(before)
        hashtag = start > 0 and text[start - 1] == "#"
        dateline = not text[:start].strip() and text[end : end + 3].lstrip().startswith(":")
        if cue != "strong" and any(
            int(e.get("start", -1)) < end and start < int(e.get("end", -1)) for e in blockers
        ):
            continue  # 'chez Orange': the workspace says it is the brand
        agrees = any(
            a["name"] == place.name or (place.admin1 and a["admin1"] == place.admin1)
            for a in author
        )
        conf = _confidence(place, surface, cue, hashtag, dateline, agrees)
        if conf <= 0:
            continue
        key = f"{place.kind}:{place.name}"
        if key in out and out[key]["confidence"] >= conf:
            continue
        item = place.item("text")
        item.update(confidence=conf, start=start, end=end, text=surface)
        out[key] = item
    return sorted(out.values(), key=lambda p: p["start"])


def tag_location(gaz: Gazetteer, location: str) -> list[dict[str, Any]]:
    """Place items of a profile location (``source='author'``): 'Lyon, France', 'Nice 06'.

    A location field is meant to name a place, so context cues are not needed; names
    that are words even capitalised still need the capital.
    """
    if not location or len(location) > LOCATION_MAX_CHARS:
        return []
    out: dict[str, dict[str, Any]] = {}
    for start, end, place, _ in _hits(gaz, location):
        surface = location[start:end]
        capital = surface[:1].isupper()
        if place.caution >= CAUTION_CONTEXT and not capital:
            continue
        conf = 0.8 if capital else 0.7
        key = f"{place.kind}:{place.name}"
        if key not in out:
            item = place.item("author")
            item["confidence"] = conf
            out[key] = item
    return list(out.values())


class PlaceStage(BaseEnricher):
    name: ClassVar[str] = "places"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        s = ctx.options
        min_pop = s.places_min_population
        self.min_confidence = s.places_min_confidence
        self.country_confidence = s.places_country_confidence
        key = f"gazetteer:{min_pop}"
        gaz = ctx.resources.get(key)
        self.gazetteer: Gazetteer = gaz if isinstance(gaz, Gazetteer) else load(min_pop)
        ctx.resources[key] = self.gazetteer
        self._locations: dict[str, list[dict[str, Any]]] = {}

    def _author_places(self, location: str) -> list[dict[str, Any]]:
        # a few thousand distinct locations at most: cache them (bounded)
        cached = self._locations.get(location)
        if cached is None:
            if len(self._locations) > 50_000:
                self._locations.clear()
            cached = self._locations[location] = tag_location(self.gazetteer, location)
        return [dict(p) for p in cached]

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        for m in batch:
            try:
                self.tag(m)
            except Exception:
                # one bad text must not cost the batch: keep the mention without places
                log.exception("places: failed on %s", m.id)
        return list(batch)

    def tag(self, m: Mention) -> None:
        """Fill ``m.places`` (and ``m.country`` when empty and a place is confident)."""
        location = m.author.location if m.author is not None else ""
        author = self._author_places(location if isinstance(location, str) else "")
        text = m.text if isinstance(m.text, str) else ""
        found = tag_text(self.gazetteer, text, m.entities, author)
        places = [p for p in found + author if p["confidence"] >= self.min_confidence]
        m.places = places
        if not m.country:
            best = max(places, key=lambda p: p["confidence"], default=None)
            if best is not None and best["confidence"] >= self.country_confidence:
                m.country = best["country"]
