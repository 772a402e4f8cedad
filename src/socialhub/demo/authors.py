"""Accounts of the demo stream: a large anonymous crowd and the world's named accounts.

Activity follows a Zipf law (a few accounts post a lot), followers a Pareto law (most
accounts have tens of followers, a few have hundreds of thousands). A crowd account is
built the first time it posts and cached, so it is the same account when it comes back.
"""

from __future__ import annotations

import random
import zlib
from bisect import bisect_right
from datetime import UTC, datetime
from itertools import accumulate

from socialhub.demo import vocab
from socialhub.demo.names import EN_PLACES, FIRST, JOBS, LAST
from socialhub.demo.places import CITIES, MASTODON_INSTANCES
from socialhub.demo.platforms import author_native_id, mix64
from socialhub.demo.world import (
    OFFICIAL,
    Outlet,
    Person,
    news_handle,
    watchlist_people,
)
from socialhub.models import Author

# How many distinct crowd accounts each platform has (per language); activity is 1/rank.
POOL_SIZE = {
    "x": 400_000,
    "facebook": 200_000,
    "bluesky": 80_000,
    "mastodon": 40_000,
    "reddit": 150_000,
    "youtube": 200_000,
    "forum": 30_000,
    "news": 1,
}

_EPOCH_2009 = datetime(2009, 1, 1, tzinfo=UTC).timestamp()
_SPAN = 17 * 365.25 * 86400


def _key(*parts: object) -> int:
    return zlib.crc32("\x1f".join(map(str, parts)).encode("utf-8"))


def _ascii(s: str) -> str:
    return vocab.strip_accents(s).replace(" ", "").replace("'", "")


