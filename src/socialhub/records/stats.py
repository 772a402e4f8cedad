"""Read-only aggregates the dashboard reads return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class AuthorStat:
    author_id: str
    platform: str
    handle: str
    name: str
    followers: int
    verified: bool
    mentions: int
    engagement: int
