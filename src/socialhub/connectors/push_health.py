"""Health of a push source: one that runs itself (the demo stream, a plugin's stream).

Platform connectors run under a coordinator that records their health poll by poll.
A push source has no polls, so the hub runs it through :func:`run_with_health`: items
and the last item's time are counted as they are emitted and the document is saved
at most every ``save_every`` seconds, like a coordinator's; the status is ``ok`` while
it runs, ``idle`` once it ends and ``stopped`` if it fails (with the error). A source
that knows it misses nothing (``complete = True``, as the demo simulator) states
"complete since" its start; any other push source cannot vouch for gaps, so the
statement says it is not known to be complete.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime

from socialhub.connectors.base import Emit, Source
from socialhub.connectors.health import SourceHealth
from socialhub.models import Mention
from socialhub.store.base import SourceStateStore, Store

log = logging.getLogger(__name__)
TARGET = "stream"


def run_source(source: Source, emit: Emit, stop: asyncio.Event, store: Store) -> Awaitable[None]:
    """How the hub and ``socialhub collect`` run any source: a coordinator records its
    own health; any other source goes through :func:`run_with_health`."""
    if hasattr(source, "health"):
        return source.run(emit, stop)
    return run_with_health(source, emit, stop, store.sources)


async def run_with_health(
    source: Source,
    emit: Emit,
    stop: asyncio.Event,
    sources: SourceStateStore,
    *,
    save_every: float = 5.0,
) -> None:
    """Run ``source`` and keep its health document in ``store`` (see the module doc)."""
    loop = asyncio.get_running_loop()
    name = source.name
    health = SourceHealth(name, type(source).__name__, status="ok")
    health.started_at = datetime.now(UTC)
    stream = health.target(TARGET)
    if getattr(source, "complete", False):
        stream.complete_since = health.started_at
    pending = 0
    saved_at = loop.time()

    def flush() -> None:
        nonlocal pending
        if pending:
            health.page(TARGET, pending, {}, datetime.now(UTC))
            pending = 0

    async def save() -> None:
        nonlocal saved_at
        saved_at = loop.time()
        try:
            doc = health.to_dict(datetime.now(UTC))
            await asyncio.to_thread(sources.save_source_health, name, doc)
        except Exception:  # health is a help: never stop a source for it
            log.exception("source %s: cannot save its health", name)

    async def counted(m: Mention) -> None:
        nonlocal pending
        await emit(m)
        pending += 1
        stream.last_item_at = m.created_at
        if loop.time() - saved_at >= save_every:
            flush()
            await save()

    await save()
    try:
        await source.run(counted, stop)
    except asyncio.CancelledError:
        flush()
        health.status = "idle"
        raise
    except Exception as exc:
        flush()
        health.error(type(exc).__name__, str(exc), datetime.now(UTC))
        health.status = "stopped"
        raise
    else:
        flush()
        health.status = "idle"
    finally:
        await asyncio.shield(save())
