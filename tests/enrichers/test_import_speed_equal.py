"""The routed import's second round of speed-ups (issue 21, branch importspeed) give
the outputs of the forms they replace, bit for bit, on the repository's examples and,
when the shared data is there, on real tweets (read at test time, never copied)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from socialhub.enrichers import keyphrases_fast as kf
from socialhub.enrichers import neardup as nd
from socialhub.enrichers.categories.blas import _openblas, single_blas_thread
from socialhub.enrichers.categories.hashed import HashedEmbedder
from socialhub.enrichers.categories.model import (
    CategoryModel,
    background_examples,
    default_categories,
)
from socialhub.enrichers.categories.stage import CategoriesStage
from socialhub.enrichers.keyphrases_yake import _INNER_PUNCT
from socialhub.models import Mention
from socialhub.pipeline.base import Context
from socialhub.shared_data import shared_data_dir
from socialhub.text import normalise_text

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


def _plan_reference(
    ex: kf.FastKeyphraseExtractor, text: str, lang: str
) -> list[tuple[str, str, int]]:
    """``FastKeyphraseExtractor._plan`` as it was before the word table."""
    text = kf.clean(text or "", ex.max_chars)
    scored: dict[str, tuple[float, str]] = {}
    run: list[tuple[str, str, float, float]] = []
    for word in kf._TOKENS.findall(text):
        facts = kf._word_info(word, lang)
        if facts is not None:
            run.append(facts)
        elif run:
            ex._score_run_any(run, scored)
            run = []
    if run:
        ex._score_run_any(run, scored)
    best = sorted(scored.items(), key=lambda kv: -kv[1][0])
    steps: list[tuple[str, str, int]] = []
    kept: list[str] = []
    for key, (_score, form) in best:
        if any(f" {key} " in f" {k} " for k in kept) or _INNER_PUNCT.search(form):
            continue
        inside = [i for i, k in enumerate(kept) if f" {k} " in f" {key} "]
        if inside:
            kept[inside[0]] = key
            steps.append((key, kf.surface(form, text), inside[0]))
            continue
        steps.append((key, kf.surface(form, text), len(kept)))
        kept.append(key)
        if len(kept) >= ex.top_k:
            break
    return steps


@pytest.mark.parametrize(("top_k", "max_ngram"), [(5, 3), (3, 2), (1, 1), (8, 3)])
def test_keyphrase_plans_are_unchanged(top_k: int, max_ngram: int) -> None:
    texts = _texts()
    texts += [t.upper() for t in texts[:300]] + [t.title() for t in texts[:300]]
    texts += ["Nexo. Nexo Mobile, Nexo Mobile Box", "Recette : tarte. SAV SAV SAV"]
    ex = kf.FastKeyphraseExtractor(top_k=top_k, max_ngram=max_ngram)
    nonempty = 0
    for i, text in enumerate(texts):
        lang = ("fr", "en", "und", "")[i % 4]
        got = ex._plan(text, lang)
        assert got == _plan_reference(ex, text, lang), text
        nonempty += bool(got)
    assert nonempty > len(texts) // 2
    # a pickled extractor without the word table (older state) still plans
    state = ex.__getstate__()
    state.pop("_words")
    again = kf.FastKeyphraseExtractor.__new__(kf.FastKeyphraseExtractor)
    again.__setstate__(state)
    assert again._plan(texts[0], "fr") == _plan_reference(ex, texts[0], "fr")


def test_keyphrase_forms_never_hold_inner_punctuation() -> None:
    """Why the fast plan no longer checks ``_INNER_PUNCT`` on its forms: they are words
    of ``_WORD`` joined by spaces, and no such word holds one of its characters."""
    for ch in '.!?;:,()"«»':
        assert not kf._TOKENS.fullmatch(f"a{ch}b")
        assert _INNER_PUNCT.search(ch)
    for text in _texts()[:2000]:
        for word in kf._TOKENS.findall(kf.clean(text)):
            if kf._word_info(word, "fr") is not None:
                assert not _INNER_PUNCT.search(word), word


def test_neardup_signatures_do_not_depend_on_the_chunk_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = nd.NearDupIndex()
    norms = [" ".join(normalise_text(t)) for t in _texts()[:1500]]
    norms += ["", "abc", "abcde", "x" * 7000]
    ref = index.signatures(norms)
    for size in (1, 500, 8_000, 10**9):
        monkeypatch.setattr(nd, "_CHUNK_WINDOWS", size)
        got = index.signatures(norms)
        assert len(got) == len(ref) and all(
            np.array_equal(a, b) for a, b in zip(got, ref, strict=True)
        )
    for i in range(0, len(norms), 97):
        assert np.array_equal(ref[i], index.signature(norms[i]))
