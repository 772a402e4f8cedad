"""Open a file for import: detect its format and iterate Mentions and QuarantineItems.

This is the store-free half of the import, usable for previews and tests::

    with ImportFile("tweets.jsonl") as f:
        for item in f:          # Mention | QuarantineItem, streamed
            ...
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialhub.i18n import M_
from socialhub.models import utcnow
from socialhub.records.quarantine import Reason

from .csvfile import CsvParser
from .detect import non_post_kind, not_posts_error, read_head, sniff
from .jsonfile import Line, document_values, jsonl_values, record_items
from .reader import MAX_RECORD_BYTES, LineReader, OversizeLine
from .records import check_mapping
from .types import FORMATS, Context, ImportFormatError, Item
from .xv2 import x_items


class ImportFile:
    """A file opened for import.

    Parameters
    ----------
    path
        The file to read.
    fmt
        One of ``FORMATS`` to skip detection (content that does not fit is quarantined).
    mapping
        ``{canonical field: column or key}`` for CSV and flat JSON records, e.g.
        ``{"text": "message", "created_at": "date", "author": "user"}``; JSON keys may
        be dotted paths (``"user.screen_name"``). Canonical fields: ``records.FIELDS``.
    timezone
        IANA zone for naive date-times (CSV exports often use local time).
    collected_at
        ``Mention.collected_at`` for records that do not carry their own (default: now).
    max_record_bytes
        Largest record (physical line) imported; a longer one is quarantined whole as
        ``record larger than ...`` (its first 64 KiB kept), never cut into fragments.

    Raises
    ------
    ImportFormatError
        Unknown format, binary file, CSV without text or date column, bad mapping, a file
        that holds no posts (twarc2 accounts, counts, lists, compliance records).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        fmt: str | None = None,
        mapping: Mapping[str, str] | None = None,
        timezone: str = "UTC",
        collected_at: datetime | None = None,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        self.path = Path(path)
        if fmt is not None and fmt not in FORMATS:
            raise ImportFormatError(
                M_(
                    "unknown format %(format)r; expected one of %(formats)s",
                    format=fmt,
                    formats=", ".join(FORMATS),
                )
            )
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ImportFormatError(M_("unknown timezone %(zone)r", zone=timezone)) from exc
        try:
            checked = check_mapping(mapping)
        except ValueError as exc:
            raise ImportFormatError(*exc.args) from exc
        self.reader = LineReader(self.path, max_record_bytes)
        sample, lines = read_head(self.path, max_record_bytes)
        try:
            detected, layout = sniff(sample, lines)
        except ImportFormatError:
            if fmt is None:
                raise
            detected, layout = fmt, "csv" if fmt == "csv" else "jsonl"
        self.detected = detected
        self.format = fmt or detected
        if fmt is not None:
            if fmt == "csv":
                layout = "csv"
            elif layout == "csv":
                layout = "jsonl"
        self.layout = layout
        if layout != "csv" and (self.format != "jsonl" or not checked):
            kind = non_post_kind(lines)  # accounts, counts...: refuse the file whole
            if kind is not None:
                raise not_posts_error(kind, "X API v2" if self.format == "x-v2" else "twarc2")
        self.source = f"import:{self.format}:{self.path.name}"
        self.ctx = Context(
            source=self.source,
            via=f"import:{self.format}",
            collected_at=collected_at or utcnow(),
            timezone=timezone,
            mapping=checked,
        )
        self._notes: list[str] = []
        if detected == "empty":
            self._notes.append(M_("the file is empty"))
        self._oversize: list[Item] = []
        self._lines = self._bounded(iter(self.reader))
        self._csv = (
            CsvParser(self._lines, self.ctx, self._notes, self.reader.line_encodings)
            if self.layout == "csv" and detected != "empty"
            else None
        )

    @property
    def bytes_read(self) -> int:
        return self.reader.bytes_read

    @property
    def total_bytes(self) -> int:
        return self.reader.total_bytes

    @property
    def notes(self) -> list[str]:
        """Human notes: detection, delimiter, encoding fallbacks (complete once read)."""
        return [*self._notes, *self.reader.encoding_notes()]

    def _bounded(self, lines: Iterator[Line]) -> Iterator[Line]:
        """The reader's lines minus oversize ones, which become quarantine items."""
        for lineno, text in lines:
            if isinstance(text, OversizeLine):
                self._oversize.append(
                    self.ctx.quarantine(
                        _too_large(self.reader.max_record_bytes, text.size, len(text)),
                        str(text),
                        f"line {lineno}",
                    )
                )
                continue
            yield lineno, text

    def __iter__(self) -> Iterator[Item]:
        for item in self._items():
            if self._oversize:
                yield from self._oversize
                self._oversize.clear()
            yield item
        yield from self._oversize
        self._oversize.clear()

    def _items(self) -> Iterator[Item]:
        if self.detected == "empty":
            return
        if self._csv is not None:
            yield from self._csv
            return
        values = (
            document_values(self._lines) if self.layout == "document" else jsonl_values(self._lines)
        )
        if self.format in ("x-v2", "twarc2"):
            for location, text, value, error in values:
                if error:
                    yield self.ctx.quarantine(error, text, location)
                else:
                    yield from x_items(value, self.ctx, location, text)
        else:
            yield from record_items(values, self.ctx)

    def close(self) -> None:
        close = getattr(self._lines, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> ImportFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _too_large(limit: int, size: int, kept: int) -> Reason:
    """``record larger than 64 MiB: …`` (the limit in bytes when not whole MiB)."""
    if limit % (1024 * 1024) == 0:
        return Reason("record_too_large", limit=limit // (1024 * 1024), size=size, kept=kept)
    return Reason("record_too_large_bytes", limit=limit, size=size, kept=kept)
