"""The complaint detector's speed-ups (issue 18: an index of the alerting keys, the
keyword vocabulary in one Aho-Corasick pass, the places alerting counted once per
change) give the same signals as the code before them, kept here as a reference:
every key scanned for the alerting ones, one substring search per vocabulary term,
the places alerting counted for each silenced national key on every post.

Seeded simulator stream (the outage silences "complaints everywhere" for the cities'
alerts, the path the speed-ups changed), fed through both and the signals compared
field by field, with a checkpoint taken and resumed half-way on the fast one."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from socialhub.analytics.detectors.burst import BurstCore
from socialhub.analytics.detectors.complaints import (
    ComplaintDetector,
    PlaceCore,
    default_vocabulary,
)
from socialhub.models import Mention
from socialhub.records.signals import Signal

from .sim_stream import stream

pytestmark = pytest.mark.slow  # the shared simulator stream (34 h, enriched)


class _ScanningCore(PlaceCore):
    def alerting(self) -> list[str]:  # the code before the index
        return [k for k, st in self.keys.items() if st.alert_since is not None]


class _Reference(ComplaintDetector):
    """The complaint detector as it was before the speed-ups."""

    silenced_seen = 0

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        core = _ScanningCore(self.params, 3 * 86400.0, 20.0)
        core.__dict__.update(vars(self.core))
        self.core = core

    def _categories(self, text: str) -> list[str]:
        return [c for c, ps in self.fallback.items() if any(p in text for p in ps)]

    def _slow_places(self, national: str) -> int:
        return self._places_alerting(national, self.core.alerting())

    def _national(self, t: float) -> list[Signal]:
        out = []
        for key, (since, ws, verdict) in list(self.held.items()):
            if t - since < self.national_hold:
                continue
            del self.held[key]
            places = self._slow_places(key)
            if places == 0 or places >= self.national_places:
                out.append(self._signal(key, ws, since, "rising", verdict))
            else:
                self.silenced.add(key)
        self.silenced_seen = max(self.silenced_seen, len(self.silenced))
        for key in sorted(self.silenced):
            if key not in self.core.alerting():
                self.silenced.discard(key)
            elif self._slow_places(key) >= self.national_places:
                self.silenced.discard(key)
                st = self.core.keys[key]
                self.core.roll(st, t)
                best = max(self.core.verdicts(st, t), key=lambda v: v.z)
                out.append(self._signal(key, None, t, "rising", best))
        return out


def _run(det: ComplaintDetector, mentions: list[Mention]) -> list[tuple[object, ...]]:
    out: list[Signal] = []
    end = mentions[-1].created_at
    half = len(mentions) // 2
    for i, m in enumerate(mentions):
        if i == half and not isinstance(det, _Reference):
            det = pickle.loads(pickle.dumps(det))  # derived indexes are rebuilt
        out += det.update(m)
        if i % 50 == 0:  # the detector service advances every tick
            out += det.advance(m.created_at)
            scan = [k for k, st in det.core.keys.items() if st.alert_since is not None]
            assert det.core.alerting() == scan  # the index follows alerts opening and ending
    out += det.advance(end + timedelta(hours=2))
    return [
        (s.key, s.t, s.trend, s.severity, s.observed, s.baseline, s.threshold, s.score,
         s.title, tuple(s.evidence))
        for s in out
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [42, 7])
def test_same_signals_as_before_the_speed_ups(seed: int) -> None:
    mentions, meta = stream(seed)
    assert isinstance(ComplaintDetector().core, BurstCore)
    ref = _Reference(workspaces=meta["workspaces"])
    before = _run(ref, mentions)
    after = _run(ComplaintDetector(workspaces=meta["workspaces"]), mentions)
    assert ref.silenced_seen > 0  # the path that changed was taken
    assert len(before) > 5
    assert after == before


def _waves() -> list[Mention]:
    """A few complaints a day in eight towns, then an outage in three (the national key
    is silenced: the places say it), then in two more (four places alerting: the
    national alert is told after all)."""
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    towns = ["Lyon", "Paris", "Lille", "Nantes", "Rennes", "Nice", "Brest", "Metz"]
    out = [Mention("x", f"q{i}", f"panne internet a {towns[i % 8]}", t0 + timedelta(
        minutes=5 * i)) for i in range(150)]  # fmt: skip
    for start, cities, n in (
        (750, ["Lyon", "Paris", "Lille"], 20),
        (775, ["Nantes", "Rennes"], 25),
    ):
        for i in range(n):
            for j, c in enumerate(cities):
                at = t0 + timedelta(minutes=start, seconds=15 * i + j)
                out.append(Mention("x", f"w{c}{i}", f"Plus de réseau à {c} ! panne", at))
    return sorted(out, key=lambda m: m.created_at)


def test_a_silenced_national_alert_is_told_as_before() -> None:
    ref = _Reference(routed_only=False)
    before = _run(ref, _waves())
    after = _run(ComplaintDetector(routed_only=False), _waves())
    assert ref.silenced_seen == 1
    told = [s for s in after if s[0] == "complaint:network_outage:*"]
    assert [s[2] for s in told] == ["rising"]  # once Nantes is the fourth place
    assert after == before


def test_every_vocabulary_term_finds_the_same_categories() -> None:
    fast, ref = ComplaintDetector(), _Reference()
    for words in default_vocabulary().values():
        for word in words:
            for text in (word.rstrip("*"), f"hier {word.rstrip('*')}s encore", f"x{word}"):
                m = Mention("x", "1", text, datetime(2026, 3, 2, tzinfo=UTC), query_ids=[1])
                assert fast.keys(m) == ref.keys(m), text
    mentions, _meta = stream(42)
    assert [fast.keys(m) for m in mentions] == [ref.keys(m) for m in mentions]


def test_a_silenced_national_alert_ends_and_a_later_wave_is_told() -> None:
    """Three cities' outage silences "complaints everywhere"; once it dies down the key
    must end (it was never followed, so it stayed alerting and silenced for ever), and
    a nationwide wave the next day, spread over many towns, is told."""
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    towns = ["Lyon", "Paris", "Lille", "Nantes", "Rennes", "Nice", "Brest", "Metz",
             "Dijon", "Tours", "Reims", "Caen", "Pau", "Albi", "Agen", "Sète"]  # fmt: skip
    base = [Mention("x", f"q{i}", f"panne internet a {towns[i % 8]}", t0 + timedelta(
        minutes=5 * i)) for i in range(150)]  # fmt: skip
    local = [
        Mention("x", f"w{c}{i}", f"Plus de réseau à {c} ! panne",
                t0 + timedelta(minutes=750, seconds=15 * i + j))
        for i in range(20) for j, c in enumerate(["Lyon", "Paris", "Lille"])
    ]  # fmt: skip
    # the next day: the same category everywhere, one post per town in turn, no town
    # loud enough alone to alert
    wave_t = t0 + timedelta(days=2)
    wave = [Mention("x", f"n{i}", f"panne internet chez moi a {towns[i % 16]}",
                    wave_t + timedelta(seconds=20 * i)) for i in range(90)]  # fmt: skip
    det = ComplaintDetector(routed_only=False)
    told: list[Signal] = []
    key = "complaint:network_outage:*"
    for m in sorted(base + local, key=lambda m: m.created_at):
        told += det.update(m)
        told += det.advance(m.created_at)
    # the national verdict waits out its hold, then the cities explain it
    for k in range(1, 5):
        told += det.advance(t0 + timedelta(minutes=755 + 5 * k))
    assert key in det.silenced
    # a quiet day, the service ticking every 10 minutes
    for k in range(1, 6 * 20):
        told += det.advance(t0 + timedelta(minutes=780 + 10 * k))
    assert key not in det.silenced and key not in det.core.alerting()
    assert not [s for s in told if s.key == key]  # silenced: never told
    for m in wave:
        told += det.update(m)
        told += det.advance(m.created_at)
    told += det.advance(wave[-1].created_at + timedelta(minutes=20))
    national = [s for s in told if s.key == key]
    wave_told = [(s.key, s.trend, s.t) for s in told if s.t >= wave_t]
    assert [s.trend for s in national][:1] == ["rising"], (wave_told, det.held, det.silenced)
