"""The records every layer shares: mentions, authors, workspaces, queries, watchlists, users.

Connectors normalise platform payloads into these at the edge, so nothing downstream
needs the raw payload (it is kept only as evidence).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

KINDS = ("post", "reply", "repost", "quote", "comment", "article", "transcript")


class Role(enum.StrEnum):
    """A member's role in one workspace; ordered from most to least powerful."""

    ADMIN = "admin"
    ANALYST = "analyst"
    PRESS = "press"
    LEGAL = "legal"
    VIEWER = "viewer"


#: Category name of the brand's own posts and repeated templates (the ``voice`` stage,
#: socialhub.enrichers.brand_voice): not opinions, so no sentiment and no complaint.
BRAND_VOICE = "brand_voice"


def is_brand_voice(categories: list[dict[str, Any]]) -> bool:
    """True when a mention's categories carry the :data:`BRAND_VOICE` marker."""
    return any(isinstance(c, dict) and c.get("name") == BRAND_VOICE for c in categories)


LIST_TYPES = ("journalist", "mp", "partner", "competitor", "influencer", "executive", "other")


#: Usernames appear in URLs (/api/users/<name>), audit lines and e-mails: a safe alphabet.
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
USERNAME_RULE = "use letters, digits and _ . @ + - (1 to 64, a letter or digit first)"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is UTC:  # the common case, and a hot path (detectors call it per post)
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def payload_sha256(raw: Any) -> str:
    """SHA-256 of the raw payload as captured (bytes/str as is, objects as canonical JSON)."""
    if isinstance(raw, bytes):
        data = raw
    elif isinstance(raw, str):
        data = raw.encode("utf-8")
    else:
        data = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Author:
    platform: str
    native_id: str
    handle: str = ""
    name: str = ""
    followers: int = 0
    following: int = 0
    verified: bool = False
    created_at: datetime | None = None
    location: str = ""
    description: str = ""

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"


@dataclass(slots=True)
class Engagement:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    views: int = 0

    def total(self) -> int:
        return self.likes + self.reposts + self.replies + self.quotes


@dataclass(slots=True)
class Mention:
    """One normalised item: a post, reply, repost, quote, comment, article or transcript."""

    platform: str
    native_id: str
    text: str
    created_at: datetime
    url: str = ""
    lang: str = "und"
    kind: str = "post"
    collected_at: datetime = field(default_factory=utcnow)
    collected_via: str = ""
    match_query: str = ""
    author: Author | None = None
    reply_to: str | None = None
    quote_of: str | None = None
    repost_of: str | None = None
    root_id: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    place: str = ""
    country: str = ""
    media: list[str] = field(default_factory=list)
    raw: Any = None
    raw_sha256: str = ""
    # enrichment (filled by the pipeline)
    sentiment_label: str | None = None
    sentiment_score: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    watchlists: list[str] = field(default_factory=list)
    query_ids: list[int] = field(default_factory=list)
    relevance: dict[str, float] = field(default_factory=dict)
    cluster_id: str | None = None
    cluster_size: int = 0  # near-duplicate cluster size when the mention was seen

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown mention kind {self.kind!r}; expected one of {KINDS}")
        self.created_at = as_utc(self.created_at)
        self.collected_at = as_utc(self.collected_at)
        self.country = self.country.lower()  # ISO 3166-1 alpha-2, as `country:fr` compares
        if self.raw is not None and not self.raw_sha256:
            self.raw_sha256 = payload_sha256(self.raw)

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"

    @property
    def author_id(self) -> str | None:
        return self.author.id if self.author else None

    @property
    def author_handle(self) -> str:
        return self.author.handle if self.author else ""

    @property
    def site(self) -> str:
        """The host of the mention's URL, lowercase, without a leading 'www.'."""
        from socialhub.text import url_host

        return url_host(self.url)

    def enrichment(self) -> dict[str, Any]:
        return {
            "sentiment": (
                {"label": self.sentiment_label, "score": self.sentiment_score}
                if self.sentiment_label
                else None
            ),
            "entities": self.entities,
            "keyphrases": self.keyphrases,
            "categories": self.categories,
            "places": self.places,
            "watchlists": self.watchlists,
            "relevance": self.relevance,
            "cluster_id": self.cluster_id,
            "cluster_size": self.cluster_size,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        return data


@dataclass(slots=True)
class Workspace:
    slug: str
    name: str
    timezone: str = "Europe/Paris"
    id: int | None = None
    locale: str = "fr"  # the language of its pages, alerts, reports and emails


@dataclass(slots=True)
class Query:
    workspace_id: int
    name: str
    definition: str
    description: str = ""
    enabled: bool = True
    id: int | None = None


@dataclass(slots=True)
class WatchlistMember:
    platform: str
    handle: str
    name: str = ""
    list_type: str = "other"
    notes: str = ""


# What a listed voice's post does (issue 14): "never" nothing, "digest" (default) it
# joins its story and the digest, "inapp" / "email" it opens an alert (in the app only,
# or also by email and the other channels) when its severity reaches ``min_severity``.
WATCHLIST_NOTIFY = ("never", "digest", "inapp", "email")


@dataclass(slots=True)
class Watchlist:
    workspace_id: int
    name: str
    list_type: str = "other"
    description: str = ""
    members: list[WatchlistMember] = field(default_factory=list)
    id: int | None = None
    notify: str = "digest"
    min_severity: int = 0


@dataclass(slots=True)
class User:
    username: str
    name: str = ""
    email: str = ""
    password_hash: str = ""
    is_active: bool = True
    id: int | None = None
    locale: str = ""  # the UI language the user prefers; "" follows the workspace


@dataclass(slots=True)
class Membership:
    workspace_id: int
    user_id: int
    role: Role


@dataclass(slots=True)
class QuarantineItem:
    """A payload that could not be parsed or normalised: kept with the reason, never dropped.

    ``reason`` is the English text; ``reason_code`` and ``reason_params`` let it be shown
    in the reader's language (:mod:`socialhub.records.quarantine`). A reason built as a
    ``Reason`` fills them itself; rows stored before codes existed have none.
    """

    source: str
    reason: str
    raw: str
    location: str = ""
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None
    reason_code: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        code = getattr(self.reason, "code", None)  # a records.quarantine.Reason
        if not self.reason_code and isinstance(code, str):
            self.reason_code = code
            self.reason_params = dict(getattr(self.reason, "params", None) or {})
