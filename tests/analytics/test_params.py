"""Detectors declare their parameters (River's ``_get_params`` / ``clone``), and a
checkpoint is reconciled with the configuration from those declarations."""

from __future__ import annotations

import inspect
import pickle
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from socialhub.alerts.routing import Router
from socialhub.analytics.detectors import DetectorSet, builtin_detectors
from socialhub.analytics.params import CONTEXT, Parametrised, changed_params
from socialhub.analytics.service import DetectorService
from socialhub.bus import open_bus
from socialhub.store.sqlite import SqliteStore

from .streams import background

NAMES = sorted(builtin_detectors())


@pytest.mark.parametrize("name", NAMES)
def test_every_detector_declares_its_constructor_keywords(name: str) -> None:
    factory = builtin_detectors()[name]
    det = factory()
    assert isinstance(det, Parametrised)
    keywords = set(inspect.signature(factory).parameters) - CONTEXT
    assert set(det._get_params()) == keywords
    clone = det.clone()
    assert type(clone) is type(det) and clone is not det
    assert clone._get_params() == det._get_params()
    assert pickle.loads(pickle.dumps(det))._get_params() == det._get_params()
    with pytest.raises(TypeError, match="no parameter"):
        det.clone(not_a_parameter=1)


@pytest.mark.parametrize("name", NAMES)
def test_a_clone_has_no_learnt_state(name: str) -> None:
    stream = list(background(5, per_minute=5, duration=timedelta(hours=2)))
    det = DetectorSet.from_config({"only": [name]}).detectors[name]
    fresh = pickle.dumps(builtin_detectors()[name]())
    for m in stream:
        det.update(m)
    assert pickle.dumps(det) != fresh  # it learnt something
    assert pickle.dumps(det.clone()) == fresh


def test_settings_reach_the_declaration_and_a_change_is_named() -> None:
    tuned = DetectorSet.from_config({"detectors": {"volume": {"z": 4.0, "windows": [60, 600]}}})
    volume = tuned.detectors["volume"]
    assert isinstance(volume, Parametrised)
    assert volume._get_params()["z"] == 4.0
    default = builtin_detectors()["volume"]()
    assert changed_params(volume, default) == ["windows", "z"]
    assert changed_params(volume, volume.clone()) == []
    # lists and tuples of the same values are the same parameter
    assert changed_params(volume.clone(windows=(60.0, 600.0)), volume) == []


def test_resume_keeps_state_unless_parameters_changed(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    old = DetectorSet.from_config({"only": ["volume", "sentiment_shift"]})
    list(old.run(list(background(3, per_minute=5, duration=timedelta(hours=2))), flush=False))
    state = tmp_path / "detectors.pickle"
    state.write_bytes(pickle.dumps(old))
    router = Router(sqlite_store.alerts, [], [])

    def resume(config: dict[str, object]) -> DetectorService:
        return DetectorService(open_bus(), sqlite_store, config, router=router, state_path=state)

    same = resume({"only": ["volume", "sentiment_shift"]}).detectors.detectors
    assert same["volume"].core.keys and same["sentiment_shift"].keys  # type: ignore[attr-defined]
    tuned = resume({"only": ["volume", "sentiment_shift"], "detectors": {"volume": {"z": 9.0}}})
    kept, fresh = tuned.detectors.detectors["sentiment_shift"], tuned.detectors.detectors["volume"]
    assert kept.keys  # type: ignore[attr-defined]
    assert not fresh.core.keys  # type: ignore[attr-defined]
    assert fresh._get_params()["z"] == 9.0  # type: ignore[attr-defined]


def test_detector_settings_are_checked_against_the_declarations() -> None:
    where = "hub.toml: [detect.detectors.volume]"
    with pytest.raises(ValueError, match=r"hub\.toml: \[detect\.detectors\.volume\]: unknown par"):
        DetectorSet.from_config({"detectors": {"volume": {"zz": 4}}}, origin="hub.toml")
    with pytest.raises(ValueError, match=rf"{re.escape(where)} z: must be a float, not 'high'"):
        DetectorSet.from_config({"detectors": {"volume": {"z": "high"}}}, origin="hub.toml")
    with pytest.raises(ValueError, match=r"\[detect\.detectors\.emerging\] hold: must be a int"):
        DetectorSet.from_config({"detectors": {"emerging": {"hold": 2.5}}})
    # what the declarations allow still builds: ints for floats, lists for tuples, enabled
    ok = DetectorSet.from_config(
        {"detectors": {"volume": {"z": 4, "windows": [60, 600]}, "emerging": {"enabled": False}}}
    )
    assert "emerging" not in ok.detectors and ok.detectors["volume"]._get_params()["z"] == 4  # type: ignore[attr-defined]


def test_the_launch_monitor_declares_its_parameters_like_detectors() -> None:
    from socialhub.analytics.launch_monitor import LaunchMonitor, LaunchWatch
    from socialhub.analytics.params import check_params

    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    mon = LaunchMonitor([LaunchWatch("flex", 7, t0)], library=[0.5], fizzle_hours=1.0)
    params = mon._get_params()
    assert set(params) == {"buzz_quantile", "min_peak", "peak_drop", "fizzle_hours", "params"}
    assert params["fizzle_hours"] == 1.0  # watches and library are data, not parameters
    fresh = mon.clone(min_peak=9.0)
    assert fresh.watches == {} and fresh._get_params()["min_peak"] == 9.0
    assert changed_params(mon, fresh) == ["min_peak"]
    assert changed_params(mon, LaunchMonitor(fizzle_hours=1.0)) == []
    with pytest.raises(ValueError, match=r"hub.toml: \[detect.launch\]: unknown parameter"):
        check_params(LaunchMonitor, {"fizle_hours": 2}, "hub.toml: [detect.launch]")
    with pytest.raises(ValueError, match=r"\[detect.launch\] min_peak: must be a float"):
        check_params(LaunchMonitor, {"min_peak": "5"}, "[detect.launch]")
    check_params(LaunchMonitor, {"enabled": False, "min_peak": 3}, "[detect.launch]")


@pytest.mark.parametrize("name", NAMES)
def test_context_goes_to_what_each_detector_declares(name: str) -> None:
    factory = builtin_detectors()[name]
    det = factory()
    declared = set(inspect.signature(factory).parameters) & CONTEXT
    assert type(det)._context == declared
    det.set_context(workspaces={1: 2}, labels={"query:1": "Brand"}, lists={"vip": "press"})
    for name_ in declared:
        assert getattr(det, name_), name_
    for name_ in CONTEXT - declared:
        assert name_ not in vars(det)


def test_the_detect_table_is_typed(sqlite_store: SqliteStore) -> None:
    from socialhub.analytics.options import DetectOptions

    assert DetectOptions.from_table({"only": ["volume"], "hold_ratio": 3}).hold_ratio == 3.0
    router = Router(sqlite_store.alerts, [], [])
    with pytest.raises(ValueError, match=r"hub.toml: \[detect\]: unknown key hold_ration"):
        DetectorService(open_bus(), sqlite_store, {"hold_ration": 3}, router=router,
                        origin="hub.toml")  # fmt: skip
    with pytest.raises(ValueError, match=r"\[detect\]: refresh_seconds: input should be"):
        DetectorService(open_bus(), sqlite_store, {"refresh_seconds": "1"}, router=router)
