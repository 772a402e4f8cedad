"""The prefetch stage: the encoder starts early, every text is encoded once, same results."""

from __future__ import annotations

from datetime import UTC, datetime

from socialhub.enrichers.embedding import E5Embedder
from socialhub.enrichers.prefetch import encodes_everything
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.pipeline.chain import Pipeline

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ORDER: dict[str, int | None] = {
    "dedup": 100,
    "prefetch": 150,
    "keyphrases": 600,
    "sentiment": 800,
    "categories": 850,
}
TEXTS = [
    "@bob Toujours pas de réseau chez Mirabelle à Lyon",
    "3 jours sans internet, le service client ne répond pas",
    "Merci Mirabelle, la fibre est enfin installée, au top !",
    "@alice Toujours pas de réseau chez Mirabelle à Lyon",  # same encoder input
    "Facture en hausse de 10 euros sans prévenir",
]


def batch(start: int) -> list[Mention]:
    return [Mention("x", str(start + i), t, T0, lang="fr") for i, t in enumerate(TEXTS)]


def labels(pipeline: Pipeline, mentions: list[Mention]) -> list[tuple[object, ...]]:
    kept = pipeline.process(mentions).kept
    return [(m.sentiment_label, m.sentiment_score, str(m.categories)) for m in kept]


def test_prefetch_encodes_each_text_once_and_changes_no_result() -> None:
    settings = {"sentiment_mode": "accurate"}
    with_prefetch = Pipeline.from_settings(Context(None, dict(settings)), ORDER)
    assert "prefetch" in with_prefetch.names
    without = Pipeline.from_settings(Context(None, dict(settings)), {**ORDER, "prefetch": None})
    assert "prefetch" not in without.names
    got = labels(with_prefetch, batch(0))
    assert got == labels(without, batch(0))
    assert all(label in ("negative", "neutral", "positive") for label, _, _ in got)
    prefetch = next(s for s in with_prefetch.stages if s.name == "prefetch")
    encoder = prefetch.encoder  # type: ignore[attr-defined]
    assert isinstance(encoder, E5Embedder)
    # four distinct encoder inputs (handles are normalised to @user), each encoded once,
    # although prefetch, sentiment and categories all asked for them
    assert encoder.stats["misses"] == 4
    assert prefetch.failures == 0  # type: ignore[attr-defined]
    with_prefetch.close()
    without.close()


def test_prefetch_is_off_where_nothing_encodes_every_text() -> None:
    fast = Pipeline.from_settings(Context(None, {"mode": "fast"}), ORDER)
    assert "prefetch" not in fast.names
    auto = Pipeline.from_settings(Context(None, {}), {**ORDER, "categories": None})
    assert "prefetch" not in auto.names  # auto sentiment spends a budget, not everything
    assert encodes_everything({"pipeline_stages": ("sentiment",), "sentiment_mode": "accurate"})
    assert not encodes_everything({"pipeline_stages": ("keyphrases",)})
    off = Pipeline.from_settings(Context(None, {"prefetch_enabled": False}), ORDER)
    assert "prefetch" not in off.names


def test_the_fast_variant_runs_without_prefetch() -> None:
    pipeline = Pipeline.from_settings(Context(None, {}), ORDER, with_fast=True)
    assert "prefetch" in pipeline.names
    assert pipeline.fast_stages is not None
    assert "prefetch" not in [s.name for s in pipeline.fast_stages]
    result = pipeline.process(batch(100), fast=True)
    assert len(result.kept) == len(TEXTS)
    assert all(m.sentiment_label for m in result.kept)
    pipeline.close()
