"""Cues -> segments -> ``transcript`` mentions.

Caption cues are a few words each, too short for a query like ``"panne" NEAR/5 box`` to
match. Consecutive cues are joined into a segment until it lasts ``max_seconds``
(default 30), or it ends a sentence after at least ``min_seconds`` (default 8), or a
silence longer than ``max_gap`` (default 4 s) separates two cues.

A segment's ``native_id`` is a hash of the file name plus its start in milliseconds, so
re-reading the same file (a restart, a touched file) gives the same ids and the store
drops the repeats.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from socialhub.connectors.broadcast.captions import Cue
from socialhub.connectors.broadcast.metadata import Airing
from socialhub.models import Author, Mention
from socialhub.records.quarantine import Reason

_SENTENCE_END = re.compile(r"[.!?…»\"]\s*$")


@dataclass(slots=True)
class Segment:
    start: float
    end: float
    cues: list[Cue] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(c.text.replace("\n", " ") for c in self.cues).strip()


def segments(
    cues: list[Cue], *, max_seconds: float = 30.0, min_seconds: float = 8.0, max_gap: float = 4.0
) -> list[Segment]:
    out: list[Segment] = []
    current: Segment | None = None
    for cue in cues:
        if current is not None and (
            cue.start - current.end > max_gap or cue.end - current.start > max_seconds
        ):
            out.append(current)
            current = None
        if current is None:
            current = Segment(cue.start, cue.end)
        current.cues.append(cue)
        current.end = max(current.end, cue.end)
        long_enough = current.end - current.start >= min_seconds
        if long_enough and _SENTENCE_END.search(cue.text):
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return out


def segment_id(file_name: str, start: float) -> str:
    digest = hashlib.sha256(file_name.encode()).hexdigest()[:16]
    return f"{digest}:{round(start * 1000):010d}"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-") or "unknown"


def segment_to_mention(
    segment: Segment,
    *,
    path: Path,
    fmt: str,
    airing: Airing,
    match_query: str,
    collected_at: datetime,
) -> Mention:
    """One segment as a transcript mention at air start + its time code."""
    if not segment.text:
        raise ValueError(
            Reason("broadcast_empty_segment", file=path.name, start=f"{segment.start:.3f}")
        )
    speakers = sorted({c.speaker for c in segment.cues if c.speaker})
    return Mention(
        platform=airing.medium,
        native_id=segment_id(path.name, segment.start),
        text=segment.text,
        created_at=airing.start + timedelta(seconds=segment.start),
        url=f"{path.resolve().as_uri()}#t={segment.start:.3f},{segment.end:.3f}",
        lang=airing.lang,
        kind="transcript",
        collected_at=collected_at,
        collected_via=f"broadcast:{fmt}",
        match_query=match_query,
        author=Author(platform=airing.medium, native_id=_slug(airing.channel), name=airing.channel),
        place=airing.place,
        raw={
            "file": path.name,
            "format": fmt,
            "channel": airing.channel,
            "programme": airing.programme,
            "air_start": airing.start.isoformat(),
            "metadata_from": airing.source,
            "start": round(segment.start, 3),
            "end": round(segment.end, 3),
            "speakers": speakers,
            "cues": [[round(c.start, 3), round(c.end, 3), c.text] for c in segment.cues],
            **({"extra": airing.extra} if airing.extra else {}),
        },
    )
