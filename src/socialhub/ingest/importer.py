"""``import_file``: stream a file into the store in batches, quarantining what fails."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from socialhub.models import Mention, QuarantineItem
from socialhub.store.base import Store
from socialhub.store.imports import ImportLedger

from .parse import ImportFile
from .types import ImportReport, Progress, Transform


def import_file(
    path: str | Path,
    store: Store,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    batch_size: int = 2000,
    progress: Progress | None = None,
    transform: Transform | None = None,
    timezone: str = "UTC",
    collected_at: datetime | None = None,
    committed: Callable[[], None] | None = None,
) -> ImportReport:
    """Import a CSV, JSONL, X API v2 or twarc2 file into ``store``.

    The file is streamed: memory holds one batch (plus 8 bytes per mention, the id
    hashes that count duplicates within the file: ``SeenIds``). Re-importing a file is
    idempotent because ``store.mentions.add`` is (the second run reports 0 inserted), and
    resuming one is fast:
    records the store already holds with the same raw payload hash are skipped before
    ``transform`` and counted ``unchanged``, and quarantine rows an earlier run wrote
    (same source, location, reason, raw) are not written again. So an import killed
    half way is simply run again.

    Parameters
    ----------
    path, fmt, mapping, timezone, collected_at
        See ``ImportFile``.
    store
        Receives ``store.mentions.add(batch)`` and ``store.sources.quarantine(items)``.
    batch_size
        Mentions per ``store.mentions.add`` call.
    progress
        ``progress(bytes_read, total_bytes, mentions_so_far)`` after every batch.
    transform
        Applied to each batch before ``store.mentions.add`` (e.g. the enrichment pipeline);
        mentions it leaves out are counted as ``dropped``.
    committed
        Called after each batch is written (quarantine included): a pipeline used as
        ``transform`` learns the batch only then (``Pipeline.commit``), so a failed
        write never leaves its duplicate filter claiming mentions the store lacks.

    Returns
    -------
    ImportReport
        Counts that add up: ``report.read == report.accounted()``.

    Raises
    ------
    ImportFormatError
        Before anything is written, when the file cannot be read at all.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.monotonic()
    with ImportFile(
        path, fmt=fmt, mapping=mapping, timezone=timezone, collected_at=collected_at
    ) as source:
        report = ImportReport(
            path=str(path),
            format=source.format,
            source=source.source,
            total_bytes=source.total_bytes,
        )
        from .seen import SeenIds  # numpy: not for light commands that import ingest

        seen = SeenIds()
        mentions: list[Mention] = []
        held: list[QuarantineItem] = []
        ledger = getattr(store, "imports", None)
        if not isinstance(ledger, ImportLedger):
            ledger = None
        requarantined = 0

        def flush() -> None:
            nonlocal requarantined
            if mentions:
                fresh = mentions
                if ledger is not None:
                    stored = ledger.raw_hashes([m.id for m in mentions])
                    fresh = [
                        m for m in mentions if not m.raw_sha256 or stored.get(m.id) != m.raw_sha256
                    ]
                    report.unchanged += len(mentions) - len(fresh)
                batch = transform(list(fresh)) if transform and fresh else fresh
                report.dropped += max(0, len(fresh) - len(batch))
                if batch:
                    result = store.mentions.add(batch)
                    report.inserted += result.inserted
                    report.updated += result.updated
                    report.unchanged += len(batch) - result.inserted - result.updated
                mentions.clear()
            if held:
                new = ledger.new_quarantine(held) if ledger is not None else held
                requarantined += len(held) - len(new)
                if new:
                    store.sources.quarantine(new)
                held.clear()
            if committed is not None:
                committed()
            report.bytes_read = source.bytes_read
            if progress is not None:
                progress(source.bytes_read, source.total_bytes, report.mentions)

        for item in source:
            report.read += 1
            if isinstance(item, QuarantineItem):
                report.quarantined += 1
                category = item.reason.split(":", 1)[0]
                report.quarantine_reasons[category] = report.quarantine_reasons.get(category, 0) + 1
                held.append(item)
            else:
                if not seen.add_new(item.id):
                    report.duplicates += 1
                    continue
                report.mentions += 1
                mentions.append(item)
            if len(mentions) >= batch_size or len(held) >= batch_size:
                flush()
        flush()
        report.notes = source.notes
        if requarantined:
            report.notes.append(
                f"{requarantined} quarantined record(s) were already in quarantine"
                " (an earlier import of this file): not written again"
            )
        report.bytes_read = source.bytes_read
    report.seconds = time.monotonic() - started
    return report
