"""File import: CSV, JSON Lines, X API v2 pages and twarc2 output -> Mention.

Public API::

    import_file(path, store, *, fmt=None, mapping=None, batch_size=2000,
                progress=None, transform=None, timezone="UTC", collected_at=None)
        -> ImportReport
    ImportFile(path, *, fmt=None, mapping=None, timezone="UTC", collected_at=None)
        # iterate Mention | QuarantineItem without a store
    detect_format(path) -> str           # "csv" | "jsonl" | "x-v2" | "twarc2"
"""

from .detect import detect_format
from .importer import import_file
from .parse import ImportFile
from .records import FIELDS
from .types import FORMATS, ImportFormatError, ImportReport

__all__ = [
    "FIELDS",
    "FORMATS",
    "ImportFile",
    "ImportFormatError",
    "ImportReport",
    "detect_format",
    "import_file",
]
