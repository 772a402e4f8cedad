"""The shared encoder: normalised vectors, one instance per pipeline, an LRU of texts."""

from __future__ import annotations

import numpy as np
import pytest

from socialhub.enrichers.embedding import (
    DIM,
    MAX_CHARS,
    RESOURCE_KEY,
    E5Embedder,
    cache_key,
    encoder_input,
    shared_embedder,
)


@pytest.fixture(scope="module")
def enc() -> E5Embedder:
    return E5Embedder(cache_size=100)


def test_vectors_are_unit_float32_and_similar_texts_are_closer(enc: E5Embedder) -> None:
    v = enc.embed(["plus d'internet depuis hier", "no internet since yesterday", "j'adore le jazz"])
    assert v.shape == (3, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_reposts_differing_by_link_or_handle_are_encoded_once(enc: E5Embedder) -> None:
    before = dict(enc.stats)
    texts = [
        "Panne géante chez @Telcoria https://t.co/abc",
        "Panne   géante chez @OtherUser https://t.co/xyz",
        "Panne géante chez @Telcoria https://t.co/abc",
    ]
    v = enc.embed(texts)
    assert enc.stats["misses"] - before["misses"] == 1
    assert enc.stats["hits"] - before["hits"] == 2
    assert np.array_equal(v[0], v[1]) and np.array_equal(v[1], v[2])
    again = enc.embed([texts[0]])
    assert enc.stats["misses"] - before["misses"] == 1  # served from the LRU
    assert np.array_equal(again[0], v[0])


def test_long_texts_are_cut_at_the_documented_limit(enc: E5Embedder) -> None:
    long = "réseau " * 20_000  # 140 KB
    assert len(encoder_input(long)) == MAX_CHARS
    assert cache_key(long) == cache_key(long[: MAX_CHARS + 50])
    assert cache_key(long) != cache_key(long[: MAX_CHARS - 50])


def test_lru_evicts_the_least_recently_used() -> None:
    small = E5Embedder(cache_size=2)
    small.embed(["un", "deux", "trois"])  # "un" evicted
    assert small.cached(["un", "deux", "trois"]) == [False, True, True]
    small.pin({cache_key("quatre"): np.ones(DIM, dtype=np.float32)})
    assert small.cached(["quatre"]) == [True]
    assert float(small.embed(["quatre"])[0][0]) == 1.0  # pinned vectors are used as given


def test_hostile_input_gives_finite_vectors(enc: E5Embedder) -> None:
    hostile = [
        "",
        "\x00\x01\ufffe\ud800 junk",
        "😡" * 500,
        "Привет 你好 مرحبا salut",
        "a" * 100_000,
    ]
    v = enc.embed(hostile)
    assert v.shape == (len(hostile), DIM) and np.isfinite(v).all()


def test_one_encoder_per_pipeline_resources() -> None:
    resources: dict[str, object] = {}
    first = shared_embedder(resources, {"embedding_cache_size": 10})
    assert resources[RESOURCE_KEY] is first
    assert shared_embedder(resources, {}) is first
