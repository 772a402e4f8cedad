"""Issue 18: term bursts that start on small counts — lemmas, two-word terms, never-seen
terms, exact tails, and a cold lone query's first day."""

from __future__ import annotations

import dataclasses
import math
import pickle
import random
from datetime import timedelta

from socialhub.analytics.detectors import EmergingDetector, VolumeDetector
from socialhub.analytics.detectors.lemmas import lemma
from socialhub.analytics.detectors.novelty import NoveltyTracker
from socialhub.analytics.detectors.smallcounts import binomial_sf, poisson_sf
from socialhub.models import Author, Mention
from socialhub.records.signals import Signal

from .streams import T0, WORDS, background, merge


def feed(det: EmergingDetector | VolumeDetector, stream: list[Mention]) -> list[Signal]:
    """Update per mention and advance every 10 s of stream time, between posts too (as
    the live service's tick does on a sparse stream)."""
    out: list[Signal] = []
    nxt = stream[0].created_at
    for m in stream:
        while nxt <= m.created_at:
            out += det.advance(nxt)
            nxt += timedelta(seconds=10)
        out += det.update(m)
    out += det.advance(stream[-1].created_at + timedelta(minutes=2))
    return [s for s in out if s.trend == "rising"]


def sparse(
    seed: int, per_hour: float, hours: float, texts: list[str], prefix: str
) -> list[Mention]:
    """A flat Poisson stream of a few posts an hour, each text drawn from ``texts``."""
    rng = random.Random(seed)
    t, out = 0.0, []
    while True:
        t += rng.expovariate(per_hour / 3600.0)
        if t >= hours * 3600.0:
            return out
        text = rng.choice(texts)
        out.append(
            Mention("x", f"{prefix}{len(out)}", text, T0 + timedelta(seconds=t), query_ids=[1])
        )


CHATTER = [" ".join(random.Random(i).sample(WORDS, 4)) for i in range(60)]


# ---- exact tails ----------------------------------------------------------------------
def test_exact_tails_match_the_definitions() -> None:
    for mean in (0.02, 0.5, 3.0):
        for n in (1, 4, 9):
            direct = 1.0 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(n))
            assert math.isclose(poisson_sf(n, mean), direct, rel_tol=1e-9, abs_tol=1e-15)
    assert math.isclose(binomial_sf(7, 10, 0.5), sum(math.comb(10, k) for k in range(7, 11)) / 1024)
    assert poisson_sf(6, 1e-3) < 2e-21  # tiny tails do not cancel to zero or go negative
    assert poisson_sf(6, 1e-3) > 0.0


# ---- lemmas and two-word terms --------------------------------------------------------
def test_plural_and_singular_are_one_term_in_english_and_french() -> None:
    assert lemma("explosions") == lemma("explosion") == "explosion"
    assert lemma("inondations") == lemma("inondation")
    assert lemma("journaux") == lemma("journal") and lemma("feux") == lemma("feu")
    assert lemma("cities") == lemma("city")
    for kept in ("texas", "gas", "crisis", "bus", "#floods", "2013", "lac"):
        assert lemma(kept) == kept
    det = EmergingDetector(routed_only=False)
    a = Mention("x", "1", "Explosions at the fertilizer plant", T0)
    b = Mention("x", "2", "explosion near the plant", T0)
    assert "explosion" in det.terms(a) and "explosion" in det.terms(b)
    assert "fertilizer plant" in det.terms(a)  # adjacent content words: a two-word term
    assert dict(det.named_terms(a))["explosion"] == "explosions"  # named as written


def test_a_burst_split_between_singular_and_plural_fires_as_one_term() -> None:
    """Half the posts say "explosion", half "explosions": counted apart each half stays
    under SigniTrend's threshold, merged they fire."""
    bg = list(background(81, per_minute=6, duration=timedelta(hours=14)))
    start = T0 + timedelta(hours=13)
    wave = [
        Mention("x", f"w{i}", f"{'explosion' if i % 2 else 'explosions'} {WORDS[i % 16]}",
                start + timedelta(seconds=20 * i), query_ids=[1])
        for i in range(30)
    ]  # fmt: skip
    stream = merge(bg, wave)
    off = dict(novel_min=0, routed_only=False)  # SigniTrend alone, so only lemmas differ
    merged = feed(EmergingDetector(**off), stream)
    apart = feed(EmergingDetector(lemmas=False, **off), stream)
    assert any("explosion" in s.extra["terms"] or "explosions" in s.extra["terms"] for s in merged)
    assert not any({"explosion", "explosions"} & set(s.extra["terms"]) for s in apart), [
        s.title for s in apart
    ]


