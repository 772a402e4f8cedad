"""Exact tail thresholds for small counts: how many posts in a window are surprising.

The burst detectors test a window's count ``x`` against its expectation ``μ`` with
``z = (x − μ) / σ``. That normal approximation is fine at tens of posts a minute and
wrong for sparse streams (a real event starting in a stream of tens of posts per hour,
CrisisLexT26): at ``μ = 0.5`` a count of 8 is a one-in-ten-million event, yet its z is
about 10 only because σ is tiny — so the detectors also need a floor of 15 posts, and
a sparse stream never reaches it for hours.

Here the threshold is the exact upper quantile of a negative binomial (a Poisson whose
rate is itself uncertain: over-dispersion of replies and reposts, and the little
history a young query has), the method of public-health surveillance of small counts:
Farrington et al., "A statistical algorithm for the early detection of outbreaks of
infectious disease", *JRSS A* 159(3), 1996, and Noufaily et al., "An improved algorithm
for outbreak detection in multiple surveillance systems", *Statistics in Medicine*
32(7), 2013 (negative binomial quantiles instead of a normal threshold).

Examples
--------
>>> upper_threshold(0.5, 0.5, 1e-6)  # Poisson(0.5): P(X >= 8) < 1e-6
8
>>> upper_threshold(0.5, 1.5, 1e-6) > 8  # over-dispersed: more is needed
True
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["binomial_sf", "poisson_sf", "upper_threshold", "z_of"]

# Above this mean the normal approximation is good and the loop would be long.
_EXACT_BELOW = 200.0


def upper_threshold(mean: float, variance: float, p_tail: float) -> int:
    """The smallest count ``n`` with ``P(X >= n) <= p_tail``.

    ``X`` is negative binomial with the given mean and variance (Poisson when the
    variance is not above the mean). Means are rounded to two significant digits and
    the variance-to-mean ratio to one decimal before the (cached) computation: the
    detectors ask once per key and step.
    """
    mean = max(float(mean), 1e-6)
    ratio = max(float(variance) / mean, 1.0)
    digits = 1 - math.floor(math.log10(mean))
    return _threshold(round(mean, digits), round(ratio, 1), float(p_tail))


@lru_cache(maxsize=16_384)
def _threshold(mean: float, ratio: float, p_tail: float) -> int:
    if mean >= _EXACT_BELOW:
        sd = math.sqrt(ratio * mean)
        return math.ceil(mean + _z_of(p_tail) * sd)
    if ratio <= 1.0001:  # Poisson: pmf(k+1) = pmf(k) * mean / (k+1)
        pmf = math.exp(-mean)
        step = lambda k: mean / (k + 1)  # noqa: E731
    else:  # NB(r, q): mean = r(1-q)/q, variance = mean / q
        q = 1.0 / ratio
        r = mean * q / (1.0 - q)
        pmf = math.exp(r * math.log(q))
        step = lambda k: (k + r) / (k + 1) * (1.0 - q)  # noqa: E731
    below = 0.0  # P(X < n)
    n = 0
    while 1.0 - below > p_tail and n < 100_000:
        below += pmf
        pmf *= step(n)
        n += 1
        if pmf == 0.0 and 1.0 - below > p_tail:  # underflow far in the tail
            break
    return n


def poisson_sf(count: int, mean: float) -> float:
    """``P(X >= count)`` for ``X`` Poisson with the given mean, summed from ``count``
    upwards (no cancellation when the tail is tiny: a never-seen term's mean is small).

    >>> round(poisson_sf(1, 0.5), 4)  # 1 - exp(-0.5)
    0.3935
    >>> poisson_sf(5, 0.03) < 2e-10
    True
    """
    if count <= 0:
        return 1.0
    mean = max(float(mean), 1e-12)
    log_pmf = -mean + count * math.log(mean) - math.lgamma(count + 1)
    term = math.exp(log_pmf)
    total, k = 0.0, count
    while term > 0.0 and k < count + 10_000:
        total += term
        k += 1
        term *= mean / k
        if term < total * 1e-17:
            break
    return min(total, 1.0)


def binomial_sf(count: int, n: int, p: float) -> float:
    """``P(X >= count)`` for ``X`` binomial(``n``, ``p``), summed exactly.

    With ``p = 1/2`` it is the exact conditional test of two Poisson counts over equal
    spans (Przyborowski & Wilenski, *Biometrika* 31, 1940): given ``x + y`` posts in
    two windows of one length, ``x`` in the second is binomial(``x + y``, 1/2) when the
    rate did not change.

    >>> abs(binomial_sf(13, 13, 0.5) - 0.5 ** 13) < 1e-15
    True
    >>> round(binomial_sf(2, 4, 0.5), 4)  # 11 of 16
    0.6875
    """
    if count <= 0:
        return 1.0
    if count > n:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    total = 0.0
    for k in range(count, n + 1):
        total += math.exp(
            math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq
        )
    return min(total, 1.0)


def z_of(p_tail: float) -> float:
    """The one-sided normal quantile of a tail probability (a p-value as a z score)."""
    return _z_of(max(p_tail, 1e-300))


def _z_of(p_tail: float) -> float:
    """One-sided normal quantile (bisection on erfc: no scipy at run time)."""
    lo, hi = 0.0, 40.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(mid / math.sqrt(2)) > p_tail:
            lo = mid
        else:
            hi = mid
    return hi
