"""CSV with a header row -> Mention, streaming, with delimiter sniffing and row recovery.

A stray quote makes the csv module swallow the following lines into one field. When
a record spanning several physical lines comes out malformed (wrong field count, or
longer than ``MAX_RECORD_LINES``), only its first line is quarantined and the other
lines are parsed again, so one bad quote costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping

from socialhub.connectors.x.normalize import unescape_text
from socialhub.i18n import M_
from socialhub.models import QuarantineItem
from socialhub.records.quarantine import Reason

from .records import FIELDS, fields_to_mention, header_key
from .types import BAD_SHAPE, Context, ImportFormatError, Item, Reject
from .values import parse_datetime, x_snowflake_time

DELIMITERS = (",", ";", "\t", "|")
MAX_RECORD_LINES = 200  # a quoted post longer than this is a broken quote, not a post
SNIFF_LINES = 50
#: Id columns named after tweets: without a date column, their snowflake ids give the
#: creation time (CrisisLex, TweetsKB and most tweet-id datasets ship only the ids).
TWEET_ID_KEYS = frozenset({"tweet_id", "status_id", "id_str", "tweetid"})

Line = tuple[int, str]


class _RecordTooLong(Exception):
    pass


class _Lines:
    """Physical lines with push-back, remembering those the current record consumed."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self._it = iter(lines)
        self._back: list[Line] = []
        self.consumed: list[Line] = []

    def pull(self) -> Line | None:
        if self._back:
            return self._back.pop()
        return next(self._it, None)

    def push_back(self, lines: list[Line]) -> None:
        self._back.extend(reversed(lines))

    def texts(self) -> Iterator[str]:
        """What csv.reader consumes; raises when one record grows absurdly long."""
        while True:
            line = self.pull()
            if line is None:
                return
            self.consumed.append(line)
            if len(self.consumed) > MAX_RECORD_LINES:
                raise _RecordTooLong
            yield line[1]


