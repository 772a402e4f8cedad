"""A story of one workspace, as the story engine writes it and the web reads it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class StoryRecord:
    """One story of one workspace, as the story page and the API show it.

    ``key`` is the engine's stable key (``"<workspace>:<first mention id>"``);
    ``explanation`` lists the importance score's components
    (``{"component", "value", "points", "why"}``); ``responses`` says whether the
    brand's official accounts answered (``answered``, ``first_at``, ``accounts``,
    ``posts``). ``merged_into`` is the key of the story that absorbed this one.
    """

    workspace_id: int
    key: str
    headline: str
    first_mention_id: str
    first_seen: datetime
    last_seen: datetime
    peak_at: datetime
    first_author: str = ""
    peak_count: int = 0
    velocity: float = 0.0
    size: int = 0
    authors: int = 0
    reach: int = 0
    voices: list[dict[str, Any]] = field(default_factory=list)
    sentiment: dict[str, int] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    platforms: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    query_ids: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)
    importance: float = 0.0
    explanation: list[dict[str, Any]] = field(default_factory=list)
    merged_into: str | None = None
    updated_at: datetime | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("first_seen", "last_seen", "peak_at", "updated_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data
