"""Stage ``prefetch``: start encoding a batch early, so the encoder overlaps other stages.

The full chain is bound by the sentence encoder (multilingual-e5-small), which the
sentiment and categories stages call late in the chain. The encoder's C engine
releases the GIL, so this stage, placed right after exact dedup, hands the batch's
texts to one background thread that fills the shared encoder's cache
(:mod:`socialhub.enrichers.embedding`) while language detection, near-duplicates,
routing, keyphrases, entities and places run in the main thread. When sentiment and
categories ask for the vectors they are cached, or the encoder's lock makes them wait
for the batch in flight: a text is never encoded twice.

It switches itself off when nothing later would encode every text anyway (hashed
categories and fast or auto sentiment, as in the ``fast`` mode), so it never spends
encoder time a batch would not have spent. Setting: ``prefetch_enabled`` (default on).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar

from socialhub.enrichers.embedding import Embedder, shared_embedder
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured

log = logging.getLogger(__name__)


def encodes_everything(settings: Mapping[str, Any]) -> bool:
    """Whether the chain's later stages embed every mention's text with the encoder.

    ``pipeline_stages`` (set by :meth:`Pipeline.from_settings`) names the stages that
    run; without it both sentiment and categories are assumed to.
    """
    stages = settings.get("pipeline_stages") or ("sentiment", "categories")
    categories = str(settings.get("categories_method", "encoder"))
    sentiment = str(settings.get("sentiment_mode", "auto")).strip().lower()
    return ("categories" in stages and categories == "encoder") or (
        "sentiment" in stages and sentiment == "accurate"
    )


class EmbeddingPrefetch(BaseEnricher):
    """Encode each batch in a background thread; pass the batch on unchanged."""

    name: ClassVar[str] = "prefetch"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        if not ctx.options.prefetch_enabled:
            raise NotConfigured("prefetch_enabled is off")
        if not encodes_everything(ctx.settings):
            raise NotConfigured("no later stage encodes every text")
        try:
            self.encoder: Embedder = shared_embedder(ctx.resources, ctx.settings)
        except ImportError as exc:
            raise NotConfigured(f"no encoder: {exc}") from exc
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialhub-prefetch")
        self._pending: Future[None] | None = None
        self.failures = 0

    def _encode(self, texts: list[str]) -> None:
        try:
            self.encoder.embed(texts)
        except Exception:  # the stage that needs the vectors meets it again, and reports
            self.failures += 1
            log.exception("prefetch: encoding a batch of %d texts failed", len(texts))

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        texts = [m.text if isinstance(m.text, str) else "" for m in batch]
        if texts:
            # One batch in flight at most: a producer faster than the encoder waits here
            # instead of queueing unbounded work.
            if self._pending is not None:
                self._pending.result()
            self._pending = self._pool.submit(self._encode, texts)
        return list(batch)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
