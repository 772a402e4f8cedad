"""Broadcast transcripts from a watched folder (target kind ``folder``, value = its path).

Each :meth:`BroadcastConnector.fetch` lists the folder, takes up to ``max_files`` caption
files (``.vtt``, ``.srt``, ``.ttml``/``.dfxp``/``.xml``) that are new or changed since
they were last processed, and that are *stable*: not modified for ``settle_seconds``
(default 10), so a file still being written (its mtime keeps moving) is left for a later
poll. The cursor maps each processed file name to the ``[mtime_ns, size]`` it had, so a
restart never re-reads a file and a rewritten one is read again (its segments keep
their ids, so nothing is duplicated). A malformed file, or one without metadata (see
:mod:`socialhub.connectors.broadcast.metadata`), is rejected once with the reason and
recorded, so it is not rejected again until it changes. Files are read oldest first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialhub.connectors.base import (
    BadRequest,
    MalformedPayload,
    Page,
    Rejected,
    Target,
    Unavailable,
)
from socialhub.connectors.broadcast.captions import EXTENSIONS, PARSERS
from socialhub.connectors.broadcast.metadata import MEDIA, airing_for
from socialhub.connectors.broadcast.normalize import segment_to_mention, segments
from socialhub.connectors.manifest import option_defaults
from socialhub.records.quarantine import Reason, reason_of

OPTIONS = option_defaults("broadcast")  # the manifest's [options]: the one place of each default

MAX_BYTES = 20_000_000  # a caption file is text: anything larger is not one


class BroadcastConnector:
    """Options: ``medium`` (``tv`` or ``radio`` when the metadata does not say),
    ``timezone`` (for file names without a zone), ``settle_seconds``, ``max_files``,
    ``max_seconds`` / ``min_seconds`` / ``max_gap`` (segmenting)."""

    name = "broadcast"

    def __init__(
        self,
        *,
        medium: str = OPTIONS["medium"],
        timezone: str = OPTIONS["timezone"],
        settle_seconds: float = OPTIONS["settle_seconds"],
        max_files: int = OPTIONS["max_files"],
        max_seconds: float = OPTIONS["max_seconds"],
        min_seconds: float = OPTIONS["min_seconds"],
        max_gap: float = OPTIONS["max_gap"],
        clock: Callable[[], datetime] | None = None,
        wall: Callable[[], float] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if medium not in MEDIA:
            raise ValueError(f"broadcast: medium must be one of {MEDIA}")
        self.medium = medium
        self.timezone = timezone
        self.settle_seconds = settle_seconds
        self.max_files = max_files
        self.seg = {"max_seconds": max_seconds, "min_seconds": min_seconds, "max_gap": max_gap}
        self.clock = clock or (lambda: datetime.now(UTC))
        self.wall = wall or time.time

    async def close(self) -> None:
        return None

    def _candidates(self, folder: Path, done: Mapping[str, Any]) -> tuple[list[Path], int]:
        """Changed caption files ready to read (oldest first), and how many still settle."""
        now = self.wall()
        ready: list[tuple[int, Path]] = []
        settling = 0
        for path in folder.iterdir():
            if path.suffix.lower() not in EXTENSIONS or not path.is_file():
                continue
            stat = path.stat()
            if done.get(path.name) == [stat.st_mtime_ns, stat.st_size]:
                continue
            if now - stat.st_mtime < self.settle_seconds:
                settling += 1  # still being written (or just copied): next poll
                continue
            ready.append((stat.st_mtime_ns, path))
        ready.sort(key=lambda pair: (pair[0], pair[1].name))
        return [p for _, p in ready], settling

    async def fetch(self, target: Target, cursor: Mapping[str, Any] | None) -> Page:
        if target.kind != "folder":
            raise BadRequest(f"broadcast: unsupported target kind {target.kind!r} (use 'folder')")
        folder = Path(target.value).expanduser()
        if not folder.is_dir():
            # A network share that is not mounted yet: try again later.
            raise Unavailable(f"broadcast: folder {folder} not found or not a directory")
        files: dict[str, Any] = dict((cursor or {}).get("files", {}))
        ready, _settling = self._candidates(folder, files)
        page = Page()
        for path in ready[: self.max_files]:
            stat = path.stat()
            try:
                page.mentions += self._read(path, target)
            except (MalformedPayload, ValueError, UnicodeDecodeError) as exc:
                page.rejected.append(Rejected(reason_of(exc), _head(path), str(path)))
            files[path.name] = [stat.st_mtime_ns, stat.st_size]
        # Forget files that left the folder, so the cursor does not grow forever.
        present = {p.name for p in folder.iterdir()}
        page.cursor = {"files": {k: v for k, v in files.items() if k in present}}
        page.done = len(ready) <= self.max_files
        return page

    def _read(self, path: Path, target: Target) -> list[Any]:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(Reason("broadcast_too_large", file=path.name, limit=MAX_BYTES))
        fmt = EXTENSIONS[path.suffix.lower()]
        text = path.read_bytes().decode("utf-8-sig")
        cues = PARSERS[fmt](text)
        airing = airing_for(path, medium=self.medium, tz=self.timezone)
        now = self.clock()
        return [
            segment_to_mention(
                seg,
                path=path,
                fmt=fmt,
                airing=airing,
                match_query=target.match_query,
                collected_at=now,
            )
            for seg in segments(cues, **self.seg)
        ]


def _head(path: Path) -> str:
    try:
        return path.read_bytes()[:4000].decode("utf-8", "replace")
    except OSError:
        return ""
