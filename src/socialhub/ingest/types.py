"""Small shared types of the import layer: formats, errors, the parse context, the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from socialhub.models import Mention, QuarantineItem

#: Formats ``import_file`` understands; ``fmt=`` takes one of these names.
#: ``jsonl`` covers flat records and socialhub's own Mention dicts; ``x-v2`` and ``twarc2``
#: both read X API v2 response pages or single tweets, ``twarc2`` also flattened lines.
FORMATS = ("csv", "jsonl", "x-v2", "twarc2")

Progress = Callable[[int, int, int], None]
"""``progress(bytes_read, total_bytes, mentions_so_far)``, called after every batch."""

Transform = Callable[[list[Mention]], list[Mention]]
"""Applied to each batch before ``store.mentions.add`` (e.g. the enrichment pipeline)."""

Item = Mention | QuarantineItem


class ImportFormatError(ValueError):
    """The file cannot be read at all (unknown format, no text column, bad mapping).

    Raised before anything is written to the store; row-level problems never raise,
    they are quarantined.
    """


#: What malformed-but-valid JSON raises in a converter (a list where an object was
#: expected, a number for a string...). Caught per record and quarantined as
#: ``invalid value``, so one odd record never stops an import.
BAD_SHAPE = (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError)


class Reject(Exception):
    """One record cannot become a Mention; ``category`` groups the report counts.

    The quarantine reason is ``"{category}: {detail}"`` so that a human reads one
    sentence and the report can still count per category.
    """

    def __init__(self, category: str, detail: str) -> None:
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail

    @property
    def reason(self) -> str:
        return f"{self.category}: {self.detail}"


@dataclass(slots=True)
class Context:
    """What every record parser needs to know about the file being imported."""

    source: str  # quarantine source, "import:{fmt}:{file name}"
    via: str  # Mention.collected_via, "import:{fmt}"
    collected_at: datetime  # one instant per import, unless the record carries its own
    timezone: str = "UTC"  # for naive date-times in CSV / flat records
    mapping: dict[str, str] = field(default_factory=dict)

    def quarantine(self, reason: str, raw: str, location: str) -> QuarantineItem:
        # PostgreSQL TEXT cannot hold NUL; escape it so the row is stored, not lost.
        return QuarantineItem(
            source=self.source, reason=reason, raw=raw.replace("\x00", "\\x00"), location=location
        )


@dataclass(slots=True)
class ImportReport:
    """What an import did. Nothing is lost: ``read == accounted()`` always holds.

    ``read`` counts records (a CSV row, a JSONL line, one tweet of an X page);
    ``unchanged`` are mentions the store already had and did not modify;
    ``duplicates`` repeat an id seen earlier in the same file and are skipped;
    ``dropped`` were removed by the caller's ``transform``.
    """

    path: str
    format: str
    source: str
    read: int = 0
    mentions: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    dropped: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    bytes_read: int = 0
    total_bytes: int = 0
    seconds: float = 0.0

    def accounted(self) -> int:
        return (
            self.inserted
            + self.updated
            + self.unchanged
            + self.duplicates
            + self.dropped
            + self.quarantined
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """A few human lines for the CLI."""
        lines = [
            f"{self.path} ({self.format}): {self.read} records read in {self.seconds:.1f} s",
            f"  inserted {self.inserted}, updated {self.updated}, unchanged {self.unchanged},"
            f" duplicates in file {self.duplicates}, dropped {self.dropped},"
            f" quarantined {self.quarantined}",
        ]
        for reason, count in sorted(self.quarantine_reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {count:>7}  {reason}")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)
