"""One suite over every registered detector (River style)."""

from __future__ import annotations

import pickle
import random
import re
from datetime import timedelta

import pytest

from socialhub.analytics.detectors import DetectorSet, builtin_detectors
from socialhub.models import Author, Mention
from socialhub.records.signals import TRENDS, Signal

from .streams import T0, background, burst, merge

NAMES = sorted(builtin_detectors())
CITIES = ["Lyon", "Paris", "Lille"]


def rich_stream() -> list[Mention]:
    """A day of background with complaints, then a burst every detector should notice
    (with a press pickup for the convergence detector)."""

    def text(rng: random.Random) -> str:
        return f"panne a {rng.choice(CITIES)} forfait" if rng.random() < 0.2 else "ma facture box"

    start = T0 + timedelta(hours=14)
    # the press picks the story up: a journalist's post relayed by three more
    press = [
        Mention("x", f"press{i}", "Incendie au central de Lyon #PanneGeante",
                start + timedelta(minutes=5 + 10 * i), author=Author("x", f"j{i}", f"journo{i}"),
                watchlists=["Presse"], query_ids=[1], kind="quote" if i else "post",
                quote_of="x:press0" if i else None, sentiment_label="negative")
        for i in range(4)
    ]  # fmt: skip
    # and a coordinated network: 8 days-old accounts post one link within 40 s
    coordinated = [
        Mention("x", f"coord{i}", "Ils mentent ! https://fuite.example/doc", start +
                timedelta(minutes=20, seconds=5 * i), query_ids=[1],
                author=Author("x", f"c{i}", f"relais{i}", followers=2,
                              created_at=start - timedelta(days=8)))
        for i in range(8)
    ]  # fmt: skip
    return merge(
        background(91, per_minute=3, duration=timedelta(hours=16), text=text),
        coordinated,
        burst(92, start=start, per_minute=40, minutes=30, negative_share=0.8,
              text="Plus de réseau à Lyon #PanneGeante incendie central"),
        press,
    )  # fmt: skip


def feed(det: object, stream: list[Mention]) -> list[dict]:
    out: list[Signal] = []
    nxt = None
    for m in stream:
        if nxt is None or m.created_at >= nxt:
            out += det.advance(m.created_at)  # type: ignore[attr-defined]
            nxt = m.created_at + timedelta(seconds=10)
        out += det.update(m)  # type: ignore[attr-defined]
    return [s.to_dict() for s in out]


@pytest.fixture(scope="module")
def stream() -> list[Mention]:
    return rich_stream()


@pytest.mark.parametrize("name", NAMES)
def test_fires_on_the_rich_stream_with_valid_signals(name: str, stream: list[Mention]) -> None:
    det = builtin_detectors()[name]()
    sigs = feed(det, stream)
    assert sigs, f"{name} never fired on an obvious burst"
    for s in sigs:
        assert s["detector"] == name == det.name and s["version"] == det.version
        assert 1 <= s["severity"] <= 10 and s["trend"] in TRENDS and s["title"]
        assert s["t"] >= (T0 + timedelta(hours=14)).isoformat()


@pytest.mark.parametrize("name", NAMES)
def test_pickle_round_trip_mid_stream_gives_identical_signals(
    name: str, stream: list[Mention]
) -> None:
    cut = next(i for i, m in enumerate(stream) if m.created_at >= T0 + timedelta(hours=13))
    det = builtin_detectors()[name]()
    feed(det, stream[:cut])
    clone = pickle.loads(pickle.dumps(det))
    rest = stream[cut:]
    expected, got = feed(det, rest), feed(clone, rest)
    assert expected and got == expected


@pytest.mark.parametrize("name", NAMES)
def test_docstring_names_a_paper_and_has_an_example(name: str) -> None:
    doc = builtin_detectors()[name].__doc__ or ""
    assert re.search(r"\b(19|20)\d\d\b", doc), "the docstring names no paper (no year)"
    assert "Parameters" in doc and "Examples" in doc and ">>>" in doc


@pytest.mark.parametrize("name", NAMES)
def test_advance_without_mentions(name: str) -> None:
    det = builtin_detectors()[name]()
    for hours in (0, 1, 48, 24 * 30):
        assert det.advance(T0 + timedelta(hours=hours)) == []
    assert isinstance(det.update(Mention("x", "late", "panne a Lyon", T0, query_ids=[1])), list)


@pytest.mark.parametrize("name", NAMES)
def test_hostile_mentions_do_not_crash(name: str) -> None:
    det = builtin_detectors()[name]()
    t = T0 + timedelta(hours=1)
    hostile = [
        Mention("x", "empty", "", t, query_ids=[1]),
        Mention("x", "huge", "panne Lyon #x " * 200_000, t, query_ids=[1]),
        Mention("x", "nocat", "plus de réseau", t, query_ids=[]),
        Mention("x", "weird", "\x00\u202e🔥" * 50, t, query_ids=[1, 1, 2**40],
                sentiment_label="NEGATIVE", keyphrases=["ok", 3, None]),  # type: ignore[list-item]
        Mention("x", "badcat", "panne", t, query_ids=[1],
                categories=[{"name": None}, "junk", {"score": "x"}],  # type: ignore[list-item]
                places=[{"kind": "city"}, "junk", {"name": 5}],  # type: ignore[list-item]
                entities=[{"text": None}, "junk"]),  # type: ignore[list-item]
        Mention("x", "past", "panne", t - timedelta(days=400), query_ids=[1]),
    ]  # fmt: skip
    for m in hostile:
        assert isinstance(det.update(m), list)
    assert isinstance(det.advance(t + timedelta(minutes=5)), list)


def test_detector_set_config_and_unknown_names() -> None:
    ds = DetectorSet.from_config({"detectors": {"emerging": {"enabled": False},
                                                "volume": {"z": 7}}})  # fmt: skip
    assert "emerging" not in ds.detectors and set(ds.detectors) == set(NAMES) - {"emerging"}
    with pytest.raises(ValueError, match="unknown detector"):
        DetectorSet.from_config({"detectors": {"nope": {}}})
    with pytest.raises(ValueError, match=r"\[detect\.detectors\.volume\]: unknown .*no_such"):
        DetectorSet.from_config({"detectors": {"volume": {"no_such_param": 1}}})


def test_detector_set_pickles_mid_stream(stream: list[Mention]) -> None:
    ds = DetectorSet.from_config({})
    half = len(stream) // 2
    list(ds.run(stream[:half], flush=False))
    clone = pickle.loads(pickle.dumps(ds))
    a = [s.to_dict() for s in ds.run(stream[half:])]
    b = [s.to_dict() for s in clone.run(stream[half:])]
    assert a and a == b
    assert {s["detector"] for s in a} == set(NAMES)
