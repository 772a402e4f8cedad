"""Emerging stories, sentiment shift and complaint bursts on seeded streams."""

from __future__ import annotations

import random
from datetime import timedelta

from socialhub.analytics.detectors import (
    ComplaintDetector,
    EmergingDetector,
    SentimentShiftDetector,
)
from socialhub.models import Mention
from socialhub.records.signals import Signal

from .streams import T0, background, burst, merge

CITIES = ["Paris", "Lille", "Nantes", "Lyon", "Marseille", "Toulouse"]


def feed(det: object, stream: list[Mention], step: float = 10.0) -> list[Signal]:
    """Update per mention, advance every ``step`` seconds of stream time (as DetectorSet)."""
    out: list[Signal] = []
    nxt = None
    for m in stream:
        if nxt is None or m.created_at >= nxt:
            out += det.advance(m.created_at)  # type: ignore[attr-defined]
            nxt = m.created_at + timedelta(seconds=step)
        out += det.update(m)  # type: ignore[attr-defined]
    return out


# ---- emerging -------------------------------------------------------------------------
def test_emerging_story_fires_within_minutes_and_groups_its_terms() -> None:
    start = T0 + timedelta(hours=8)
    stream = merge(
        background(51, per_minute=10, duration=timedelta(hours=9)),
        burst(52, start=start, per_minute=8, minutes=15, text="incendie entrepot #FeuDock ce soir"),
    )
    sigs = [s for s in feed(EmergingDetector(), stream) if s.trend == "rising"]
    assert len(sigs) == 1, [s.title for s in sigs]
    story = sigs[0]
    # eight posts a minute of a never-seen term: the bias term beta=4 at z=4.5 wants
    # about 22 of them, so three to four minutes (the micro-batch adds up to 30 s)
    assert start + timedelta(minutes=2) <= story.t <= start + timedelta(minutes=4, seconds=30)
    assert {"incendie", "entrepot", "#feudock"} <= set(story.extra["terms"])
    assert story.key.startswith("story:")
    # evidence: the first post first, then the top posts by engagement
    assert story.evidence[0] == "x:burst52-0"
    tops = story.extra["top_posts"]
    assert len(tops) == 10 and all(t.startswith("x:burst52-") for t in tops)


def test_emerging_two_unrelated_bursts_are_two_stories() -> None:
    start = T0 + timedelta(hours=8)
    stream = merge(
        background(53, per_minute=10, duration=timedelta(hours=9)),
        burst(54, start=start, per_minute=8, minutes=10, text="incendie entrepot #FeuDock"),
        burst(55, start=start, per_minute=8, minutes=10, text="greve metro #GreveRATP"),
    )
    sigs = [s for s in feed(EmergingDetector(), stream) if s.trend == "rising"]
    assert len(sigs) == 2
    terms = [set(s.extra["terms"]) for s in sigs]
    assert any("#feudock" in t and "#greveratp" not in t for t in terms)
    assert any("#greveratp" in t and "#feudock" not in t for t in terms)


def test_emerging_quiet_on_a_day_of_background() -> None:
    stream = list(background(56, per_minute=10, duration=timedelta(days=1)))
    assert [s for s in feed(EmergingDetector(), stream) if s.trend == "rising"] == []


# ---- sentiment shift ------------------------------------------------------------------
def test_sentiment_shift_fires_when_the_negative_share_jumps() -> None:
    start = T0 + timedelta(hours=20)
    stream = merge(
        background(61, per_minute=4, duration=start - T0, negative_share=0.2),
        background(62, per_minute=4, start=start, duration=timedelta(hours=2),
                   negative_share=0.7, prefix="angry"),
    )  # fmt: skip
    sigs = [s for s in feed(SentimentShiftDetector(), stream) if s.trend == "rising"]
    assert len(sigs) == 1
    sig = sigs[0]
    assert start + timedelta(minutes=2) <= sig.t <= start + timedelta(minutes=12)
    assert sig.key == "sentiment:query:1" and sig.score >= 5.0
    assert 0.15 <= sig.baseline <= 0.25 and sig.observed >= sig.baseline + 0.2


