"""The routed import's second round of speed-ups (issue 21, branch importspeed) give
the outputs of the forms they replace, bit for bit, on the repository's examples and,
when the shared data is there, on real tweets (read at test time, never copied)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from socialhub.enrichers.categories.blas import _openblas, single_blas_thread
from socialhub.enrichers.categories.hashed import HashedEmbedder
from socialhub.enrichers.categories.model import (
    CategoryModel,
    background_examples,
    default_categories,
)
from socialhub.enrichers.categories.stage import CategoriesStage
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.shared_data import shared_data_dir

ROOT = Path(__file__).resolve().parents[2]


def _texts(real: int = 3000) -> list[str]:
    """The examples' texts, the categories fixture's and up to ``real`` real tweets."""
    out: list[str] = []
    for name in ("stream.jsonl", "tweets.jsonl", "posts.jsonl"):
        for line in (ROOT / "examples" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                out.append(text if isinstance(text, str) else "")
    fixture = ROOT / "tests" / "fixtures" / "categories_dev.jsonl"
    out += [json.loads(line)["text"] for line in fixture.read_text().splitlines() if line]
    out += ["", " ", "😂😂", "a", "RT @x: https://t.co/abc #Tag", "x" * 6000]
    crisis = sorted((shared_data_dir() / "crisis" / "crisislex_t26").glob("*/*labeled.csv"))
    taken = 0
    for path in crisis:
        with path.open(newline="", encoding="utf-8", errors="replace") as fh:
            rows = [row[1] for row in csv.reader(fh) if len(row) > 1][1:200]
        out += rows
        taken += len(rows)
        if taken >= real:
            break
    return out


def test_the_sample_holds_real_tweets_when_the_shared_data_is_there() -> None:
    texts = _texts()
    assert len(texts) > 1500  # examples alone: 1,400+; with the data: 4,000+
    if (shared_data_dir() / "crisis").is_dir():
        assert len(texts) > 4000


def test_batch_features_cut_into_blocks_embed_as_each_block_alone() -> None:
    texts = _texts()
    embedder = HashedEmbedder()
    feats = embedder.features(texts)
    for lo, hi in [(0, 256), (256, 512), (1000, 1256), (len(texts) - 100, len(texts) + 156)]:
        alone = embedder.embed(texts[lo:hi])
        cut = embedder.embed_features(feats.rows(lo, hi))
        assert cut.dtype == alone.dtype and np.array_equal(cut, alone), (lo, hi)
    assert np.array_equal(embedder.embed_features(feats.rows(0, len(texts))), embedder.embed(texts))
    single = embedder.features(["Panne fibre à Lyon"])  # one text: one ascending run
    assert np.array_equal(
        embedder.embed_features(single.rows(0, 1)), embedder.embed(["Panne fibre à Lyon"])
    )
    assert embedder.embed([]).shape == (0, embedder.dim)


def test_one_blas_thread_gives_the_same_products_and_restores_the_count() -> None:
    texts = _texts()[:1024]
    model = CategoryModel(default_categories(), background_examples(), HashedEmbedder())
    x = HashedEmbedder().embed(texts)
    before = [model.predict(x[lo : lo + 256]) for lo in range(0, len(x), 256)]
    raw = model._raw_all(x[:256])
    funcs = _openblas()
    count = int(funcs[0]()) if funcs else None
    with single_blas_thread():
        if funcs:
            assert int(funcs[0]()) == 1
        assert np.array_equal(model._raw_all(x[:256]), raw)
        after = [model.predict(x[lo : lo + 256]) for lo in range(0, len(x), 256)]
    assert after == before
    if funcs:
        assert int(funcs[0]()) == count


def _reference_categories(stage: CategoriesStage, batch: list[Mention]) -> list[object]:
    """The stage as it was: each 256-row chunk featurized and embedded alone."""
    out = []
    for lo in range(0, len(batch), 256):
        chunk = batch[lo : lo + 256]
        texts = [m.text if isinstance(m.text, str) else "" for m in chunk]
        stage._process(chunk, texts, stage.embedder.embed(texts))
        out += [m.categories for m in chunk]
    return out


@pytest.mark.parametrize("size", [1, 300, 2000])
def test_categories_stage_outputs_are_unchanged(size: int) -> None:
    from datetime import UTC, datetime

    texts = (_texts() * 2)[:size]
    stage = CategoriesStage(Context(None, {"categories_method": "hashed"}))

    def batch() -> list[Mention]:
        return [
            Mention(
                platform="x", native_id=str(i), text=t, created_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
            for i, t in enumerate(texts)
        ]

    reference = _reference_categories(stage, batch())
    got = [m.categories for m in stage.process(batch())]  # type: ignore[union-attr]
    assert got == reference
    assert size < 300 or sum(1 for c in got if c) > size // 10  # categories were given
