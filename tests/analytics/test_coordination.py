"""The coordination detector on the simulator's coordinated rumour: the whole network
and its first poster named; nothing on the hours of background before it."""

from __future__ import annotations

import doctest
from datetime import timedelta

from socialhub.analytics.detectors import coordination
from socialhub.analytics.detectors.coordination import CoordinationDetector
from socialhub.demo import Simulator
from socialhub.models import Author, Mention

from .streams import T0


def test_docstring_example() -> None:
    result = doctest.testmod(coordination, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_real_customers_copying_one_complaint_are_not_a_network() -> None:
    det = CoordinationDetector(k=3)
    text = "Plus de réseau à Lyon depuis ce matin, vraiment pénible aujourd'hui"
    posts = [
        Mention("x", str(i), text, T0 + timedelta(seconds=3 * i), query_ids=[1],
                author=Author("x", f"u{i}", f"client{i}", followers=250,
                              created_at=T0 - timedelta(days=900)))
        for i in range(6)
    ]  # fmt: skip
    assert [s for p in posts for s in det.update(p)] == []


def test_names_the_rumour_network_and_its_first_poster() -> None:
    sim = Simulator(seed=42, rate_per_minute=1)
    episode = sim.episode("polemique-donnees")
    det = CoordinationDetector()
    signals = []
    for m in sim.until(episode.start + timedelta(hours=3, minutes=30)):
        m.query_ids = [1]  # routed as the brand query would route it
        signals += det.update(m)
    opening = [s for s in signals if s.trend == "rising"]
    assert opening and all(s.t >= episode.start for s in opening)  # no false alarm before
    named: set[str] = set()
    for s in signals:
        named |= set(s.extra["accounts"])
    coordinated = set(episode.coordinated)
    assert len(named & coordinated) >= 0.9 * len(coordinated)
    assert len(named - coordinated - {episode.origin}) <= 2
    assert any(s.extra["first_poster"] == episode.origin for s in signals)


def test_advance_forgets_the_groups_silent_for_follow_and_keeps_the_others() -> None:
    det = CoordinationDetector(k=3, follow=600.0)

    def post(i: int, text: str, seconds: float) -> Mention:
        return Mention("x", str(i), text, T0 + timedelta(seconds=seconds), query_ids=[1],
                       author=Author("x", f"u{i}", f"bot{i}", followers=3))  # fmt: skip

    det.update(post(1, "Premier texte partagé par un réseau de comptes ici", 0))
    det.update(post(2, "Deuxième texte partagé par un autre réseau de comptes", 300))
    det.update(post(3, "Premier texte partagé par un réseau de comptes ici", 400))  # refreshed
    det.advance(T0 + timedelta(seconds=950))
    # the second text was last seen at 300 s (silent 650 s > 600): forgotten; the first,
    # refreshed at 400 s, is kept though it started first
    kept = [g.first[1] for g in det.groups.values() if g.first]
    assert kept == ["x:bot1"]
    det.advance(T0 + timedelta(seconds=1001))
    assert len(det.groups) == 0