def test_sentiment_shift_ignores_more_volume_at_the_same_share() -> None:
    start = T0 + timedelta(hours=20)
    stream = merge(
        background(63, per_minute=4, duration=timedelta(hours=23), negative_share=0.2),
        burst(64, start=start, per_minute=30, minutes=60, negative_share=0.2),
    )
    assert [s for s in feed(SentimentShiftDetector(), stream) if s.trend == "rising"] == []


# ---- complaints -----------------------------------------------------------------------
def complaints_background(seed: int, hours: float) -> list[Mention]:
    def text(rng: random.Random) -> str:
        if rng.random() < 0.3:
            return f"toujours une panne internet a {rng.choice(CITIES)}"
        return "mon forfait et ma facture"

    return list(background(seed, per_minute=1.0, duration=timedelta(hours=hours), text=text))


def test_outage_in_one_city_fires_for_that_city_only() -> None:
    start = T0 + timedelta(hours=18)
    stream = merge(
        complaints_background(71, 20),
        burst(
            72, start=start, per_minute=3, minutes=30, text="Plus de réseau à Lyon depuis 10 min"
        ),
    )
    sigs = [s for s in feed(ComplaintDetector(), stream) if s.trend == "rising"]
    lyon = [s for s in sigs if s.key == "complaint:network_outage:lyon"]
    assert len(lyon) == 1
    assert start + timedelta(minutes=1) <= lyon[0].t <= start + timedelta(minutes=5)
    assert lyon[0].extra == {"category": "network_outage", "place": "lyon",
                             "window_seconds": lyon[0].extra["window_seconds"]}  # fmt: skip
    assert not [s for s in sigs if s.key.endswith((":paris", ":lille", ":nantes"))]


def test_complaints_use_categories_and_places_when_present() -> None:
    start = T0 + timedelta(hours=10)

    def tag(m: Mention, city: str) -> Mention:
        m.categories = [{"name": "network_outage", "score": 0.9, "workspace_id": 2}]
        m.places = [{"name": city, "kind": "city", "country": "fr"}]
        m.text = "rien ne marche"  # nothing in the text: the enrichment decides
        return m

    rng = random.Random(81)
    calm = [tag(m, rng.choice(CITIES)) for m in background(81, per_minute=0.5,
            duration=timedelta(hours=12))]  # fmt: skip
    wave = [tag(m, "Grenoble") for m in burst(82, start=start, per_minute=2, minutes=30)]
    sigs = [s for s in feed(ComplaintDetector(), merge(calm, wave)) if s.trend == "rising"]
    keys = [s.key for s in sigs]
    assert keys[0] == "complaint:2:network_outage:grenoble"
    assert sigs[0].workspace_id == 2
    assert start <= sigs[0].t <= start + timedelta(minutes=8)


def test_praise_is_not_a_complaint() -> None:
    """The same wave tagged ``praise`` (a campaign's compliments) stays quiet by
    default, and fires when a workspace asks for it."""
    start = T0 + timedelta(hours=10)

    def tag(m: Mention, name: str) -> Mention:
        m.categories = [{"name": name, "score": 0.9}]
        m.places = [{"name": "Grenoble", "kind": "city", "country": "fr"}]
        m.text = "merci"
        return m

    calm = [tag(m, "billing") for m in background(83, per_minute=0.5,
            duration=timedelta(hours=12))]  # fmt: skip
    wave = [tag(m, "praise") for m in burst(84, start=start, per_minute=2, minutes=30)]
    stream = merge(calm, wave)
    assert not [s for s in feed(ComplaintDetector(), stream) if "praise" in s.key]
    asked = feed(ComplaintDetector(exclude=()), stream)
    assert [s for s in asked if s.key.startswith("complaint:praise:") and s.trend == "rising"]
