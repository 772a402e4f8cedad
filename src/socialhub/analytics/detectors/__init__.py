"""Online detectors (River style): ``update(mention)`` / ``advance(now)``, state pickles.

- :mod:`.volume` — volume anomalies per query and workspace (seasonal, robust baseline)
- :mod:`.emerging` — emerging terms and stories (SigniTrend), grouped by :mod:`.stories`
- :mod:`.sentiment_shift` — negative share against its baseline (two-proportion test)
- :mod:`.complaints` — complaint bursts by category and place (outages)
- :mod:`.convergence` — listed voices (journalists, MPs…) converging on one conversation
- :mod:`.runner` — :class:`DetectorSet`, the configured set fed on the stream clock
"""

from socialhub.analytics.detectors.complaints import ComplaintDetector
from socialhub.analytics.detectors.convergence import ConvergenceDetector
from socialhub.analytics.detectors.emerging import EmergingDetector
from socialhub.analytics.detectors.registry import builtin_detectors
from socialhub.analytics.detectors.runner import DetectorSet
from socialhub.analytics.detectors.sentiment_shift import SentimentShiftDetector
from socialhub.analytics.detectors.volume import VolumeDetector

__all__ = [
    "ComplaintDetector",
    "ConvergenceDetector",
    "DetectorSet",
    "EmergingDetector",
    "SentimentShiftDetector",
    "VolumeDetector",
    "builtin_detectors",
]
