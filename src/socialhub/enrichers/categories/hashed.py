"""A hashed n-gram "encoder" for the categories' fast path (numpy only, no model).

Texts become signed hashed character 2-5-grams and word uni/bigrams (the sentiment fast
path's features, Weinberger et al. 2009 "Feature hashing for large scale multitask
learning") in 2**13 dense buckets, L2-normalised, so the few-shot category model runs
unchanged on it — prototypes and nearest examples, calibrated by leave-one-out on the
examples. Measured on tests/fixtures/categories_dev.jsonl: micro-F1 63 (the encoder
gives 80) at about 5,000 mentions/s on one core, which is what history backfills need.
"""

from __future__ import annotations

import numpy as np

from socialhub.enrichers.embedding import Vectors
from socialhub.enrichers.sentiment.hashing import featurize

BITS = 13
_BLOCK_ROWS = 256  # 256 x 8,192 float64 sums: 16 MB at a time


class HashedEmbedder:
    """The :class:`socialhub.enrichers.embedding.Embedder` interface over hashed n-grams.

    Examples
    --------
    >>> vectors = HashedEmbedder().embed(["plus d'internet", "plus d'internet", "merci"])
    >>> vectors.shape, round(float(vectors[0] @ vectors[1]), 3)
    ((3, 8192), 1.0)
    """

    def __init__(self, bits: int = BITS) -> None:
        self.dim = 1 << bits
        self.bits = bits

    def embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if texts:
            rows, cols, values = featurize(
                [t if isinstance(t, str) else "" for t in texts], self.bits
            )
            # a sum per (row, col), as np.add.at but far faster: bincount over the flat
            # cell numbers, a block of rows at a time (a dense float64 block stays small)
            flat = rows * self.dim + cols
            cells = out.reshape(-1)
            step = _BLOCK_ROWS * self.dim
            for lo in range(0, len(cells), step):
                hi = min(lo + step, len(cells))
                inside = (flat >= lo) & (flat < hi) if lo or hi < len(cells) else slice(None)
                cells[lo:hi] = np.bincount(
                    flat[inside] - lo, weights=values[inside], minlength=hi - lo
                )
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))[:, None]
        out /= np.where(norms == 0, 1.0, norms)
        out[norms[:, 0] == 0, 0] = 1.0  # an empty text: a fixed unit vector, never zeros
        return out
