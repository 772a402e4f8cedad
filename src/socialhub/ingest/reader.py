"""Stream a file as decoded physical lines, never failing on bad bytes.

Each line is decoded on its own: UTF-8 first (a leading BOM is dropped), then cp1252,
then latin-1, which accepts any byte. Deciding per line rather than per file means a
file that mixes encodings (a cp1252 export appended to a UTF-8 one) still reads, and
a few junk bytes only affect their own line. UTF-16 files (Excel "Unicode text")
are recognised by their BOM and decoded whole.

A record may be up to :data:`MAX_RECORD_BYTES` (64 MiB) on one line: a twarc2 page or a
post with a large payload imports whole. A longer line is never cut into fragments: it is
read through without being kept and comes out as an :class:`OversizeLine` (its head and
its real size), which the import quarantines whole as ``record larger than 64 MiB``.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from socialhub.i18n import M_

#: Largest record (one physical line) imported; a longer one is quarantined whole.
MAX_RECORD_BYTES = 64 * 1024 * 1024
#: What the quarantine keeps of an oversize record (the file keeps the rest).
OVERSIZE_HEAD_BYTES = 64 * 1024
SAMPLE_BYTES = 64 * 1024
_SKIP_CHUNK = 1024 * 1024


class OversizeLine(str):
    """A line longer than the record limit: only its first bytes, with its real size."""

    size: int

    def __new__(cls, head: str, size: int) -> OversizeLine:
        line = super().__new__(cls, head)
        line.size = size
        return line


def read_line(f: BinaryIO, limit: int = MAX_RECORD_BYTES) -> tuple[bytes, int]:
    """One physical line and its size; past ``limit`` only the head is kept (bounded memory).

    The whole line is consumed either way, so the next call starts on the next line.
    """
    data = f.readline(limit + 1)
    if len(data) <= limit or data.endswith(b"\n"):
        return data, len(data)
    size = len(data)
    data = data[:OVERSIZE_HEAD_BYTES]
    while True:
        chunk = f.readline(_SKIP_CHUNK)
        size += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return data, size


class LineReader:
    """Iterate ``(line_number, text)`` over a file, counting bytes for progress.

    Line numbers start at 1; ``text`` keeps its line ending. ``fallback_lines`` maps
    each non-UTF-8 encoding used to the number of lines decoded with it.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"caf\\xe9\\nok\\n")
    >>> r = LineReader(f.name)
    >>> list(r)
    [(1, 'café\\n'), (2, 'ok\\n')]
    >>> r.fallback_lines
    {'cp1252': 1}
    >>> os.unlink(f.name)
    """

    def __init__(self, path: str | Path, max_record_bytes: int = MAX_RECORD_BYTES) -> None:
        self.path = Path(path)
        self.max_record_bytes = max_record_bytes
        self.total_bytes = self.path.stat().st_size
        self.bytes_read = 0
        self.fallback_lines: dict[str, int] = {}
        self.first_fallback_line: int | None = None
        self.encoding = "utf-8"
        self.line_encodings: dict[int, str] = {}  # only for lines not read as UTF-8, bounded

    def sample(self, size: int = SAMPLE_BYTES) -> bytes:
        """The first ``size`` bytes, without consuming anything."""
        with self.path.open("rb") as f:
            return f.read(size)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        with self.path.open("rb") as f:
            head = f.read(4)
            f.seek(0)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                self.encoding = "utf-16"
                yield from self._utf16_lines(f)
                return
            yield from self._byte_lines(f)

    def _byte_lines(self, f: BinaryIO) -> Iterator[tuple[int, str]]:
        lineno = 0
        while True:
            data, size = read_line(f, self.max_record_bytes)
            if not data:
                return
            self.bytes_read += size
            lineno += 1
            if lineno == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
                self.encoding = "utf-8-sig"
            if size > self.max_record_bytes:
                yield lineno, OversizeLine(data.decode("utf-8", errors="replace"), size)
            else:
                yield lineno, self._decode(data, lineno)

    def _decode(self, data: bytes, lineno: int) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text, used = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing fails.
            text, used = data.decode("latin-1"), "latin-1"
        self.fallback_lines[used] = self.fallback_lines.get(used, 0) + 1
        if self.first_fallback_line is None:
            self.first_fallback_line = lineno
        if len(self.line_encodings) < 10_000:
            self.line_encodings[lineno] = used
        return text

    def _utf16_lines(self, f: BinaryIO) -> Iterator[tuple[int, str]]:
        text = io.TextIOWrapper(f, encoding="utf-16", errors="replace", newline="")
        limit = self.max_record_bytes // 2  # characters of two bytes
        lineno = 0
        while line := text.readline(limit + 1):
            lineno += 1
            self.bytes_read = f.tell()  # the wrapper reads ahead: close enough for progress
            if len(line) > limit and not line.endswith(("\n", "\r")):
                size, head = len(line) * 2, line[: OVERSIZE_HEAD_BYTES // 2]
                while (rest := text.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                    size += len(rest) * 2
                yield lineno, OversizeLine(head, size + len(rest) * 2)
                continue
            yield lineno, line
        self.bytes_read = self.total_bytes

    def encoding_notes(self) -> list[str]:
        """Human notes on how the file was decoded (empty for clean UTF-8)."""
        notes: list[str] = []
        if self.encoding == "utf-16":
            notes.append(M_("file is UTF-16 (BOM); undecodable bytes were replaced"))
        for used, count in sorted(self.fallback_lines.items()):
            notes.append(
                M_(
                    "%(count)s line(s) were not valid UTF-8 and were decoded as %(encoding)s"
                    " (first: line %(line)s)",
                    count=count,
                    encoding=used,
                    line=self.first_fallback_line,
                )
            )
        return notes


def looks_binary(sample: bytes) -> bool:
    """True when a sample is clearly not text.

    A few junk lines inside a CSV must not condemn the file: it is binary when most of
    its lines hold a NUL byte, or when control characters are more than a tenth of it.
    """
    if not sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    lines = [line for line in sample.split(b"\n") if line.strip()]
    if lines and sum(1 for line in lines if 0 in line) * 2 > len(lines):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls * 10 > len(sample)
