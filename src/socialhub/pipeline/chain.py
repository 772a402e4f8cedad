"""An ordered chain of enrichers built from settings, isolating bad mentions.

Settings name each stage with an order (lower runs first); ``None`` switches a stage
off, as in Scrapy's ``ITEM_PIPELINES``. A stage that raises on a batch is retried one
mention at a time, so one hostile post is quarantined with the reason and the rest of
the batch goes on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from socialhub import plugins
from socialhub.models import Mention, QuarantineItem
from socialhub.pipeline.base import Context, Dropped, Enricher, NotConfigured
from socialhub.pipeline.stats import StatsCollector
from socialhub.serialize import mention_to_json

log = logging.getLogger(__name__)

DEFAULT_ENRICHERS: dict[str, int | None] = {
    "dedup": 100,
    "language": 200,
    "neardup": 300,
    "route": 500,
    "relevance": 550,
    "keyphrases": 600,
    "entities": 700,
    "places": 750,
    "sentiment": 800,
    "categories": 850,
    "authors": 950,  # after entities, which rewrites Mention.entities
}


@dataclass
class Result:
    kept: list[Mention] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    quarantined: list[QuarantineItem] = field(default_factory=list)


class Pipeline:
    def __init__(self, stages: list[Enricher], stats: StatsCollector | None = None) -> None:
        self.stages = stages
        self.stats = stats or StatsCollector()

    @classmethod
    def from_settings(cls, ctx: Context, order: dict[str, int | None] | None = None) -> Pipeline:
        order = DEFAULT_ENRICHERS if order is None else order
        registry = plugins.enrichers()
        stats = StatsCollector()
        stages: list[Enricher] = []
        for name, _position in sorted(
            ((n, p) for n, p in order.items() if p is not None), key=lambda item: item[1]
        ):
            if name not in registry:
                known = ", ".join(sorted(registry))
                raise ValueError(f"unknown enricher {name!r} in settings (known: {known})")
            try:
                stage = registry[name].from_settings(ctx)
            except NotConfigured as exc:
                log.info("enricher %s switched off: %s", name, exc)
                stats.inc(f"disabled.{name}")
                continue
            stage.open()
            stages.append(stage)
        return cls(stages, stats)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def close(self) -> None:
        for stage in self.stages:
            stage.close()

    def process(self, batch: list[Mention]) -> Result:
        result = Result()
        current = list(batch)
        for stage in self.stages:
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
        except Exception:
            log.warning("stage %s failed on a batch of %d; isolating", stage.name, len(batch))
        out: list[Mention | Dropped] = []
        st = self.stats.stage(stage.name)
        for mention in batch:
            try:
                out.extend(stage.process([mention]))
            except Exception as exc:
                st.quarantined += 1
                result.quarantined.append(
                    QuarantineItem(
                        source=f"pipeline:{stage.name}",
                        reason=f"{type(exc).__name__}: {exc}"[:2000],
                        raw=mention_to_json(mention).decode("utf-8", "replace"),
                        location=mention.id,
                    )
                )
        return out
