"""Stage ``relevance``: a relevance score in [0, 1] per routed query of each mention.

Runs after ``route``. For each query id in ``m.query_ids`` it sets
``m.relevance[str(query_id)]``: the query's trained classifier when one exists (see
``socialhub relevance train``), the rule score otherwise
(:mod:`socialhub.relevance.rules`). Models are reloaded when their version changes;
the check is one small read at most every ``relevance_refresh_seconds`` (default 30).

A model trained with sentence-encoder features needs ``ctx.resources["encoder"]``;
without it, that query falls back to its rules (logged once).
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured
from socialhub.relevance.features import Features, featurize
from socialhub.relevance.model import RelevanceModel
from socialhub.relevance.rules import RuleScorer

log = logging.getLogger(__name__)


class RelevanceScorer(BaseEnricher):
    name: ClassVar[str] = "relevance"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        if ctx.store is None:
            raise NotConfigured("no store to read queries and relevance models from")
        self.refresh_every = ctx.options.relevance_refresh_seconds
        self._checked = 0.0
        self._definitions: dict[int, str] = {}
        self.rules: dict[int, RuleScorer] = {}
        self.models: dict[int, tuple[int, RelevanceModel]] = {}
        self._warned: set[int] = set()
        self.refresh(force=True)

    @property
    def encoder(self) -> Any:
        """Looked up at each use: the embedding stage may create it after this one."""
        return self.ctx.resources.get("encoder")

    def refresh(self, *, force: bool = False) -> None:
        """Reload changed query definitions and model versions (cheap when unchanged)."""
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_every:
            return
        self._checked = now
        store = self.ctx.store
        assert store is not None
        definitions = {
            q.id: q.definition for q in store.workspaces.list_queries() if q.id is not None
        }
        if definitions != self._definitions:
            self.rules = {qid: RuleScorer.from_definition(d) for qid, d in definitions.items()}
            self._definitions = definitions
        versions = store.relevance.relevance_model_versions()
        for qid in list(self.models):
            if qid not in versions:
                del self.models[qid]
        for qid, version in versions.items():
            loaded = self.models.get(qid)
            if loaded is not None and loaded[0] == version:
                continue
            record = store.relevance.load_relevance_model(qid)
            if record is None:
                continue
            try:
                self.models[qid] = (record.version, RelevanceModel.from_bytes(record.weights))
            except (ValueError, KeyError, OSError) as exc:
                log.error("relevance model of query %s (v%s) unreadable: %s", qid, version, exc)
                continue
            log.info("relevance: query %s uses model v%s", qid, record.version)

    def _usable(self, qid: int) -> RelevanceModel | None:
        loaded = self.models.get(qid)
        if loaded is None:
            return None
        model = loaded[1]
        if model.uses_encoder and self.encoder is None:
            if qid not in self._warned:
                log.warning("relevance model of query %s needs an encoder: rules used", qid)
                self._warned.add(qid)
            return None
        return model

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        self.refresh()
        # (query id) -> indexes of the batch's mentions routed to it
        routed: dict[int, list[int]] = {}
        for i, m in enumerate(batch):
            for qid in m.query_ids:
                routed.setdefault(qid, []).append(i)
        models = {qid: self._usable(qid) for qid in routed}
        feats: Features | None = None
        if any(model is not None for model in models.values()):
            needs_encoder = any(m is not None and m.uses_encoder for m in models.values())
            # hashed n-grams do not depend on the query: computed once for the batch
            feats = featurize(
                [m.text for m in batch], encoder=self.encoder if needs_encoder else None
            )
        for qid, rows in routed.items():
            model = models[qid]
            if model is not None and feats is not None:
                scores = [float(s) for s in model.predict_proba(feats.take(rows))]
            else:
                rules = self.rules.get(qid)
                if rules is None:
                    continue  # query deleted since routing: nothing to score against
                scores = rules.score_many([batch[i].text for i in rows])
            for i, score in zip(rows, scores, strict=True):
                batch[i].relevance[str(qid)] = round(min(1.0, max(0.0, score)), 4)
        return list(batch)
