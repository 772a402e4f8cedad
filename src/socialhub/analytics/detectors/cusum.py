"""Slow ramps for the burst core: a robust Poisson CUSUM against a slow level.

Lucas, "Counted data CUSUM's", *Technometrics* 27(2), 1985 (after Page, *Biometrika* 41,
1954): for a shift of a Poisson rate from ``μ0`` to ``ρ·μ0`` each interval adds
``x·log ρ − (ρ − 1)·μ0`` to a sum floored at 0, which fires at ``log(1/α)`` (Ville's
inequality: an in-control excursion gets there with probability at most ``α``). Counts
are winsorised at the in-control mean + ``clip`` sd first (Hawkins, *Journal of Quality
Technology* 25(4), 1993) and the ratio is divided by the key's dispersion index
(quasi-Poisson). ``μ0`` is a slow level (half-life ``cusum_memory``) times the key's
daily profile. Used by :class:`~socialhub.analytics.detectors.burst.BurstCore` when
``cusum_tail`` is set; see docs/detectors.md, "Slow ramps, third round".
"""

from __future__ import annotations

import math

from socialhub.analytics.detectors.burst_state import BurstParams, KeyState, Verdict

__all__ = ["llr", "step", "verdict"]


def step(p: BurstParams, st: KeyState, count: int, f: float, alerting: bool) -> None:
    """One closed bucket of the Poisson CUSUM (before the baseline learns it): the
    statistic, then the slow level it compares with, both on ``count`` winsorised
    at the in-control mean + ``clip`` sd — the robust CUSUM of Hawkins,
    "Robustification of cumulative sum charts by winsorization", *Journal of
    Quality Technology* 25(4), 1993; nothing learnt while alerting, and the
    statistic restarts after. ``f``: the daily profile at the bucket."""
    b = st.baseline
    if not b.seasonal:  # cold keys: off (their first morning is no ramp)
        return
    if alerting:
        st.cusum = 0.0
        return
    # starts at the profile's daily mean rate, once the profile is learnt
    ref = st.cusum_ref or b.hours_mean * p.bucket / 3600.0
    if ref <= 0.0:
        return
    exp = ref * f
    # winsorised at its own in-control mean + clip sd (Hawkins 1993): one minute's
    # cluster of posts is no evidence of a ramp, and the slow level learns the same
    capped = min(float(count), exp + b.clip * math.sqrt(st.dispersion[0] * max(exp, 1.0)))
    st.cusum = max(0.0, st.cusum + llr(p, st, capped, exp))
    a = 1.0 - 0.5 ** (p.bucket / p.cusum_memory)
    st.cusum_ref = ref + a * (capped / f - ref)


def llr(p: BurstParams, st: KeyState, count: float, mean: float) -> float:
    """Log-likelihood ratio of ``count`` posts for a ``cusum_rise``-fold rate against
    ``mean``, divided by the longest window's dispersion index (quasi-Poisson)."""
    rho = p.cusum_rise
    return (count * math.log(rho) - (rho - 1.0) * mean) / st.dispersion[-1]


def verdict(p: BurstParams, st: KeyState, t: float) -> Verdict | None:
    """The Poisson CUSUM's verdict at ``t`` (the closed buckets' statistic plus the
    open bucket so far) when it reaches ``log(1 / cusum_tail)``. Lucas, "Counted
    data CUSUM's", *Technometrics* 27(2), 1985: a CUSUM of counts for a shift from
    ``μ0`` to ``ρ·μ0`` adds ``x·log ρ − (ρ − 1)·μ0`` per interval, so moderate
    excesses over several hours add up where no single window is significant;
    Ville's inequality bounds the chance that an in-control excursion ever
    reaches ``log(1/α)`` by ``α``. The in-control rate is a slow level (half-life
    ``cusum_memory``, a day) times the daily profile: a ramp of a few hours barely
    moves it, where the two-hour level of the windows climbs with it."""
    b = st.baseline
    if not b.seasonal or st.cusum_ref <= 0.0:
        return None
    h = -math.log(p.cusum_tail)
    # the open bucket's posts without its drain bound the statistic: most posts
    # stop here, before the daily profile is read
    if st.cusum + st.bucket_count * math.log(p.cusum_rise) / st.dispersion[-1] < h:
        return None
    start = st.bucket_idx * p.bucket
    mean = st.cusum_ref * b.factor(t)  # a whole bucket's; the open one is winsorised
    cap = mean + b.clip * math.sqrt(st.dispersion[0] * max(mean, 1.0))
    x = min(float(st.bucket_count), cap)
    s = st.cusum + llr(p, st, x, mean * (t - start) / p.bucket)
    if s < h:
        return None
    ref = st.cusum_ref
    i = len(p.windows) - 1
    w = p.windows[i]
    exp = max(ref * (b.factor(t) + b.factor(t - w)) / 2.0 * w / p.bucket, 0.05)
    sd = math.sqrt(st.dispersion[i] * max(exp, 0.5))
    obs = float(st.counts.sums[i])
    rho = p.cusum_rise
    # the count the window needed had the excursion started with it
    need = ((rho - 1.0) * exp + h * st.dispersion[i]) / math.log(rho)
    return Verdict(w, obs, exp, (obs - exp) / sd, need)
