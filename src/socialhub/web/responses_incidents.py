"""Response models of the incident API (issue 14): the record as ``to_dict`` writes it,
plus ``progress``, and the detail with what the incident groups."""

from __future__ import annotations

from socialhub.records.incidents import Incident, IncidentEvent
from socialhub.records.oncall import Page
from socialhub.web.responses import AlertOut, Out, StoryOut, record_model

IncidentBase = record_model(Incident, name="IncidentBase")
IncidentEventOut = record_model(IncidentEvent, name="IncidentEventOut")
PageOut = record_model(Page, name="OncallPageOut")


class IncidentOut(IncidentBase):  # type: ignore[valid-type,misc]
    progress: dict[str, int]


class IncidentList(Out):
    items: list[IncidentOut]


class IncidentDetail(IncidentOut):
    alerts: list[AlertOut]  # type: ignore[valid-type]
    stories: list[StoryOut]  # type: ignore[valid-type]
    timeline: list[IncidentEventOut]  # type: ignore[valid-type]
    pages: list[PageOut]  # type: ignore[valid-type]


__all__ = ["IncidentDetail", "IncidentList", "IncidentOut"]
