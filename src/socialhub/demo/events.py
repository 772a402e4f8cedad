"""What the simulator schedules (``Spec``) and what it remembers of a mention (``Node``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from socialhub.demo.world import Person
from socialhub.models import Author


@dataclass(slots=True)
class Node:
    """The part of an emitted mention that its replies, reposts and quotes need."""

    id: str
    platform: str
    lang: str
    intent: str
    handle: str
    followers: int
    text: str
    url: str
    key: str  # thread key (subreddit/post, video id, forum topic, Facebook post)
    root_id: str
    depth: int
    ctx: dict[str, str]
    episode: str | None = None


@dataclass(slots=True)
class Spec:
    """One mention to generate at a given time.

    Background roots leave most fields empty (the simulator draws them); episodes fill in
    what their script fixes (who, where, which text, which thread to join).
    """

    intent: str
    platform: str = ""
    lang: str = "fr"
    kind: str = "post"
    person: Person | None = None
    author: Author | None = None
    parent: Node | None = None
    parent_pool: str | None = None  # join a thread started in this episode pool
    pool: str | None = None  # remember the new mention in this episode pool
    episode: str | None = None
    ctx: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: float = 1.0  # multiplier of the expected number of replies/reposts
    share_delay: float | None = None  # for articles: the author shares it on social after this
    place: str = ""
