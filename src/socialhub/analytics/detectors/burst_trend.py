"""An open burst alert's trend word (``still rising``, ``peaking``, ``falling back``),
decided from the rate itself; split from ``burst.py``, whose :meth:`BurstCore.trend`
calls it."""

from __future__ import annotations

from socialhub.analytics.detectors.burst_state import BurstParams, KeyState
from socialhub.analytics.detectors.smallcounts import binomial_sf

__all__ = ["TREND_TAIL", "trend_word"]

TREND_TAIL = 1e-3  # a trend's doubling or drop: beyond this exact tail (``_rose``)


def _rose(high: float, low: float) -> bool:
    """Whether ``high`` posts after ``low`` in an equal span is a significant rise:
    given ``n = high + low``, ``high`` is binomial(n, 1/2) when the rate held."""
    return high > low and binomial_sf(int(high), int(high + low), 0.5) <= TREND_TAIL


def _fell(x: int, y: int, k: float) -> bool:
    """Whether ``x`` posts in a window after ``y`` in the ``k`` windows before it is a
    significant fall: given ``n = x + y``, ``x`` is binomial(n, 1/(1 + k)) when the
    rate held; ``P(X <= x) = P(n - X >= n - x)``, exactly."""
    n = x + y
    return x * k < y and binomial_sf(n - x, n, k / (1.0 + k)) <= TREND_TAIL


def trend_word(p: BurstParams, st: KeyState, t: float, sev: int) -> str | None:
    """The trend word due at ``t`` for an open alert whose best window is at
    severity ``sev``, if any — from the rate itself: ``rate``, the mid window's
    count (5 minutes by default), against the window just before it, its peak
    and its value when the alert last spoke (``told_rate``).

    - ``still rising``: the severity rose by 2 while the rate is not below the
      window before, or the rate doubled since the last signal; at most every
      5 minutes. After ``peaking`` or ``falling back`` too: a second wave.
    - ``peaking``: no new peak for 10 minutes, the rate at least half of it and
      the last three windows (at most half the longest) no busier than the three
      before: a slow rise, noisy at small counts, sets no new peak yet climbs.
    - ``falling back``: the rate under half its peak (5 minutes after it) and
      significantly under its own rate over the three windows before (at most
      the longest window less one): a fall, not one quiet window after a peak
      that was itself the luckiest of many windows.

    A doubling and a fall must be significant: the exact conditional test of two
    Poisson counts (``binomial_sf``; ``x`` of ``x + y`` is binomial when the rate
    held) beyond ``TREND_TAIL``, so 9 posts then 4 in five minutes is noise."""
    mid = min(1, len(p.windows) - 1)
    w = p.windows[mid]
    counts = st.counts
    rate = float(counts.window(mid))
    if rate > st.peak:
        st.peak, st.peak_t = rate, t
    prev = counts.earlier(w, w)  # None: the ring does not reach back (no test)
    rising = st.trend in ("rising", "still rising")
    if t - st.last_emit >= 300.0:
        if rising and sev >= st.last_severity + 2 and (prev is None or rate >= prev):
            return "still rising"
        if rate >= 2.0 * st.told_rate and _rose(rate, st.told_rate):
            return "still rising"
    if rising and t - st.peak_t >= 600.0 and rate >= 0.5 * st.peak:
        span = min(3 * w, max(p.windows) / 2)  # 15 minutes by default
        last, before = counts.earlier(0.0, span), counts.earlier(span, span)
        if last is None or before is None or last <= before:
            return "peaking"
    if st.trend != "falling back" and rate < 0.5 * st.peak and t - st.peak_t >= 300.0:
        span = min(3 * w, max(p.windows) - w)  # the 15 minutes before, by default
        before = counts.earlier(w, span)
        if before is None or _fell(int(rate), before, span / w):
            return "falling back"
    return None
