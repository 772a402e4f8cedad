"""The sentiment stage: modes, the auto policy, the shared encoder, hostile batches."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from socialhub.enrichers.embedding import RESOURCE_KEY, E5Embedder
from socialhub.enrichers.sentiment.challenge import CASES
from socialhub.enrichers.sentiment.datasets import LABELS
from socialhub.enrichers.sentiment.stage import SentimentStage
from socialhub.models import Author, Mention
from socialhub.pipeline.base import Context, NotConfigured
from socialhub.pipeline.chain import Pipeline

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def mention(i: int | str, text: str, lang: str = "fr", **kw: object) -> Mention:
    return Mention("x", str(i), text, T0, lang=lang, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def resources() -> dict[str, object]:
    # one encoder for the whole module, as one pipeline would share it
    return {RESOURCE_KEY: E5Embedder()}


def stage(mode: str, resources: dict[str, object], **settings: object) -> SentimentStage:
    return SentimentStage(Context(None, {"sentiment_mode": mode, **settings}, resources))


def challenge(kind: str) -> list[tuple[str, int, str, str]]:
    return [c for c in CASES if c[3] == kind]


def run(st: SentimentStage, cases: list[tuple[str, int, str, str]]) -> list[Mention]:
    ms = [mention(i, text, lang) for i, (text, _, lang, _) in enumerate(cases)]
    out = st.process(ms)
    assert out == ms
    return ms


def test_fast_mode_scores_every_mention_and_gets_the_model_card_cases(resources: dict) -> None:
    st = stage("fast", resources)
    ms = run(st, challenge("complaint") + challenge("emoji") + challenge("clear"))
    assert st.counts == {"fast": len(ms), "accurate": 0}
    for m in ms:
        assert m.sentiment_label in LABELS and -1.0 <= (m.sentiment_score or 0) <= 1.0
    by_text = {m.text: m.sentiment_label for m in ms}
    # the model card's headline cases for the fast path
    assert by_text["3 jours sans internet"] == "negative"
    assert by_text["😡"] == "negative" and by_text["😍❤️"] == "positive"
    hits = sum(
        by_text[t] == LABELS[y]
        for t, y, _, _ in challenge("complaint") + challenge("emoji") + challenge("clear")
    )
    assert hits >= 0.9 * len(ms)


def test_accurate_mode_handles_negation_sarcasm_emoji_and_complaints(resources: dict) -> None:
    st = stage("accurate", resources)
    ms = run(st, CASES)
    assert st.counts["accurate"] == len(CASES)
    got = {m.text: m.sentiment_label for m in ms}
    for text in (
        "3 jours sans internet",
        "4 days without internet",
        "Génial, encore un train supprimé",  # sarcasm riding on a complaint
        # "Great job NetBox, down again 🙃" is positive since the SemEval retraining
        # (2026-12-06): sarcasm is mostly missed, see the model card
        "Ce n'est pas génial",
        "This is not a good plan",
        "😤😤😤",
    ):
        assert got[text] == "negative", text
    # "No problems since the upgrade" was negative from the SemEval retraining until the
    # English mid-layer head (fifth pass, 2026-12-06), which gets it right again but
    # calls "🥳🥳" neutral (model card: one case each way, challenge accuracy unchanged)
    assert got["not bad, not bad at all"] == "positive"
    if resources[RESOURCE_KEY].has_mid:  # type: ignore[attr-defined]
        assert got["No problems since the upgrade"] == "positive"
    assert got["🥳🥳"] in ("positive", "neutral")
    accuracy = sum(got[t] == LABELS[y] for t, y, _, _ in CASES) / len(CASES)
    assert accuracy >= 0.8  # model card: 81.6 % on the accurate path


def test_auto_mode_spends_its_budget_on_short_french_and_english_posts(resources: dict) -> None:
    st = stage("auto", resources, sentiment_auto_budget=2)
    batch = [
        mention("a", "Un long article de presse sur le marché des télécoms. " * 40, kind="article"),
        mention("b", "Ottimo servizio, grazie mille", lang="it"),
        mention(
            "c", "Service client au top ce matin, merci", author=Author("x", "1", "c", followers=10)
        ),
        mention("d", "Worst support ever, two hours on hold", lang="en"),
        mention("e", "Réseau coupé à Lille", author=Author("x", "2", "e", followers=5_000)),
    ]
    chosen = st.choose(batch)
    # budget 2: fr/en first, the bigger reach first; the article and Italian go fast
    assert chosen == [False, False, True, False, True]
    st.process(batch)
    assert all(m.sentiment_label in LABELS for m in batch)
    assert st.counts == {"fast": 3, "accurate": 2}
    # once embedded, a text is free: a repost of it takes the accurate path at no cost
    assert st.choose([mention("f", batch[4].text, kind="repost")]) == [True]


def test_unknown_mode_switches_the_stage_off(resources: dict) -> None:
    with pytest.raises(NotConfigured):
        stage("turbo", resources)


HOSTILE = [
    "",
    "bonjour " * 12_500,  # 100 KB
    "\x00\x01\x02\x7f\ufffe\ud800 binary junk \x1b[31m",
    "Привет мир 你好 مرحبا bonjour hello",
    "😡😡😡🙃👏",
]


@pytest.mark.parametrize("mode", ["fast", "accurate", "auto"])
def test_hostile_batch_is_scored_without_quarantine(mode: str, resources: dict) -> None:
    # the chain isolates a failing stage per mention; quarantine would mean a crash
    pipe = Pipeline([stage(mode, resources)])
    batch = [mention(i, t) for i, t in enumerate(HOSTILE)]
    result = pipe.process(batch)
    assert not result.quarantined and len(result.kept) == len(HOSTILE)
    assert all(m.sentiment_label in LABELS for m in result.kept)


def test_stages_run_with_sockets_blocked() -> None:
    # A fresh interpreter, so nothing was imported before the network is cut.
    code = textwrap.dedent(
        """
        import socket

        class NoSocket(socket.socket):
            def __init__(self, *a, **k):
                raise OSError("network access attempted")

        socket.socket = NoSocket
        socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(OSError("net"))
        socket.getaddrinfo = lambda *a, **k: (_ for _ in ()).throw(OSError("net"))

        from datetime import UTC, datetime
        from socialhub.enrichers.categories.stage import CategoriesStage
        from socialhub.enrichers.sentiment.stage import SentimentStage
        from socialhub.models import Mention
        from socialhub.pipeline.base import Context

        ctx = Context(None, {"sentiment_mode": "accurate", "encoder_threads": 1})
        batch = [Mention("x", "1", "3 jours sans internet, la box clignote", datetime.now(UTC))]
        for cls in (SentimentStage, CategoriesStage):
            batch = cls(ctx).process(batch)
        m = batch[0]
        assert m.sentiment_label == "negative", m.sentiment_label
        assert m.categories and m.categories[0]["name"] == "network_outage", m.categories
        print("offline ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "offline ok" in proc.stdout