class AuthorPool:
    """Builds and caches every account of one simulation run."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._crowd: dict[tuple[str, str, int], Author] = {}
        self._named: dict[tuple[str, str], Author] = {}
        self._handles: dict[str, set[str]] = {}
        for person in (*watchlist_people(), *(p for pair in OFFICIAL.values() for p in pair)):
            # the crowd never takes a named account's handle
            self._handles.setdefault(person.platform, set()).add(person.handle.lower())
        self._city_cum = list(accumulate(c.population_k for c in CITIES))
        # accounts are made in stream order, which the seed fixes: one generator suffices
        self._rng = random.Random(mix64(seed * 1_000_003 + 7_919))

    def crowd(self, rng: random.Random, platform: str, lang: str) -> Author:
        """A crowd account, drawn with Zipf activity (rank k posts ~1/k as often as rank 1)."""
        idx = int(POOL_SIZE[platform] ** rng.random())
        key = (platform, lang, idx)
        author = self._crowd.get(key)
        if author is None:
            author = self._make(platform, lang, idx)
            self._crowd[key] = author
        return author

    def person(self, person: Person, platform: str | None = None) -> Author:
        """The account of a named person (journalist, MP, official account...)."""
        platform = platform or person.platform
        handle = person.handle
        if platform != person.platform:
            other = news_handle(person) if platform == "news" else person.handle
            handle = dict(person.also).get(platform, other)
        cached = self._named.get((platform, handle))
        if cached is not None:
            return cached
        if platform == "news":
            native = f"{handle}@{person.org or 'presse'}"
        else:
            native = author_native_id(platform, _key("person", platform, handle))
        created = datetime.fromtimestamp(
            _EPOCH_2009 + (_key(handle) % 10**8) / 10**8 * _SPAN * 0.6, UTC
        )
        author = Author(
            platform=platform,
            native_id=native,
            handle=handle,
            name=person.name,
            followers=person.followers,
            following=300 + _key(handle, 1) % 900,
            verified=person.verified,
            created_at=created,
            location=person.city,
            description=f"{person.title} {person.org}".strip(),
        )
        self._named[(platform, handle)] = author
        return author

    def newsroom(self, outlet: Outlet) -> Author:
        """The unsigned 'Rédaction' byline of an outlet."""
        handle = "redaction-" + outlet.domain.split(".")[0]
        cached = self._named.get(("news", handle))
        if cached is None:
            cached = Author(
                platform="news",
                native_id=f"{handle}@{outlet.name}",
                handle=handle,
                name=f"Rédaction {outlet.name}",
                followers=0,
                verified=True,
            )
            self._named[("news", handle)] = cached
        return cached

    def throwaway(self, platform: str, handle: str, created: datetime, followers: int) -> Author:
        """A named account outside the world's lists (e.g. the coordinated cluster)."""
        cached = self._named.get((platform, handle))
        if cached is None:
            cached = Author(
                platform=platform,
                handle=handle,
                followers=followers,
                native_id=author_native_id(platform, _key("throwaway", handle)),
                name=handle.split("_")[0].capitalize() + " 🇫🇷",
                following=2_000,
                created_at=created,
                description="Libre. Vigilant. #Info",
            )
            self._named[(platform, handle)] = cached
        return cached

    def _make(self, platform: str, lang: str, idx: int) -> Author:
        r = self._rng
        firsts, lasts = FIRST.get(lang, FIRST["en"]), LAST.get(lang, LAST["en"])
        first, last = r.choice(firsts), r.choice(lasts)
        name = f"{first} {last}"
        style = r.random()
        fa, la = _ascii(first).lower(), _ascii(last).lower()
        if style < 0.25:
            handle = fa + la
        elif style < 0.45:
            handle = f"{fa}_{la[:4]}{r.randint(10, 99)}"
        elif style < 0.6:
            handle = f"{fa}{r.randint(1, 9999)}"
            name = first if r.random() < 0.5 else name
        elif style < 0.8:
            _, content = vocab.tables(lang if lang in ("fr", "en", "es", "it", "de") else "en")
            w1, w2 = (_ascii(w) for w in content.draw(r, 2))
            handle = f"{w1}_{w2}" if r.random() < 0.6 else f"{w1}{r.randint(1, 999)}"
            name = handle.replace("_", " ").title()
        else:
            handle = f"{first}{last}".replace(" ", "").replace("'", "")
            handle = _ascii(handle)
        handle = self._unique(platform, handle[:15] if platform == "x" else handle, idx)
        followers = min(int(25 * r.paretovariate(1.1)), 3_000_000)
        if lang == "fr":
            location = CITIES[bisect_right(self._city_cum, r.random() * self._city_cum[-1])].name
            location = location if r.random() < 0.45 else ""
        else:
            location = r.choice(EN_PLACES)
        jobs = JOBS["fr"] if lang == "fr" else JOBS["other"]
        return Author(
            platform=platform,
            native_id=author_native_id(platform, _key(self.seed, platform, lang, idx)),
            handle=handle,
            name=name,
            followers=followers,
            following=int(r.lognormvariate(5.0, 1.0)),
            verified=(followers > 100_000 and r.random() < 0.6) or r.random() < 0.01,
            created_at=datetime.fromtimestamp(_EPOCH_2009 + r.random() * _SPAN, UTC),
            location=location,
            description=r.choice(jobs) + (f" · {location}" if location else ""),
        )

    def _unique(self, platform: str, handle: str, idx: int) -> str:
        if platform == "bluesky":
            handle = handle.lower().replace("_", "-") + ".bsky.social"
        elif platform == "mastodon":
            handle = f"{handle}@{MASTODON_INSTANCES[idx % len(MASTODON_INSTANCES)]}"
        elif platform == "facebook":
            handle = handle.lower()
        used = self._handles.setdefault(platform, set())
        candidate, n = handle, 1
        while candidate.lower() in used:
            n += 1
            base, sep, host = handle.partition("." if platform == "bluesky" else "@")
            candidate = f"{base}{n}{sep}{host}" if sep else f"{handle}{n}"
        used.add(candidate.lower())
        return candidate