def sniff_delimiter(sample: list[str]) -> str:
    """The delimiter giving the most lines with the header's (>1) field count.

    Lines are split one by one (a junk line must not stop the sniffing), so a quoted
    multi-line post scores low for every candidate alike.
    """
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        widths = []
        for text in sample:
            try:
                widths.append(len(next(csv.reader([text], delimiter=delim, strict=False), [])))
            except csv.Error:
                widths.append(0)
        if not widths or widths[0] < 2:
            continue
        score = (sum(1 for w in widths if w == widths[0]), widths[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _location(lines: list[Line]) -> str:
    first, last = lines[0][0], lines[-1][0]
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _raw(lines: list[Line]) -> str:
    return "".join(text for _, text in lines).rstrip("\r\n")


class CsvParser:
    """Parse a CSV stream; ``columns`` maps canonical fields to header positions.

    Raises ImportFormatError at construction when the header has no text or date
    column (or the mapping names a column that is not there), before any row is read.
    """

    def __init__(
        self,
        lines: Iterable[Line],
        ctx: Context,
        notes: list[str],
        line_encodings: Mapping[int, str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.line_encodings = line_encodings if line_encodings is not None else {}
        self.notes = notes
        self.lines = _Lines(lines)
        sample: list[Line] = []
        while len(sample) < SNIFF_LINES:
            line = self.lines.pull()
            if line is None:
                break
            sample.append(line)
        while sample and not sample[0][1].strip():
            sample.pop(0)  # leading blank lines
        if not sample:
            raise ImportFormatError(M_("CSV file has no header row"))
        first = sample[0][1].strip()
        if first.lower().startswith("sep=") and len(first) == 5:
            self.delimiter = first[4]  # Excel's hint line
            sample.pop(0)
        else:
            self.delimiter = sniff_delimiter([text for _, text in sample])
        self.lines.push_back(sample)
        self._reader = self._new_reader()
        header_lines, header_row, _ = self._next_row()
        if not header_lines or not header_row:
            raise ImportFormatError(M_("CSV file has no readable header row"))
        self.header = self._unique(header_row)
        self.columns = self._columns(self.header, ctx.mapping)
        #: no date column, but tweet ids: each row's time is read from its id
        self.dates_from_ids = "created_at" not in self.columns
        if self.dates_from_ids:
            notes.append(
                M_(
                    "no date column: each post's time is read from its tweet id (%(column)s)",
                    column=self.header[self.columns["id"]],
                )
            )
        if self.delimiter != ",":
            notes.append(M_("CSV delimiter: %(delimiter)r", delimiter=self.delimiter))

    def _new_reader(self) -> Iterator[list[str]]:
        self.lines.consumed = []
        return csv.reader(self.lines.texts(), delimiter=self.delimiter, strict=False)

    @staticmethod
    def _unique(names: list[str]) -> list[str]:
        seen: dict[str, int] = {}
        out = []
        for name in names:
            name = name.strip().lstrip("\ufeff") or "column"
            seen[name] = seen.get(name, 0) + 1
            out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
        return out

    @staticmethod
    def _columns(header: list[str], mapping: Mapping[str, str]) -> dict[str, int]:
        keys: dict[str, int] = {}
        for i, name in enumerate(header):
            keys.setdefault(header_key(name), i)
        columns: dict[str, int] = {}
        for canonical, aliases in FIELDS.items():
            if canonical in mapping:
                wanted = header_key(mapping[canonical])
                if wanted not in keys:
                    raise ImportFormatError(
                        M_(
                            "mapping %(field)s=%(column)r: no such column (columns: %(columns)s)",
                            field=canonical,
                            column=mapping[canonical],
                            columns=", ".join(header),
                        )
                    )
                columns[canonical] = keys[wanted]
                continue
            for alias in aliases:
                if alias in keys:
                    columns[canonical] = keys[alias]
                    break
        tweet_ids = "id" in columns and header_key(header[columns["id"]]) in TWEET_ID_KEYS
        for needed in ("text", "created_at"):
            if needed == "created_at" and tweet_ids:
                continue  # read from the ids (snowflakes)
            if needed not in columns:
                raise ImportFormatError(
                    M_(
                        "CSV has no %(field)s column (columns: %(columns)s); name it with"
                        ' --map %(field)s="COLUMN", e.g. --map %(field)s="%(example)s"',
                        field=needed,
                        columns=", ".join(header),
                        example=next(
                            (h for i, h in enumerate(header) if i not in columns.values()),
                            header[0] if header else "",
                        ),
                    )
                )
        return columns

    def _next_row(self) -> tuple[list[Line], list[str], Reason | None]:
        """The next non-blank record, the lines it came from and why it could not be
        parsed (None if it could).

        At the end of the file the lines are empty.
        """
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return [], [], None
            except (_RecordTooLong, csv.Error) as exc:
                consumed = self.lines.consumed
                self.lines.push_back(consumed[1:])
                self._reader = self._new_reader()
                if isinstance(exc, _RecordTooLong):
                    why = Reason("csv_unclosed_quote")
                elif "new-line character" in str(exc):
                    why = Reason("csv_stray_cr")
                else:
                    why = Reason("csv_error", error=str(exc))
                return consumed[:1], [], why
            consumed = self.lines.consumed
            self.lines.consumed = []
            if row:
                return consumed, row, None

    def __iter__(self) -> Iterator[Item]:
        width = len(self.header)
        while True:
            lines, row, error = self._next_row()
            if not lines:
                return
            if error is not None:
                yield self._quarantine(error, lines)
                continue
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]  # trailing empty cells, as some exports write
            if len(row) == width and len(lines) > 1 and self._swallowed_rows(lines[1:]):
                # A stray quote merged whole rows into one field: keep the first line for
                # quarantine and read the swallowed rows again.
                self.lines.push_back(lines[1:])
                self._reader = self._new_reader()
                yield self._quarantine(Reason("csv_swallowed_rows"), lines[:1])
                continue
            if len(row) != width:
                if len(lines) > 1:
                    # Probably an unbalanced quote swallowed the next lines: keep only the
                    # first line for quarantine and read the others again, with a fresh
                    # reader since the old one may have seen the end of the file.
                    self.lines.push_back(lines[1:])
                    self._reader = self._new_reader()
                    lines = lines[:1]
                code = "csv_field_count_quote" if '"' in lines[0][1] else "csv_field_count"
                yield self._quarantine(Reason(code, count=len(row), width=width), lines)
                continue
            try:
                fields = {canonical: row[i] for canonical, i in self.columns.items()}
                if self.dates_from_ids:
                    self._date_from_id(fields)
                raw = dict(zip(self.header, row, strict=True))
                yield fields_to_mention(fields, self.ctx, raw)
            except Reject as exc:
                yield self._quarantine(exc.reason, lines)
            except BAD_SHAPE as exc:  # a safety net: one odd row never stops the import
                yield self._quarantine(Reason("invalid_value", error=repr(exc)), lines)

    @staticmethod
    def _date_from_id(fields: dict[str, str]) -> None:
        """The row's time from its tweet id; an id that is no snowflake leaves the date
        empty (quarantined as a missing date). Tweet ids are X's unless a column says,
        and X's texts come with ``&amp; &lt; &gt;`` escaped, as the X connector reads them."""
        when = x_snowflake_time(fields["id"].strip())
        fields["created_at"] = when.isoformat() if when is not None else ""
        fields.setdefault("platform", "x")
        if fields["platform"].strip().lower() in ("x", "twitter") and "text" in fields:
            fields["text"] = unescape_text(fields["text"])

    def _swallowed_rows(self, lines: list[Line]) -> bool:
        """True when a continuation line of a multi-line record is itself a full row.

        A legitimate multi-line post rarely has a line with exactly the header's field
        count *and* a valid date in the date column; a row swallowed by a stray quote does.
        """
        width = len(self.header)
        date_col = self.columns.get("created_at", self.columns.get("id", 0))
        for _, text in lines:
            try:
                cells = next(csv.reader([text], delimiter=self.delimiter, strict=False), [])
            except csv.Error:
                continue
            if len(cells) == width and cells[date_col].strip():
                if self.dates_from_ids:
                    if x_snowflake_time(cells[date_col].strip()) is not None:
                        return True
                    continue
                try:
                    parse_datetime(cells[date_col], self.ctx.timezone)
                except Reject:
                    continue
                return True
        return False

    def _quarantine(self, reason: str, lines: list[Line]) -> QuarantineItem:
        used = {self.line_encodings[n] for n, _ in lines if n in self.line_encodings}
        if used:
            encodings = "/".join(sorted(used))
            if isinstance(reason, Reason):
                reason = reason.read_as(encodings)
            else:
                reason += f" (line read as {encodings}, not UTF-8)"
        return self.ctx.quarantine(reason, _raw(lines), _location(lines))
