"""Four posts of the communication workspace with places, and a story of two of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialhub.models import Author
from socialhub.records.stories import StoryRecord

from .helpers import World, mention

T0 = datetime.now(UTC) - timedelta(hours=3)
SINCE = (T0 - timedelta(hours=1)).isoformat()


def _city(name: str, lat: float, lon: float, source: str = "text") -> dict[str, object]:
    return {"name": name, "kind": "city", "country": "fr", "lat": lat, "lon": lon,
            "source": source}  # fmt: skip


GRENOBLE = _city("Grenoble", 45.188, 5.724)
LYON = _city("Lyon", 45.764, 4.836)
PARIS_AUTHOR = _city("Paris", 48.857, 2.352, "author")


def seed(world: World) -> int:
    brand = world.queries["brand"]
    posts = [
        mention(901, "mirabelle panne Grenoble", brand, created_at=T0,
                places=[GRENOBLE, PARIS_AUTHOR]),
        mention(902, "mirabelle panne encore", brand, created_at=T0 + timedelta(minutes=5),
                places=[GRENOBLE]),
        mention(903, "mirabelle à Lyon", brand, created_at=T0 + timedelta(minutes=10),
                places=[LYON]),
        mention(904, "mirabelle bof", brand, created_at=T0 + timedelta(minutes=15),
                places=[_city("Grenoble", 45.188, 5.724, "author")],
                author=Author("x", "g1", "g1")),
    ]  # fmt: skip
    world.store.mentions.add(posts)
    com = world.ws["com"].id or 0
    world.store.stories.save(
        [StoryRecord(com, "k:p", "Panne <b>", "x:901", T0, T0, T0, size=2)],
        [(com, "k:p", "x:901"), (com, "k:p", "x:903")],
    )
    rec = world.store.stories.get_by_key(com, "k:p")
    assert rec is not None and rec.id is not None
    return rec.id
