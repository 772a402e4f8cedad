"""Which mentions an analyst should label next (active learning).

Pool-based uncertainty sampling with an information-density and a novelty term, after
Settles (2009), *Active Learning Literature Survey*, Computer Sciences Technical Report
1648, University of Wisconsin-Madison: §3.1 (uncertainty sampling; for two classes the
margin and entropy criteria rank alike) and §5.1 (density-weighted methods, which
avoid querying outliers).

For each unlabelled candidate ``i`` with predicted probability ``p_i``::

    uncertainty_i = 1 - |2 p_i - 1|            (1 at p = 0.5, 0 when sure)
    density_i     = mean cosine similarity to the pool      (representative)
    novelty_i     = 1 - max cosine similarity to what is labelled or already picked
    score_i       = uncertainty_i * density_i ** a * novelty_i ** b

picked greedily, so that one batch does not ask ten times about the same
near-duplicate (a retweet storm). Before any model exists the rule score stands in
for ``p``; with no score at all every candidate is equally uncertain and the choice
is by density and novelty alone (a spread-out, representative first sample).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from socialhub.relevance.features import Encoder, FloatArray, featurize, sketch
from socialhub.relevance.model import RelevanceModel

DENSITY_WEIGHT = 1.0
NOVELTY_WEIGHT = 2.0


def select(
    proba: npt.ArrayLike,
    pool: FloatArray,
    labelled: FloatArray | None = None,
    k: int = 10,
    *,
    density_weight: float = DENSITY_WEIGHT,
    novelty_weight: float = NOVELTY_WEIGHT,
) -> list[int]:
    """Indexes of the ``k`` candidates to label next, best first.

    Parameters
    ----------
    proba
        Predicted probability of relevance of each candidate.
    pool
        L2-normalised sketches of the candidates (rows), see ``features.sketch``.
    labelled
        Sketches of the already labelled mentions, or None.
    k
        How many to propose.

    Examples
    --------
    >>> pool = np.eye(4)
    >>> select([0.5, 0.99, 0.45, 0.5], pool, labelled=pool[[3]], k=2)
    [0, 2]
    """
    p = np.asarray(proba, dtype=np.float64)
    n = len(p)
    if n == 0 or k <= 0:
        return []
    uncertainty = 1.0 - np.abs(2.0 * p - 1.0)
    # mean cosine similarity to the pool = similarity to the pool's mean vector
    density = np.clip(pool @ pool.mean(axis=0), 0.0, None)
    density = density / density.max() if density.max() > 0 else np.ones(n)
    nearest = np.zeros(n)
    if labelled is not None and len(labelled):
        nearest = np.clip((pool @ labelled.T).max(axis=1), 0.0, 1.0)
    base = (uncertainty + 1e-6) * (density + 1e-6) ** density_weight
    chosen: list[int] = []
    available = np.ones(n, dtype=bool)
    for _ in range(min(k, n)):
        score = np.where(available, base * (1.0 - nearest + 1e-6) ** novelty_weight, -1.0)
        best = int(np.argmax(score))
        chosen.append(best)
        available[best] = False
        nearest = np.maximum(nearest, np.clip(pool @ pool[best], 0.0, 1.0))
    return chosen


def propose(
    candidates: Sequence[str],
    labelled: Sequence[str] = (),
    *,
    k: int = 10,
    model: RelevanceModel | None = None,
    prior: Sequence[float] | None = None,
    encoder: Encoder | None = None,
) -> list[tuple[int, float]]:
    """The ``k`` candidate texts worth labelling next: (index in candidates, p).

    ``p`` comes from ``model`` when given, else from ``prior`` (e.g. the rule scores),
    else 0.5.
    """
    if not candidates:
        return []
    use_encoder = encoder if (model is None or model.uses_encoder) else None
    feats = featurize(list(candidates), encoder=use_encoder)
    if model is not None:
        p = model.predict_proba(feats)
    elif prior is not None:
        p = np.asarray(prior, dtype=np.float64)
    else:
        p = np.full(len(candidates), 0.5)
    seen = sketch(featurize(list(labelled), encoder=use_encoder)) if labelled else None
    picks = select(p, sketch(feats), seen, k)
    return [(i, float(p[i])) for i in picks]
