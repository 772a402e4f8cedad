"""Listed voices converging on one conversation (ConvergenceDetector)."""

from __future__ import annotations

import asyncio
import pickle
from datetime import timedelta
from pathlib import Path

import pytest

from socialhub.analytics.detectors.convergence import ConvergenceDetector
from socialhub.hub import Hub
from socialhub.models import Author, Mention, Query, Watchlist, WatchlistMember, Workspace
from socialhub.records.signals import Signal
from socialhub.settings import Settings
from socialhub.store.base import Store

from .streams import T0, background, merge
from .test_hub_alerts import ListSource

LISTS = {"Presse": "journalist", "Députés": "mp", "Concurrents": "competitor"}
START = T0 + timedelta(hours=10)


def listed(native: str, handle: str, minutes: float, lists: list[str], **kw: object) -> Mention:
    return Mention(
        "x",
        native,
        f"{handle} sur la panne réseau",
        START + timedelta(minutes=minutes),
        author=Author("x", f"id-{handle}", handle, followers=20_000),
        watchlists=lists,
        query_ids=[1],
        **kw,  # type: ignore[arg-type]
    )


def pickup() -> list[Mention]:
    """A journalist's post, quoted by two more journalists and an MP (X style: each
    quote starts its own conversation, ``root_id`` is itself)."""
    return [
        listed("root", "cam", 0, ["Presse"]),
        listed("q1", "ines", 25, ["Presse"], kind="quote", quote_of="x:root", root_id="x:q1"),
        listed("q1b", "ines", 30, ["Presse"], kind="reply", reply_to="x:q1", root_id="x:q1"),
        listed("q2", "alex", 50, ["Presse"], kind="quote", quote_of="x:q1", root_id="x:q2"),
        listed("q3", "depute", 80, ["Députés"], kind="quote", quote_of="x:root", root_id="x:q3"),
    ]


def run(det: ConvergenceDetector, stream: list[Mention]) -> list[Signal]:
    out: list[Signal] = []
    for m in stream:
        out += det.advance(m.created_at)
        out += det.update(m)
    return out


def test_fires_when_the_third_distinct_voice_joins_then_escalates() -> None:
    det = ConvergenceDetector(lists=LISTS, labels={"query:1": "Pannes"})
    sigs = run(det, pickup())
    assert [(s.trend, s.t - START) for s in sigs] == [
        ("rising", timedelta(minutes=50)),  # cam, ines (twice: counted once), alex
        ("still rising", timedelta(minutes=80)),  # the MP
    ]
    first, second = sigs
    assert first.key == second.key == "thread:x:root"
    assert first.query_id == 1 and first.observed == 3 and first.threshold == 3
    assert first.evidence == ["x:root", "x:q1", "x:q2"]
    assert first.title.startswith("Pannes: 3 listed voices in one conversation")
    assert "@alex (journalist)" in first.title
    assert second.severity == first.severity + 2  # one more voice, and an MP
    assert [v["handle"] for v in second.extra["voices"]] == ["cam", "ines", "alex", "depute"]


def test_two_voices_or_voices_hours_apart_stay_quiet() -> None:
    assert run(ConvergenceDetector(lists=LISTS), pickup()[:3]) == []
    spread = pickup()[:4]
    spread[2].created_at = spread[1].created_at = START + timedelta(hours=7)
    spread[3].created_at = START + timedelta(hours=14)  # > 6 h after the others
    assert run(ConvergenceDetector(lists=LISTS), spread) == []


def test_a_voice_still_posting_keeps_its_place_in_the_window() -> None:
    stream = [
        listed("root", "cam", 0, ["Presse"]),
        listed("c2", "cam", 300, ["Presse"], kind="reply", reply_to="x:root", root_id="x:root"),
        listed("q1", "ines", 330, ["Presse"], kind="quote", quote_of="x:root", root_id="x:q1"),
        listed("q2", "alex", 390, ["Presse"], kind="quote", quote_of="x:c2", root_id="x:q2"),
    ]
    [sig] = run(ConvergenceDetector(lists=LISTS), stream)
    assert sig.t == START + timedelta(minutes=390)  # cam's first post is 6.5 h old


def test_only_the_configured_list_types_count() -> None:
    stream = pickup()[:4]
    stream[3].watchlists = ["Concurrents"]  # a competitor's account is not the press
    assert run(ConvergenceDetector(lists=LISTS), stream) == []
    assert run(ConvergenceDetector(lists=LISTS, list_types=["journalist", "competitor"]), stream)
    # without types (a bare replay) every watchlist counts
    assert run(ConvergenceDetector(), stream)


