"""An ordered chain of enrichers built from settings, isolating bad mentions.

Settings name each stage with an order (lower runs first); ``None`` switches a stage
off, as in Scrapy's ``ITEM_PIPELINES``. A stage that raises on a batch is retried one
mention at a time, so one hostile post is quarantined with the reason and the rest of
the batch goes on. A stage that fails because the store is away (its configuration
refresh cannot read) fails the whole batch instead: the consumer pauses and retries it,
since quarantining healthy mentions for an outage would lose them from the stream.

The consumer calls :meth:`Pipeline.commit` once a batch is committed, and only then do
stages with a ``commit`` hook (the exact-duplicate filter) learn its mentions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from socialhub import plugins
from socialhub.models import Mention, QuarantineItem
from socialhub.pipeline.base import Context, Dropped, Enricher, NotConfigured
from socialhub.pipeline.stats import StatsCollector
from socialhub.records.quarantine import Reason
from socialhub.serialize import mention_to_json
from socialhub.store.availability import is_unavailable

log = logging.getLogger(__name__)

DEFAULT_ENRICHERS: dict[str, int | None] = {
    "dedup": 100,
    "prefetch": 150,  # starts the encoder on the batch while the next stages run
    "language": 200,
    "neardup": 300,
    "route": 500,
    "relevance": 550,
    "keyphrases": 600,
    "entities": 700,
    "places": 750,
    "sentiment": 800,
    "categories": 850,
    "voice": 870,  # after sentiment and categories: brand voice clears both
    "authors": 950,  # after entities, which rewrites Mention.entities
    "pseudonymise": 990,  # last: needs routing's watchlists; off without its key
}

#: ``mode`` presets: "fast" is for history backfills and bulk imports (no encoder, no
#: NER, cheap keyphrases; >= 2,000 mentions/s on 2 cores), "full" for the live stream.
#: Settings given explicitly win over the preset.
MODES: dict[str, dict[str, Any]] = {
    "full": {},
    "fast": {
        "sentiment_mode": "fast",
        "entities_ner": False,
        "categories_method": "hashed",
        "keyphrases_method": "fast",
        # lingua (~2 ms a text) only where fastText is unsure (< 0.5): ~10 % of short
        # posts, which fastText alone left `und` (8-9 % of 5-word tweets; 1-2 % with it)
        "language_short_words": 0,
        "prefetch_enabled": False,
    },
}


@dataclass
class Result:
    kept: list[Mention] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    quarantined: list[QuarantineItem] = field(default_factory=list)


# Stages whose settings the fast preset changes (a setting's prefix names its stage).
_MODE_STAGES = frozenset(key.split("_")[0] for key in MODES["fast"])


class Pipeline:
    """Ordered stages; optionally a second, fast variant of the mode-dependent stages.

    The fast variant (``fast_stages``) shares every other stage instance with the main
    one (dedup, routing and near-duplicate state stay single), so a consumer can switch
    batch by batch: fast while catching up a backlog, full when keeping up.
    """

    def __init__(
        self,
        stages: list[Enricher],
        stats: StatsCollector | None = None,
        fast_stages: list[Enricher] | None = None,
    ) -> None:
        self.stages = stages
        self.stats = stats or StatsCollector()
        self.fast_stages = fast_stages

    @classmethod
    def from_settings(
        cls,
        ctx: Context,
        order: dict[str, int | None] | None = None,
        *,
        with_fast: bool = False,
    ) -> Pipeline:
        order = DEFAULT_ENRICHERS if order is None else order
        mode = str(ctx.settings.get("mode", "full"))
        if mode not in MODES:
            raise ValueError(f"unknown pipeline mode {mode!r} (known: {', '.join(MODES)})")
        registry = plugins.enrichers()
        enabled = [(n, p) for n, p in order.items() if p is not None]
        names = [n for n, _ in sorted(enabled, key=lambda item: item[1])]
        unknown = [n for n in names if n not in registry]
        if unknown:
            known = ", ".join(sorted(registry))
            raise ValueError(f"unknown enricher {unknown[0]!r} in settings (known: {known})")
        stats = StatsCollector()
        # A stage may look at which others run (the prefetch stage does).
        chain = {"pipeline_stages": tuple(names)}
        main_ctx = Context(ctx.store, {**MODES[mode], **ctx.settings, **chain}, ctx.resources)
        stages = [s for n in names if (s := _build(registry[n], n, main_ctx, stats))]
        fast: list[Enricher] | None = None
        if with_fast and mode != "fast":
            fast_ctx = Context(ctx.store, {**MODES["fast"], **ctx.settings, **chain}, ctx.resources)
            # a mode-dependent stage gets its own fast instance, or none when the fast
            # preset switches it off (the prefetch stage); the others are shared
            fast = []
            for stage in stages:
                if stage.name in _MODE_STAGES:
                    built = _build(registry[stage.name], stage.name, fast_ctx, stats)
                    if built is not None:
                        fast.append(built)
                else:
                    fast.append(stage)
        return cls(stages, stats, fast)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def close(self) -> None:
        unique = {id(s): s for s in [*self.stages, *(self.fast_stages or [])]}
        for stage in unique.values():
            stage.close()

    def commit(self, result: Result) -> None:
        """``result``'s batch is committed: stages with a ``commit`` hook learn what
        passed them (kept, or dropped by a later stage's decision)."""
        passed = [*result.kept, *(d.mention for d in result.dropped)]
        unique = {id(s): s for s in [*self.stages, *(self.fast_stages or [])]}
        for stage in unique.values():
            hook = getattr(stage, "commit", None)
            if hook is not None:
                hook(passed)

    def process(self, batch: list[Mention], *, fast: bool = False) -> Result:
        """Run the batch through the stages (the fast variant when asked and built)."""
        result = Result()
        current = list(batch)
        stages = self.fast_stages if fast and self.fast_stages is not None else self.stages
        if stages is self.fast_stages:
            self.stats.inc("batches.fast")
        for stage in stages:
            if not current:
                break
            st = self.stats.stage(stage.name)
            st.received += len(current)
            started = time.perf_counter()
            out = self._run_stage(stage, current, result)
            st.seconds += time.perf_counter() - started
            current = []
            for item in out:
                if isinstance(item, Dropped):
                    st.dropped[item.reason] += 1
                    result.dropped.append(item)
                else:
                    current.append(item)
            st.kept += len(current)
        result.kept = current
        return result

    def _run_stage(
        self, stage: Enricher, batch: list[Mention], result: Result
    ) -> list[Mention | Dropped]:
        try:
            return stage.process(batch)
        except Exception as exc:
            if is_unavailable(exc):
                raise  # the store is away, not the mentions at fault: retry the batch
            log.warning("stage %s failed on a batch of %d; isolating", stage.name, len(batch))
        out: list[Mention | Dropped] = []
        st = self.stats.stage(stage.name)
        for mention in batch:
            try:
                out.extend(stage.process([mention]))
            except Exception as exc:
                if is_unavailable(exc):
                    raise
                st.quarantined += 1
                result.quarantined.append(
                    QuarantineItem(
                        source=f"pipeline:{stage.name}",
                        reason=Reason(
                            "stage_failed",
                            stage=stage.name,
                            error_type=type(exc).__name__,
                            error=str(exc)[:1900],
                        ),
                        raw=mention_to_json(mention).decode("utf-8", "replace"),
                        location=mention.id,
                    )
                )
        return out


def _build(factory: Any, name: str, ctx: Context, stats: StatsCollector) -> Enricher | None:
    """One stage from its settings, or None when it switches itself off."""
    try:
        stage: Enricher = factory.from_settings(ctx)
    except NotConfigured as exc:
        log.info("enricher %s switched off: %s", name, exc)
        stats.inc(f"disabled.{name}")
        return None
    stage.open()
    return stage
