"""Competitor launch monitor: exact metrics on crafted curves, the demo's launch and
campaign judged from the store, the library table on both back ends, the online
milestones and the CLI."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialhub.analytics.launch_monitor import LaunchMonitor, LaunchWatch
from socialhub.analytics.launches import Curve, evaluate, percentile_rank, quantile, shape
from socialhub.analytics.launches_library import (
    DEMO_BRAND,
    DEMO_QUERIES,
    StoreSource,
    StreamSource,
    demo_launches,
    measure,
    report,
)
from socialhub.cli.launch_cmds import app
from socialhub.demo import Simulator
from socialhub.models import Author, Engagement, Mention, Workspace
from socialhub.query import Matcher, parse
from socialhub.records.launches import LaunchRecord
from socialhub.store.base import Store
from socialhub.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TOML = Path(__file__).resolve().parents[2] / "examples" / "telecom.toml"
DEMO_HOURS = 24
RATE = 4.0


# -- crafted curves: exact numbers ---------------------------------------------------


def test_shape_of_a_crafted_curve_is_exact() -> None:
    # hourly buckets: peak 10 in the third bucket; the excess halves (to 5) between
    # bucket 3 (6) and bucket 4 (4), i.e. at 3.5 h, 1.5 h after the peak
    s = shape([0, 2, 10, 6, 4, 2, 1], 3600)
    assert (s.peak, s.peak_index, s.time_to_peak_s, s.half_life_s) == (10, 2, 7200, 5400.0)


def test_half_life_is_measured_on_the_excess_over_the_expected_volume() -> None:
    # expected 2 per bucket: peak excess 18, half 9 -> reached exactly at bucket 3 (11)
    s = shape([2, 20, 15, 11, 2], 1800, 2.0)
    assert (s.peak, s.time_to_peak_s, s.half_life_s) == (20, 1800, 3600.0)
    # first maximum wins on ties; a curve that never halves has no half-life
    held = shape([1, 8, 8, 7, 6], 900)
    assert (held.peak_index, held.half_life_s) == (1, None)
    assert shape([], 900).half_life_s is None


def _curve(counts: list[float], expected: float = 2.0) -> Curve:
    n = len(counts)
    return Curve(
        start=T0,
        bucket_s=3600,
        mentions=counts,
        reach=[100.0 * c for c in counts],
        engagement=[5.0 * c for c in counts],
        expected=[expected] * n,
        base_reach=100.0,
        base_engagement=5.0,
        brand=[10.0] * n,
        brand_engagement=[20.0] * n,
    )


def test_evaluate_on_crafted_curves() -> None:
    spike = evaluate("spike", _curve([2, 40, 3, 2, 2, 2]))
    assert spike.mentions == 51 and spike.expected == 12.0
    assert spike.lift == pytest.approx(51 / 12, abs=1e-3)
    assert spike.peak_lift == 20.0
    assert spike.sustain == 0.0  # nothing after the peak at 2x the expected volume
    assert spike.engagement_per_post == 5.0 and spike.engagement_lift == 1.0
    assert spike.share_of_voice == pytest.approx(51 / (51 + 60))
    assert spike.engagement_vs_brand == pytest.approx(5.0 / 2.0)
    assert spike.verdict == "fizzle"

    held = evaluate("held", _curve([10, 40, 35, 30, 25, 20]))
    assert held.sustain == 1.0 and held.shape.half_life_s is not None
    assert held.score > spike.score and held.verdict == "buzz"

    flat = evaluate("flat", _curve([2, 2, 2, 2]))
    assert flat.lift == 1.0 and flat.score == 0.0 and flat.verdict == "fizzle"
    # ranked among a library of past scores
    ranked = evaluate("held", _curve([10, 40, 35, 30, 25, 20]), [flat.score, spike.score])
    assert ranked.percentile == 100.0 and ranked.library_size == 2


def test_percentiles_and_quantiles() -> None:
    assert percentile_rank(5, [1, 5, 9, 10]) == 37.5
    assert percentile_rank(5, []) is None
    assert quantile([10, 20, 30, 40, 50], 0.8) == 42.0
    assert quantile([7], 0.8) == 7


# -- the demo: Telvia's launch fizzles, our campaign buzzes ---------------------------


@pytest.fixture(scope="module")
def demo_stream() -> tuple[Simulator, list[Mention]]:
    sim = Simulator(seed=42, rate_per_minute=RATE)
    return sim, list(sim.until(sim.start + timedelta(hours=DEMO_HOURS)))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_stream: tuple) -> Iterator[str]:
    _, stream = demo_stream
    url = f"sqlite:///{tmp_path_factory.mktemp('launches') / 'hub.db'}"
    store = SqliteStore(url)
    store.migrate()
    store.mentions.add(stream)
    store.close()
    yield url


def _demo_record(sim: Simulator, episode: str, name: str) -> LaunchRecord:
    ep = sim.episode(episode)
    return LaunchRecord(
        name=name,
        query=DEMO_QUERIES[ep.query],
        launch_at=ep.start,
        brand_query=DEMO_QUERIES[DEMO_BRAND],
    )


def test_demo_queries_equal_the_example_configuration() -> None:
    config = tomllib.loads(TOML.read_text(encoding="utf-8"))
    defined = {q["name"]: q["definition"] for ws in config["workspace"] for q in ws["query"]}
    for name, definition in DEMO_QUERIES.items():
        assert defined[name] == definition, name


def test_demo_launch_fizzles_and_campaign_buzzes_from_the_store(
    demo_db: str, demo_stream: tuple
) -> None:
    sim, stream = demo_stream
    store = SqliteStore(demo_db)
    try:
        store.launches.save_launch(_demo_record(sim, "lancement-telvia", "telvia-flex"))
        store.launches.save_launch(_demo_record(sim, "campagne-mirabelle", "ma-vie"))
        telvia_rec, telvia = report(store, "telvia-flex")
        campaign_rec, campaign = report(store, "ma-vie")
        # the same curve as measured from the stream with the streaming matcher
        from_stream = measure(StreamSource(stream), store.launches.get_launch("telvia-flex"))  # type: ignore[arg-type]
        from_store = measure(StoreSource(store), telvia_rec)
    finally:
        store.close()
    assert telvia.verdict == "fizzle", telvia.summary()
    assert campaign.verdict == "buzz", campaign.summary()
    assert campaign.score > telvia.score + 40
    # Telvia's spike: at most an hour to its peak, halved within the hour
    assert telvia.shape.time_to_peak_s <= 3600
    assert telvia.shape.half_life_s is not None and telvia.shape.half_life_s < 3600
    assert telvia.sustain < 1 / 3 <= campaign.sustain
    # the campaign film airs two hours in (scripts_buzz.campaign)
    assert 3600 <= campaign.shape.time_to_peak_s <= 3 * 3600
    assert 0 < telvia.share_of_voice < 0.5  # type: ignore[operator]
    # ranked: the campaign was measured after Telvia, so it is above all of the library
    assert campaign.library_size == 1 and campaign.percentile == 100.0
    assert campaign_rec.score == campaign.score and campaign_rec.metrics is not None
    assert from_stream.mentions == from_store.mentions
    assert from_stream.expected == from_store.expected


def test_demo_library_verdicts_hold_across_seeds() -> None:
    results = demo_launches((42, 1, 2), rate_per_minute=RATE)
    verdicts = {record.name: result.verdict for record, result in results}
    assert verdicts == {
        f"demo-{ep}-s{seed}": outcome
        for seed in (42, 1, 2)
        for ep, outcome in (("lancement-telvia", "fizzle"), ("campagne-mirabelle", "buzz"))
    }
    assert all(r.outcome == res.verdict for r, res in results)


# -- the library table on both back ends ----------------------------------------------


def test_launch_records_round_trip(store: Store) -> None:
    ws = store.workspaces.upsert_workspace(Workspace("w", "W"))
    saved = store.launches.save_launch(
        LaunchRecord("flex", "Telvia", T0, workspace_id=ws.id, brand_query="mirabelle")
    )
    assert saved.id is not None and saved.created_at is not None and saved.score is None
    assert store.launches.list_launches(library_only=True) == []
    updated = store.launches.save_launch(
        LaunchRecord(
            "flex",
            "Telvia OR #TelviaFlex",
            T0,
            workspace_id=ws.id,
            curve={"mentions": [1, 2]},
            metrics={"verdict": "fizzle"},
            score=12.5,
            outcome="fizzle",
            in_library=False,
        )
    )
    assert updated.id == saved.id and updated.query == "Telvia OR #TelviaFlex"
    assert updated.curve == {"mentions": [1, 2]} and updated.in_library is False
    assert updated.launch_at == T0 and updated.score == 12.5
    store.launches.save_launch(LaunchRecord("other", "Nexo", T0 - timedelta(days=1), score=40.0))
    assert [r.name for r in store.launches.list_launches()] == ["other", "flex"]
    assert [r.name for r in store.launches.list_launches(library_only=True)] == ["other"]
    assert [r.name for r in store.launches.list_launches(workspace_id=ws.id)] == ["flex"]
    with pytest.raises(ValueError):
        store.launches.save_launch(LaunchRecord("bad", "x", T0, outcome="great"))
    store.launches.delete_launch("flex")
    assert store.launches.get_launch("flex") is None


# -- the online monitor ------------------------------------------------------------------


def _routed(stream: list[Mention], query: str, qid: int) -> list[Mention]:
    """Copies routed to one query (the shared stream is left untouched)."""
    matcher = Matcher([(qid, 1, parse(query))])
    return [dataclasses.replace(m, query_ids=matcher.match(m)) for m in stream]


def test_monitor_milestones_on_the_demo(demo_stream: tuple) -> None:
    sim, stream = demo_stream
    source = StreamSource(stream)
    telvia = measure(source, _demo_record(sim, "lancement-telvia", "t"))
    campaign = measure(source, _demo_record(sim, "campagne-mirabelle", "c"))
    library = [10.0, 20.0, 90.0]  # p80 = 62
    for name, curve, query, wanted in (
        ("telvia", telvia, DEMO_QUERIES["Concurrent Telvia"], ["peak", "fizzle"]),
        ("campaign", campaign, DEMO_QUERIES["Campagne #MaVieEnMirabelle"], ["buzz", "peak"]),
    ):
        monitor = LaunchMonitor([LaunchWatch.from_curve(name, 5, curve)], library=library)
        routed = _routed(stream, query, 5)
        signals = [s for m in routed for s in monitor.update(m)]
        signals += monitor.advance(curve.start + timedelta(hours=7))
        assert sorted(s.extra["milestone"] for s in signals) == sorted(wanted), name
        assert all(s.detector == "launch" and s.key == f"launch:{name}" for s in signals)
        for s in signals:  # inside the window, on the stream's clock
            assert curve.start < s.t <= curve.start + timedelta(hours=6)
            assert s.evidence
    assert monitor.buzz_threshold == pytest.approx(62.0)


def test_monitor_is_quiet_on_a_steady_background() -> None:
    monitor = LaunchMonitor([LaunchWatch("calm", 3, T0, expected=4.0)])
    posts = [
        Mention(
            "x",
            str(i),
            "calm",
            T0 + timedelta(minutes=7.5 * i),
            query_ids=[3],
            author=Author("x", str(i), followers=50),
            engagement=Engagement(likes=1),
        )
        for i in range(48)  # four per half hour for six hours: the expected volume
    ]
    assert [s for m in posts for s in monitor.update(m)] == []
    assert monitor.advance(T0 + timedelta(hours=8)) == []


# -- the CLI ----------------------------------------------------------------------------


def test_cli_add_report_list(demo_db: str, demo_stream: tuple, tmp_path: Path) -> None:
    sim, _ = demo_stream
    db = ["--db", demo_db]
    run = CliRunner().invoke
    at = sim.episode("lancement-telvia").start.isoformat()
    added = run(
        app,
        [
            "add",
            DEMO_QUERIES["Concurrent Telvia"],
            "--at",
            at,
            "--name",
            "cli-telvia",
            "--brand",
            DEMO_QUERIES[DEMO_BRAND],
            "--json",
            *db,
        ],
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["window_s"] == 6 * 3600
    shown = run(app, ["report", "cli-telvia", "--json", *db])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["report"]["verdict"] == "fizzle"
    assert len(data["curve"]["mentions"]) == 12
    text = run(app, ["report", "cli-telvia", *db])
    assert "FIZZLE" in text.stdout and "half-life" in text.stdout
    listed = run(app, ["list", "--json", *db])
    assert "cli-telvia" in [r["name"] for r in json.loads(listed.stdout)]
    assert run(app, ["report", "nope", *db]).exit_code == 1
    bad = run(app, ["add", "Telvia AND (", "--at", at, "--name", "x", *db])
    assert bad.exit_code != 0
