"""`socialhub enrich`: the enrichment chain over a JSONL stream (stdin -> stdout).

Each input line needs at least ``id`` and ``text`` (optionally ``lang``, ``created_at``,
``author``, ``platform``). Each output line is the input object with the enrichment
under stable keys: ``lang``, ``sentiment: {label, score}``, ``entities``,
``keyphrases``, ``categories``, ``places`` (and ``cluster``). A line that cannot be
read or enriched comes out unchanged with an ``error`` key: nothing is lost.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from rich.text import Text

from socialhub.cli.common import console, store_from
from socialhub.i18n import _
from socialhub.models import Author, Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import DEFAULT_ENRICHERS, MODES, Pipeline
from socialhub.store.base import Store

# Dedup would swallow repeated lines and routing needs a configured store: both off here
# unless --db is given (then routing and the workspace dictionaries apply).
_WITHOUT_STORE = ("dedup", "route", "relevance")


def to_mention(obj: dict[str, Any], line_no: int) -> Mention:
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    if "text" not in obj or not isinstance(obj["text"], str):
        raise ValueError("missing or non-string 'text'")
    created = obj.get("created_at")
    when = datetime.now(UTC)
    if created:
        when = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    author = obj.get("author")
    handle = author.get("handle", "") if isinstance(author, dict) else str(author or "")
    platform = str(obj.get("platform") or "input")
    return Mention(
        platform=platform,
        native_id=str(obj.get("id", line_no)),
        text=obj["text"],
        created_at=when,
        lang=str(obj.get("lang") or "und"),
        author=Author(platform, handle, handle=handle) if handle else None,
    )


def enrichment(m: Mention) -> dict[str, Any]:
    return {
        "lang": m.lang,
        "sentiment": (
            {"label": m.sentiment_label, "score": m.sentiment_score} if m.sentiment_label else None
        ),
        "entities": m.entities,
        "keyphrases": m.keyphrases,
        "categories": m.categories,
        "places": m.places,
        "cluster": {"id": m.cluster_id, "size": m.cluster_size} if m.cluster_id else None,
        **({"query_ids": m.query_ids, "relevance": m.relevance} if m.query_ids else {}),
    }


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for n, line in enumerate(stream, start=1):
        if line.strip():
            yield n, line


def enrich_stream(
    source: IO[bytes], sink: IO[bytes], pipeline: Pipeline, batch_size: int
) -> dict[str, int]:
    """Enrich line by line in batches; output lines keep the input order."""
    counts = {"read": 0, "enriched": 0, "errors": 0}
    # (input object, its mention or None, the error when it could not be read)
    batch: list[tuple[Any, Mention | None, str]] = []

    def flush() -> None:
        mentions = [m for _, m, _ in batch if m is not None]
        result = pipeline.process(mentions) if mentions else None
        kept = {id(m) for m in result.kept} if result else set()
        problems: dict[int, str] = {}
        if result:
            problems.update({id(d.mention): f"dropped: {d.reason}" for d in result.dropped})
            failed = {q.location: q.reason for q in result.quarantined}
            problems.update({id(m): failed[m.id] for m in mentions if m.id in failed})
        for obj, m, error in batch:
            if m is not None and id(m) in kept:
                counts["enriched"] += 1
                out = {**obj, **enrichment(m)}
            else:
                counts["errors"] += 1
                out = {**obj, "error": error or problems.get(id(m), "not enriched")}
            sink.write(orjson.dumps(out, default=str) + b"\n")
        if result:
            pipeline.commit(result)  # written: later repeats are dropped as duplicates
        batch.clear()

    for line_no, raw in _lines(source):
        counts["read"] += 1
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            batch.append(
                ({"line": line_no, "raw": text}, None, f"line {line_no}: invalid JSON: {exc}")
            )
            continue
        try:
            batch.append((obj, to_mention(obj, line_no), ""))
        except (ValueError, TypeError, AttributeError) as exc:
            keep = obj if isinstance(obj, dict) else {"line": line_no, "raw": obj}
            batch.append((keep, None, f"line {line_no}: {exc}"))
        if len(batch) >= batch_size:
            flush()
    flush()
    return counts


InputOption = Annotated[
    Path | None, typer.Option("--input", "-i", help="JSONL file (default: stdin).")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="JSONL file (default: stdout).")
]


def enrich(
    input: InputOption = None,
    output: OutputOption = None,
    mode: Annotated[
        str, typer.Option(help="Pipeline mode: full (encoder, NER) or fast (bulk, ~2,000/s).")
    ] = "full",
    sentiment_mode: Annotated[
        str | None, typer.Option(help="Override: fast, accurate or auto (default: the mode's).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Mentions per batch.")] = 64,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="SOCIALHUB_DB",
            help="Also route to this database's queries and use its workspace dictionaries.",
        ),
    ] = None,
) -> None:
    """Enrich JSONL lines (id, text[, lang, created_at, author]) with the pipeline."""
    store: Store | None = store_from(db) if db else None
    order = {
        k: v for k, v in DEFAULT_ENRICHERS.items() if store is not None or k not in _WITHOUT_STORE
    }
    if mode not in MODES:
        raise typer.BadParameter(
            _("--mode must be one of %(values)s") % {"values": ", ".join(MODES)}
        )
    settings: dict[str, Any] = {"mode": mode}
    if sentiment_mode:
        settings["sentiment_mode"] = sentiment_mode
    pipeline = Pipeline.from_settings(Context(store, settings), order)
    source = open(input, "rb") if input else sys.stdin.buffer  # noqa: SIM115 - closed below
    sink = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115 - closed below
    try:
        counts = enrich_stream(source, sink, pipeline, batch_size)
    finally:
        pipeline.close()
        if input:
            source.close()
        if output:
            sink.close()
        if store is not None:
            store.close()
    console.print(
        Text(
            _(
                "enriched %(enriched)s of %(read)s line(s); %(errors)s with an error key; "
                "stages: %(stages)s"
            )
            % {**counts, "stages": ", ".join(pipeline.names)}
        )
    )
