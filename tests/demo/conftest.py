"""Streams shared by the demo tests (generated once per session: they are deterministic)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialhub.demo import Simulator
from socialhub.models import Mention


@pytest.fixture(scope="session")
def day_stream() -> list[Mention]:
    """The first 20,000 mentions of the default simulator (about half a day)."""
    return Simulator(seed=42).take(20_000)


@pytest.fixture(scope="session")
def two_days() -> tuple[Simulator, list[Mention]]:
    """44 simulated hours at a low rate: every episode plus the day before the outage."""
    sim = Simulator(seed=42, rate_per_minute=4.0)
    return sim, list(sim.until(sim.start + timedelta(hours=44)))
