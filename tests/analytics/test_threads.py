"""Threads count once: one popular post's replies and reposts are its engagement, not a
burst of the topic; the same number of independent posts is a burst."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import timedelta

from socialhub.analytics.detectors import (
    DetectorSet,
    EmergingDetector,
    SentimentShiftDetector,
    VolumeDetector,
)
from socialhub.analytics.detectors.burst import ThreadCap, thread_of
from socialhub.models import Mention

from .streams import T0, background, burst, merge

START = T0 + timedelta(days=1, hours=14)


def _cascade(stream: list[Mention], root: str = "x:root1") -> list[Mention]:
    """The same posts, as replies and reposts of one root post."""
    out = []
    for i, m in enumerate(stream):
        kind = "repost" if i % 2 else "reply"
        fields = {"repost_of": root} if kind == "repost" else {"reply_to": root}
        out.append(dataclasses.replace(m, kind=kind, root_id=root, **fields))
    return out


def _world(cascade: bool) -> list[Mention]:
    wave = burst(7, start=START, per_minute=40, minutes=10, negative_share=0.9,
                 text="Jamais plus Nexo incendie #NexoFeu")  # fmt: skip
    return merge(
        background(6, per_minute=3, duration=timedelta(days=1, hours=15)),
        _cascade(wave) if cascade else wave,
    )


def test_thread_of_and_the_cap() -> None:
    post = Mention("x", "1", "a", T0)
    reply = dataclasses.replace(post, native_id="2", kind="reply", reply_to="x:1", root_id="x:0")
    assert thread_of(post) is None and thread_of(reply) == "x:0"
    cap = ThreadCap(2, 3600.0)
    t = T0.timestamp()
    assert [cap.admit(t + i, "x:0") for i in range(4)] == [True, True, False, False]
    assert cap.admit(t + 3600.0, "x:0")  # a new window: the thread counts again


def test_one_posts_cascade_is_quiet_and_the_same_volume_of_posts_fires() -> None:
    for name, make in [("volume", VolumeDetector), ("sentiment", SentimentShiftDetector)]:
        det, other = make(), make()
        fired = [s for m in _world(cascade=False) for s in det.update(m)]
        quiet = [s for m in _world(cascade=True) for s in other.update(m)]
        assert fired and fired[0].t >= START, name
        assert quiet == [], (name, [s.title for s in quiet])


def test_emerging_counts_a_threads_replies_once() -> None:
    ds = DetectorSet.from_config({"only": ["emerging"],
                                  "detectors": {"emerging": {"routed_only": False}}})  # fmt: skip
    fired = [s for s in ds.run(_world(cascade=False)) if s.trend == "rising"]
    ds = DetectorSet.from_config({"only": ["emerging"],
                                  "detectors": {"emerging": {"routed_only": False}}})  # fmt: skip
    quiet = [s for s in ds.run(_world(cascade=True)) if s.trend == "rising"]
    assert any("#nexofeu" in s.extra["terms"] for s in fired)
    assert not any("#nexofeu" in s.extra["terms"] for s in quiet)


def test_per_thread_zero_counts_every_post_as_before() -> None:
    det = VolumeDetector(per_thread=0)
    fired = [s for m in _world(cascade=True) for s in det.update(m)]
    assert fired and fired[0].key == "query:1"


def test_checkpoints_from_version_1_still_load() -> None:
    """A pickled detector without the version-2 attributes resumes with the cap on."""
    det = VolumeDetector()
    for m in _world(cascade=False)[:2000]:
        det.update(m)
    for st in det.core.keys.values():  # what a version-1 checkpoint looks like
        object.__delattr__(st, "threads")
        object.__delattr__(st, "next_roll")
    em = EmergingDetector(routed_only=False)
    for name in ("per_thread", "threads", "hold", "loud", "loud_since"):
        delattr(em, name)
    det2, em2 = pickle.loads(pickle.dumps((det, em)))
    assert all(st.threads is None and st.next_roll == 0.0 for st in det2.core.keys.values())
    assert em2.per_thread == 2 and em2.hold == 8
    rest = _world(cascade=True)[2000:]
    assert [s for m in rest for s in det2.update(m)] == []
    for m in rest[:500]:
        em2.update(m)


def _ramp(hold: int) -> list[str]:
    """Chatter, then a new story spread over two periods: 13 posts, then 26."""
    det = EmergingDetector(period=600, warmup=2, width=4096, routed_only=False, hold=hold)
    words = ["forfait", "facture", "fibre", "reseau", "box", "mobile"]
    out = []
    for i in range(600):  # two hours of ordinary chatter, one post every 12 s
        text = f"{words[i % 6]} {words[(i * 7) % 6]} ok"
        out += det.update(Mention("x", str(i), text, T0 + timedelta(seconds=12 * i)))
    ramp = [7200 + 45 * i for i in range(13)] + [7800 + 22 * i for i in range(26)]
    for j, sec in enumerate(ramp):
        out += det.update(Mention("x", f"r{j}", "fermeture boutiques", T0 + timedelta(seconds=sec)))
    out += det.advance(T0 + timedelta(seconds=8400))
    return [t for s in out for t in s.extra["terms"]]


def test_a_story_ramping_over_two_periods_is_not_learnt_before_it_fires() -> None:
    assert "fermeture" in _ramp(hold=8)
    assert "fermeture" not in _ramp(hold=0)  # the paper's update learns its first period
