"""What a resumed import asks the store: which records it already holds (migration 0018).

An import killed half way is run again from the start. Records the store already holds
with the same raw payload (same ``raw_sha256``) are skipped before the enrichment
pipeline (the slow part) and reported ``unchanged``; quarantine rows already written for
the same source, location, reason and raw text are not written twice. Both questions are one
indexed read per batch. SQL is written once with ``?`` placeholders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from socialhub.models import QuarantineItem
from socialhub.store.convert import clean, clean_raw
from socialhub.store.packing import sha256_text
from socialhub.store.sqlbase import Repo, iter_chunks


@runtime_checkable
class ImportLedger(Protocol):
    """The two reads a resumable import needs."""

    def raw_hashes(self, mention_ids: Sequence[str]) -> dict[str, str]:
        """``{mention id: raw_sha256}`` for the ids the store already holds."""
        ...

    def new_quarantine(self, items: Sequence[QuarantineItem]) -> list[QuarantineItem]:
        """The items not already in quarantine (same source, location, reason and raw)."""
        ...


class ImportRepo(Repo):
    """Reads on ``mentions`` (by id) and ``quarantine`` (by source and location)."""

    def raw_hashes(self, mention_ids: Sequence[str]) -> dict[str, str]:
        wanted = {clean(i): i for i in mention_ids}  # ids as stored -> as asked
        found: dict[str, str] = {}
        for chunk in iter_chunks(list(wanted), 500):
            marks = ", ".join("?" * len(chunk))
            for stored_id, digest in self._rows(
                f"SELECT id, raw_sha256 FROM mentions WHERE id IN ({marks})", list(chunk)
            ):
                found[wanted[stored_id]] = sha256_text(digest)
        return found

    def new_quarantine(self, items: Sequence[QuarantineItem]) -> list[QuarantineItem]:
        by_source: dict[str, list[QuarantineItem]] = {}
        for item in items:
            by_source.setdefault(clean(item.source), []).append(item)
        fresh: list[QuarantineItem] = []
        for source, group in by_source.items():
            locations = sorted({clean(i.location) for i in group})
            known: set[tuple[str, str, str]] = set()
            for chunk in iter_chunks(locations, 500):
                marks = ", ".join("?" * len(chunk))
                rows = self._rows(
                    "SELECT location, reason, raw FROM quarantine "
                    f"WHERE source = ? AND location IN ({marks})",
                    [source, *chunk],
                )
                known.update((str(loc), str(why), str(raw)) for loc, why, raw in rows)
            # Batches are written whole or not at all, so only stored rows count as known.
            fresh.extend(
                item
                for item in group
                if (clean(item.location), clean(item.reason), clean_raw(item.raw)) not in known
            )
        return fresh
