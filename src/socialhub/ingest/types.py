"""Small shared types of the import layer: formats, errors, the parse context, the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from socialhub.i18n import N_, _, format_number, localised, ngettext
from socialhub.models import Mention, QuarantineItem
from socialhub.records.quarantine import Reason

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
    sentence and the report can still count per category. Raise it with
    :meth:`because` so that the reason keeps its code (shown translated).
    """

    def __init__(self, category: str, detail: str) -> None:
        super().__init__(f"{category}: {detail}")
        self.category = category
        self.detail = detail
        self.why: Reason | None = None

    @classmethod
    def because(cls, code: str, **params: Any) -> Reject:
        """A rejection with one of :data:`socialhub.records.quarantine.REASONS`."""
        why = Reason(code, **params)
        category, _sep, detail = why.partition(": ")
        exc = cls(category, detail)
        exc.why = why
        return exc

    @property
    def reason(self) -> str:
        return self.why if self.why is not None else f"{self.category}: {self.detail}"


@dataclass(slots=True)
class Context:
    """What every record parser needs to know about the file being imported."""

    source: str  # quarantine source, "import:{fmt}:{file name}"
    via: str  # Mention.collected_via, "import:{fmt}"
    collected_at: datetime  # one instant per import, unless the record carries its own
    timezone: str = "UTC"  # for naive date-times in CSV / flat records
    mapping: dict[str, str] = field(default_factory=dict)

    def quarantine(self, reason: str, raw: str, location: str) -> QuarantineItem:
        """``reason`` is best a :class:`Reason` (its code and parameters are kept)."""
        # PostgreSQL TEXT cannot hold NUL; escape it so the row is stored, not lost.
        return QuarantineItem(
            source=self.source, reason=reason, raw=raw.replace("\x00", "\\x00"), location=location
        )


# The quarantine categories an import counts (the reason before its first colon), as a
# person reads them; the stored reasons and --json keep the English.
_CATEGORIES = {
    "invalid JSON": N_("invalid JSON"),
    "invalid value": N_("invalid value"),
    "missing text": N_("missing text"),
    "unsupported record": N_("unsupported record"),
    "broken row": N_("broken row"),
    "wrong field count": N_("wrong field count"),
    "X API error page": N_("X API error page"),
}
_FIELD_CATEGORIES = {"missing": N_("missing %(field)s"), "unparseable": N_("unparseable %(field)s")}


def category_text(category: str) -> str:
    """A quarantine category in the current locale ("missing created_at")."""
    if category in _CATEGORIES:
        return _(_CATEGORIES[category])
    head, _sep, field_name = category.partition(" ")
    if head in _FIELD_CATEGORIES and field_name and " " not in field_name:
        return _(_FIELD_CATEGORIES[head]) % {"field": field_name}
    if category.startswith("record larger than"):
        return _("record too large")
    return category


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
        """A few human lines for the CLI, in the current locale."""
        n = format_number
        lines = [
            ngettext(
                "%(path)s (%(format)s): %(read)s record read in %(seconds)s s",
                "%(path)s (%(format)s): %(read)s records read in %(seconds)s s",
                self.read,
            )
            % {
                "path": self.path,
                "format": self.format,
                "read": n(self.read),
                "seconds": n(self.seconds, 1),
            },
            _(
                "  inserted %(inserted)s, updated %(updated)s, unchanged %(unchanged)s,"
                " duplicates in file %(duplicates)s, dropped %(dropped)s,"
                " quarantined %(quarantined)s"
            )
            % {
                "inserted": n(self.inserted),
                "updated": n(self.updated),
                "unchanged": n(self.unchanged),
                "duplicates": n(self.duplicates),
                "dropped": n(self.dropped),
                "quarantined": n(self.quarantined),
            },
        ]
        for reason, count in sorted(self.quarantine_reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {n(count):>7}  {category_text(reason)}")
        lines.extend(_("  note: %(note)s") % {"note": localised(note)} for note in self.notes)
        return "\n".join(lines)