def test_independent_posts_by_listed_people_are_not_a_convergence() -> None:
    """A steady day of journalists each posting their own story, with crowd replies."""
    stream: list[Mention] = []
    for i in range(300):
        who = f"journo{i % 12}"
        root = listed(f"r{i}", who, i * 4.7, ["Presse"])
        reply = Mention("x", f"c{i}", "bien vu", root.created_at + timedelta(minutes=2),
                        author=Author("x", f"crowd{i}", f"crowd{i}"), reply_to=root.id,
                        root_id=root.id, query_ids=[1])  # fmt: skip
        stream += [root, reply]
    assert run(ConvergenceDetector(lists=LISTS), stream) == []


def test_memory_is_bounded_and_state_pickles() -> None:
    det = ConvergenceDetector(lists=LISTS, max_posts=50)
    stream = merge(background(5, per_minute=10, start=START - timedelta(hours=1),
                              duration=timedelta(hours=3)), pickup())  # fmt: skip
    cut = len(stream) // 2
    run(det, stream[:cut])
    clone = pickle.loads(pickle.dumps(det))
    rest = stream[cut:]
    a, b = [s.to_dict() for s in run(det, rest)], [s.to_dict() for s in run(clone, rest)]
    assert a == b
    assert det.state_size()["posts"] <= 50
    det.advance(START + timedelta(days=1))
    assert det.state_size()["cascades"] == 0  # quiet conversations are forgotten


def test_min_voices_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="min_voices"):
        ConvergenceDetector(min_voices=1)


def _setup(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("press", "Presse"))
    assert ws.id is not None
    store.workspaces.upsert_query(Query(ws.id, "Pannes", "panne OR reseau"))
    members = [WatchlistMember("x", h) for h in ("cam", "ines", "alex")]
    store.workspaces.upsert_watchlist(Watchlist(ws.id, "Presse", "journalist", members=members))
    store.workspaces.upsert_watchlist(
        Watchlist(ws.id, "Concurrents", "competitor", members=[WatchlistMember("x", "telvia")])
    )


def test_the_hub_alerts_once_with_list_types_read_from_the_store(tmp_path: Path) -> None:
    stream = pickup()[:4]
    for m in stream:
        m.watchlists, m.query_ids = [], []  # the hub's routing stage tags them
    rival = listed("rival", "telvia", 55, [], kind="quote", quote_of="x:root", root_id="x:rv")
    rival.watchlists, rival.query_ids = [], []
    background_posts = list(
        background(9, per_minute=2, start=START - timedelta(hours=2),
                   duration=timedelta(hours=4), text=lambda r: "panne")
    )  # fmt: skip
    settings = Settings(
        db=f"sqlite:///{tmp_path / 'hub.db'}",
        enrichers={"dedup": 100, "route": 500},
        detect={"only": ["convergence"], "notify_min_severity": 1},
    )
    hub = Hub.build(
        settings,
        sources=[ListSource(merge(background_posts, [*stream, rival]))],
        web=False,
        setup=_setup,
    )
    try:
        asyncio.run(hub.run(asyncio.Event(), until_sources_done=True))
        alerts = hub.store.alerts.list_alerts()
    finally:
        hub.close()
    # issue 14: a listed post alone opens nothing (its list's notify is "digest");
    # the voices converging is one alert
    assert {a.detector for a in alerts} == {"convergence"}
    alerts = [a for a in alerts if a.detector == "convergence"]
    assert [(a.key, a.workspace_id) for a in alerts] == [("thread:x:root", 1)]
    assert alerts[0].first_t == START + timedelta(minutes=50)
    assert "x:rival" not in alerts[0].evidence  # a competitor list does not count


def test_a_checkpoint_from_before_a_new_detector_gains_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Upgrading must not leave a new detector out because the state was pickled
    before it existed; learnt baselines are kept, switched-off detectors dropped."""
    from socialhub.alerts.routing import Router
    from socialhub.analytics.detectors import DetectorSet
    from socialhub.analytics.service import DetectorService
    from socialhub.bus import open_bus

    old = DetectorSet.from_config({"only": ["volume", "emerging"]})
    list(old.run(list(background(3, per_minute=5, duration=timedelta(hours=2))), flush=False))
    state = tmp_path / "detectors.pickle"
    state.write_bytes(pickle.dumps(old))
    router = Router(sqlite_store.alerts, [], [])
    config = {"detectors": {"emerging": {"enabled": False}}}
    svc = DetectorService(open_bus(), sqlite_store, config, router=router, state_path=state)
    names = set(svc.detectors.detectors)
    assert "convergence" in names and "emerging" not in names and "volume" in names
    assert svc.detectors.clock == old.clock  # resumed, not rebuilt
    assert svc.detectors.detectors["volume"].core.keys  # the volume baselines survive