# ---- never-seen terms -----------------------------------------------------------------
def test_a_never_seen_term_in_a_sparse_stream_fires_on_its_fifth_post() -> None:
    """Twelve posts an hour of ordinary words for a day, then "explosion" (never used
    before) in posts ten minutes apart: SigniTrend alone would need about 22 of them in
    a quarter of an hour; the never-seen test fires on the fifth."""
    bg = sparse(1, 12.0, 26.0, CHATTER, "bg")
    start = T0 + timedelta(hours=25)
    wave = [
        Mention("x", f"w{i}", f"explosion {WORDS[i]} {WORDS[i + 3]}",
                start + timedelta(minutes=10 * i), query_ids=[1])
        for i in range(6)
    ]  # fmt: skip
    stream = merge(bg, wave)
    fired = feed(EmergingDetector(), stream)
    assert len(fired) == 1, [s.title for s in fired]
    sig = fired[0]
    assert "explosion" in sig.extra["terms"]
    assert start + timedelta(minutes=40) <= sig.t <= start + timedelta(minutes=41)
    assert sig.observed == 5
    assert sig.evidence[0] == "x:w0"
    # without the never-seen test nothing fires: too few posts for SigniTrend
    assert feed(EmergingDetector(novel_min=0), stream) == []
    # one account repeating the word is one voice, not five
    bot = Author("x", "bot1", handle="bot1")
    alone = merge(bg, [dataclasses.replace(m, author=bot) for m in wave])
    assert feed(EmergingDetector(), alone) == []
    # replies to one post (five people answering "@laura_mich75 ...") are one conversation
    replies = [
        dataclasses.replace(m, kind="reply", root_id="x:r", author=Author("x", f"{i}"))
        for i, m in enumerate(wave)
    ]
    assert feed(EmergingDetector(per_thread=0), merge(bg, replies)) == []


def test_no_alert_on_a_flat_stream_of_sparse_varied_text() -> None:
    """Two days of a flat sparse stream whose posts keep bringing words the stream has
    not used before (one or two each), none five times within an hour: silence."""
    rng = random.Random(5)
    texts = [" ".join(rng.sample(WORDS, 3)) + f" mot{rng.randrange(400)}" for _ in range(2000)]
    stream = sparse(2, 20.0, 48.0, texts, "flat")
    assert feed(EmergingDetector(), stream) == []
    assert feed(VolumeDetector(cold_tail=1e-3), stream) == []


def test_a_term_seen_earlier_is_not_new_and_the_tracker_pickles() -> None:
    # tail 1: any never-seen term with three posts is reported; only "seen" decides
    nov = NoveltyTracker(window=3600.0, warmup=3600.0, min_count=3, tail=1.0, bits=1 << 16)
    for i in range(4 * 60):  # four hours; term 7 once, early on
        nov.observe(60.0 * i, [1, 2] + ([7] if i == 10 else []))
    nov = pickle.loads(pickle.dumps(nov))
    got = nov.observe(4 * 3600.0, [7, 7, 7, 8, 8, 8])
    assert [(h, n) for h, n, *_ in got] == [(8, 3)]
    _, _, mu0, p = got[0]
    assert mu0 == 3.0 * 3600.0 / (4 * 3600.0)  # the rule of three over four hours
    assert p == poisson_sf(3, mu0)
    assert nov.observe(4 * 3600.0 + 60, [8]) == []  # reported once


# ---- a cold lone query ----------------------------------------------------------------
def test_a_lone_new_querys_onset_fires_on_its_first_day_and_its_morning_does_not() -> None:
    """A brand-new single query (no daily profile, no other queries): its own morning
    ramp (up to ×2.2 an hour) must stay quiet, an onset from a few posts an hour to
    forty fires within the hour."""
    morning = list(background(91, per_minute=1, duration=timedelta(hours=14)))
    assert feed(VolumeDetector(cold_tail=1e-3), morning) == []
    quiet = sparse(3, 3.0, 8.0, CHATTER, "q")
    onset = T0 + timedelta(hours=8)
    wave = [Mention("x", f"o{i}", "x", onset + timedelta(seconds=90 * i), query_ids=[1])
            for i in range(40)]  # fmt: skip
    fired = feed(VolumeDetector(cold_tail=1e-3), merge(quiet, wave))
    assert fired and onset <= fired[0].t <= onset + timedelta(minutes=60)
    assert feed(VolumeDetector(cold_tail=0.0), merge(quiet, wave)) == []  # before: silent
