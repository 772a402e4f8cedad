"""A small crisis for the war-room tests: a rumour with a link, posted first by one
account then by five coordinated ones within seconds, reposted, quoted and answered,
naming Grenoble and Lyon; a story over it, a coordination alert, and a story of the
other workspace."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from socialhub.models import Author, Engagement, Mention
from socialhub.records.alerts import Alert
from socialhub.records.stories import StoryRecord

from .helpers import HOSTILE, World

LINK = "https://fuite.example/donnees"
GRENOBLE = {"name": "Grenoble", "kind": "city", "admin1": "Auvergne-Rhône-Alpes",
            "country": "fr", "lat": 45.188, "lon": 5.724, "source": "text"}  # fmt: skip
LYON = {"name": "Lyon", "kind": "city", "admin1": "Auvergne-Rhône-Alpes",
        "country": "fr", "lat": 45.764, "lon": 4.836, "source": "text"}  # fmt: skip


def _m(n: str, handle: str, text: str, at: datetime, **kw: object) -> Mention:
    followers = int(kw.pop("followers", 50))
    return Mention(
        "x",
        n,
        text,
        at,
        author=Author("x", handle, handle, followers=followers),
        engagement=Engagement(likes=int(kw.pop("likes", 0))),
        **kw,  # type: ignore[arg-type]
    )


def seed(world: World, t0: datetime | None = None) -> tuple[int, int, int]:
    """(story id, coordination alert id, the other workspace's story id)."""
    t0 = t0 or datetime.now(UTC) - timedelta(hours=2)
    store = world.store
    # the war-room is checked in French (the other web tests' workspaces are English)
    world.ws["com"] = store.workspaces.upsert_workspace(replace(world.ws["com"], locale="fr"))
    com, qos = world.ws["com"].id or 0, world.ws["qos"].id or 0
    posts = [
        _m("z0", "origin", f"Mirabelle revend vos données ! {LINK} {HOSTILE}", t0,
           places=[GRENOBLE], sentiment_label="negative", likes=40, followers=900),
    ]  # fmt: skip
    for i in range(5):
        posts.append(
            _m(
                f"c{i}",
                f"bot{i}",
                f"Mirabelle revend vos données {LINK}",
                t0 + timedelta(seconds=10 + 5 * i),
                places=[GRENOBLE if i % 2 else LYON],
                sentiment_label="negative",
                cluster_id="dup1",
            )
        )
    posts += [
        _m("r1", "fan1", "RT", t0 + timedelta(minutes=5), kind="repost", repost_of="x:z0"),
        _m("r2", "fan2", "RT", t0 + timedelta(minutes=6), kind="repost", repost_of="x:z0"),
        _m(
            "q1",
            "journo",
            "Est-ce vrai ?",
            t0 + timedelta(minutes=20),
            kind="quote",
            quote_of="x:z0",
            followers=50_000,
            likes=120,
        ),
        _m(
            "a1",
            "mirabelle",
            "C'est faux : nous ne revendons aucune donnée.",
            t0 + timedelta(minutes=40),
            kind="reply",
            reply_to="x:z0",
            sentiment_label="neutral",
            followers=20_000,
        ),
    ]
    store.mentions.add(posts)
    story = StoryRecord(
        com, "k:rumour", f"Rumeur {HOSTILE}", "x:z0", t0, t0 + timedelta(minutes=40),
        t0, first_author="origin", size=len(posts), authors=10, importance=70.0,
        responses={"answered": True, "first_at": (t0 + timedelta(minutes=40)).isoformat(),
                   "accounts": ["mirabelle"],
                   "posts": [{"account": "mirabelle", "mention_id": "x:a1",
                              "at": (t0 + timedelta(minutes=40)).isoformat()}]},
    )  # fmt: skip
    other = StoryRecord(qos, "k:other", "Secret", "x:z0", t0, t0, t0, size=3)
    store.stories.save(
        [story, other], [(com, "k:rumour", m.id) for m in posts] + [(qos, "k:other", "x:z0")]
    )
    alert = store.alerts.save_alert(
        Alert(
            f"{com}|coordination|k",
            "coordination",
            "1",
            "coordination:link:fuite",
            f"Coordinated accounts {HOSTILE}",
            7,
            t0 + timedelta(seconds=30),
            t0 + timedelta(seconds=30),
            6.0,
            0.0,
            3.0,
            6.0,
            workspace_id=com,
            evidence=["x:c0", "x:c1"],
            extra={
                "accounts": [f"x:bot{i}" for i in range(5)] + ["x:origin"],
                "first_poster": "x:origin",
            },
        )
    )
    sid = store.stories.get_by_key(com, "k:rumour")
    oid = store.stories.get_by_key(qos, "k:other")
    assert sid is not None and oid is not None and sid.id and oid.id and alert.id
    return sid.id, alert.id, oid.id
