"""Where a transcript file's channel, programme and air time come from.

1. A **sidecar JSON** next to the file, same stem (``journal-20h.vtt`` +
   ``journal-20h.json``)::

       {"channel": "Canal Fictif", "programme": "Le Journal de 20h",
        "start": "2026-01-30T20:00:00+01:00", "medium": "tv", "lang": "fr",
        "place": "Lyon"}

   ``channel``, ``programme`` and ``start`` are required; ``medium`` is ``tv`` or
   ``radio`` (default: the connector's ``medium`` option); ``lang`` and ``place`` are
   optional; any other key is kept in the mention's raw payload.
2. Else the **file name**: ``CHANNEL__PROGRAMME__YYYYMMDDTHHMM[SS][ZONE][__MEDIUM].ext``
   with double underscores, e.g. ``radio-fictive__matinale__20260130T0700+0100__radio.srt``;
   dashes in the channel/programme become spaces; ``ZONE`` is ``Z`` or ``±HHMM`` and,
   when absent, the connector's ``timezone`` option (default Europe/Paris) applies.

A file with neither is rejected with the reason, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from socialhub.records.quarantine import Reason

MEDIA = ("tv", "radio")
_NAME = re.compile(
    r"^(?P<channel>[^_]+(?:_[^_]+)*?)__(?P<programme>.+?)__"
    r"(?P<date>\d{8}T\d{4}(?:\d{2})?)(?P<zone>Z|[+-]\d{4})?(?:__(?P<medium>tv|radio))?$"
)


@dataclass(slots=True)
class Airing:
    channel: str
    programme: str
    start: datetime
    medium: str = "tv"
    lang: str = "und"
    place: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # "sidecar" or "filename"


def sidecar_path(path: Path) -> Path:
    return path.with_suffix(".json")


def _from_sidecar(path: Path, medium: str) -> Airing:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(Reason("sidecar_unreadable", file=path.name, error=str(exc))) from exc
    if not isinstance(data, dict):
        raise ValueError(Reason("sidecar_not_object", file=path.name))
    missing = [k for k in ("channel", "programme", "start") if not data.get(k)]
    if missing:
        raise ValueError(Reason("sidecar_missing", file=path.name, fields=", ".join(missing)))
    try:
        start = datetime.fromisoformat(str(data["start"]).replace("Z", "+00:00"))
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        # A naive air time would silently shift every time code: demand the offset.
        raise ValueError(Reason("sidecar_bad_start", file=path.name, value=repr(data["start"])))
    chosen = str(data.get("medium") or medium)
    if chosen not in MEDIA:
        raise ValueError(Reason("sidecar_bad_medium", file=path.name))
    known = {"channel", "programme", "start", "medium", "lang", "place"}
    return Airing(
        channel=str(data["channel"]),
        programme=str(data["programme"]),
        start=start,
        medium=chosen,
        lang=str(data.get("lang") or "und"),
        place=str(data.get("place") or ""),
        extra={k: v for k, v in data.items() if k not in known},
        source="sidecar",
    )


def _from_name(path: Path, medium: str, tz: str) -> Airing | None:
    match = _NAME.match(path.stem)
    if match is None:
        return None
    date = match["date"]
    fmt = "%Y%m%dT%H%M%S" if len(date) == 15 else "%Y%m%dT%H%M"
    try:
        start = datetime.strptime(date, fmt)
    except ValueError:
        return None
    zone = match["zone"]
    if zone == "Z":
        start = start.replace(tzinfo=ZoneInfo("UTC"))
    elif zone:
        start = datetime.strptime(f"{date}{zone}", f"{fmt}%z")
    else:
        start = start.replace(tzinfo=ZoneInfo(tz))
    return Airing(
        channel=match["channel"].replace("-", " "),
        programme=match["programme"].replace("-", " "),
        start=start,
        medium=match["medium"] or medium,
        source="filename",
    )


def airing_for(path: Path, *, medium: str = "tv", tz: str = "Europe/Paris") -> Airing:
    """The file's airing; ``ValueError`` with the reason when none can be found."""
    sidecar = sidecar_path(path)
    if sidecar.exists():
        return _from_sidecar(sidecar, medium)
    airing = _from_name(path, medium, tz)
    if airing is None:
        raise ValueError(Reason("broadcast_no_airing", file=path.name, sidecar=sidecar.name))
    return airing
