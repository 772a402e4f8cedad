"""How stages are built from settings: shared by the embedded hub and the processes.

Kept free of any process concern (signals, heartbeats) so ``socialhub.hub`` uses it as
is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from socialhub import plugins
from socialhub.bus import Bus
from socialhub.connectors.base import Source
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline
from socialhub.pipeline.options import PipelineOptions
from socialhub.pipeline.service import PipelineService
from socialhub.settings import Settings
from socialhub.store.base import Store

# Mentions waiting on the bus above which batches are enriched in the fast mode (a
# backfill, a burst): the full chain is encoder-bound at ~100 mentions/s on 2 cores.
# ``[pipeline] catch_up_backlog = 0`` always runs the full chain.
DEFAULT_CATCH_UP: int = PipelineOptions.model_fields["catch_up_backlog"].default


def build_sources(settings: Settings, store: Store | None = None) -> list[Source]:
    """Built-in sources (the demo) by type; platform connectors run under a coordinator
    (cursor, backoff, health) that needs the store."""
    from socialhub.connectors.sources import build_coordinator

    registry = plugins.sources()
    connectors = plugins.connectors()
    out: list[Source] = []
    for src in settings.sources:
        if src.type in registry:
            source = registry[src.type](**src.options)
            with contextlib.suppress(AttributeError):  # health is saved under this name
                source.name = src.name
            out.append(source)
        elif src.type in connectors and store is not None:
            out.append(build_coordinator(src, store, registry=connectors))
        else:
            known = ", ".join(sorted({*registry, *connectors}))
            raise ValueError(f"unknown source type {src.type!r} (known: {known})")
    return out


def catch_up_backlog(settings: Settings) -> int | None:
    value = PipelineOptions.from_table(settings.pipeline).catch_up_backlog
    return value or None


def build_pipeline(settings: Settings, store: Store) -> Pipeline:
    """The enrichment chain (with its fast variant unless catch-up is off)."""
    return Pipeline.from_settings(
        Context(store, settings.pipeline),
        settings.enrichers,
        with_fast=catch_up_backlog(settings) is not None,
    )


def pipeline_service(
    settings: Settings,
    bus: Bus,
    store: Store,
    pipeline: Pipeline,
    on_stored: Callable[[list[Mention]], None] | None = None,
) -> PipelineService:
    """The RAW -> store -> STORED consumer, group ``pipeline`` (ack after commit).

    ``[pipeline] ack_wait`` (seconds, default 60): how long a batch may stay unacked
    before another worker gets it (a killed worker's batch comes back after this)."""
    return PipelineService(
        bus,
        store,
        pipeline,
        batch_size=settings.batch_size,
        on_stored=on_stored,
        catch_up_backlog=catch_up_backlog(settings),
        ack_wait=PipelineOptions.from_table(settings.pipeline).ack_wait,
    )
