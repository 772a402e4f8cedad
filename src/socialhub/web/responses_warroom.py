"""Response models of the war-room and of Explore by story and place (see
:mod:`socialhub.web.responses`: declared fields, extra keys kept)."""

from __future__ import annotations

from typing import Any

from socialhub.web.responses import Out


class Group(Out):
    value: str
    count: int
    label: str | None = None


class ExploreGroups(Out):
    story: list[Group]
    city: list[Group]
    departement: list[Group]
    scanned: int
    exact: bool


class WarRoom(Out):
    """The war-room's data (:func:`socialhub.analytics.warroom.build`)."""

    window: dict[str, str]
    size: int
    authors: int
    sentiment: dict[str, int]
    stories: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    timeline: dict[str, Any]
    events: list[dict[str, Any]]
    patient_zero: dict[str, Any] | None
    cascade: dict[str, Any]
    network: dict[str, Any]
    amplifiers: list[dict[str, Any]]
    places: list[dict[str, Any]]
    departements: list[dict[str, Any]]
    top_posts: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    answered: bool
    incident: dict[str, Any] | None = None
