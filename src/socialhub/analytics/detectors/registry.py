"""The built-in detectors, by registry name (wired into the ``socialhub_detectors`` hook)."""

from __future__ import annotations

from collections.abc import Callable

from socialhub.analytics.detectors.complaints import ComplaintDetector
from socialhub.analytics.detectors.convergence import ConvergenceDetector
from socialhub.analytics.detectors.coordination import CoordinationDetector
from socialhub.analytics.detectors.emerging import EmergingDetector
from socialhub.analytics.detectors.sentiment_shift import SentimentShiftDetector
from socialhub.analytics.detectors.volume import VolumeDetector
from socialhub.analytics.types import Detector

DetectorFactory = Callable[..., Detector]


def builtin_detectors() -> dict[str, DetectorFactory]:
    """``{name: factory}``; each factory takes its parameters as keyword arguments, plus
    ``workspaces`` (``{query_id: workspace_id}``), ``labels`` (``{key: name}``) and
    ``lists`` (``{watchlist name: list type}``) when they accept them."""
    return {
        VolumeDetector.name: VolumeDetector,
        EmergingDetector.name: EmergingDetector,
        SentimentShiftDetector.name: SentimentShiftDetector,
        ComplaintDetector.name: ComplaintDetector,
        ConvergenceDetector.name: ConvergenceDetector,
        CoordinationDetector.name: CoordinationDetector,
    }
