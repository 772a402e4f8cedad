"""Cheap features for relevance: hashed word and character n-grams (numpy only).

Texts are folded with :func:`socialhub.text.fold` (lowercase, no accents) and split
into word tokens; features are word unigrams and bigrams plus character 3- and
4-grams of each padded word (so "mirabelles" shares most of its features with
"mirabelle"), hashed into ``2**bits`` buckets with ``zlib.crc32``. A second hash bit
gives each feature a sign, which keeps collisions unbiased (Weinberger et al. 2009).
Rows are L2-normalised binary vectors.

When a sentence encoder is available (``ctx.resources["encoder"]``, anything with
``embed(texts) -> (n, d) array``), its vectors are a second, dense block.

The sparse block is kept as coordinate arrays (:class:`Sparse`), with the two
products a logistic regression needs written with ``np.bincount``: no scipy at run
time.
"""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from socialhub.text import fold

DEFAULT_BITS = 18
#: Dimension of the dense sketch used for similarity (diversity in active learning).
SKETCH_DIM = 512
_WORD = re.compile(r"[#@]?[^\W_]+")
_URL = re.compile(r"https?://\S+|www\.\S+")
FloatArray = npt.NDArray[np.float64]


class Encoder(Protocol):
    def embed(self, texts: list[str]) -> Any: ...


@dataclass(slots=True)
class Sparse:
    """Rows of a sparse matrix in coordinate form (row, col, value)."""

    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    vals: FloatArray
    n_rows: int
    n_cols: int

    def dot(self, w: FloatArray) -> FloatArray:
        """``X @ w``."""
        out = np.bincount(self.rows, weights=self.vals * w[self.cols], minlength=self.n_rows)
        return out.astype(np.float64, copy=False)

    def tdot(self, r: FloatArray) -> FloatArray:
        """``X.T @ r``."""
        out = np.bincount(self.cols, weights=self.vals * r[self.rows], minlength=self.n_cols)
        return out.astype(np.float64, copy=False)

    def take(self, index: npt.ArrayLike) -> Sparse:
        """The rows ``index`` (in that order), renumbered from 0."""
        idx = np.asarray(index, dtype=np.int64)
        order = np.argsort(self.rows, kind="stable")
        starts = np.searchsorted(self.rows[order], np.arange(self.n_rows + 1))
        pieces = [order[starts[i] : starts[i + 1]] for i in idx]
        picked = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        lengths = np.array([len(p) for p in pieces], dtype=np.int64)
        new_rows = np.repeat(np.arange(len(idx), dtype=np.int64), lengths)
        return Sparse(new_rows, self.cols[picked], self.vals[picked], len(idx), self.n_cols)


@dataclass(slots=True)
class Features:
    """The model's input for a list of texts: the sparse block and an optional dense one."""

    sparse: Sparse
    dense: FloatArray | None = None

    def __len__(self) -> int:
        return self.sparse.n_rows

    def take(self, index: npt.ArrayLike) -> Features:
        idx = np.asarray(index, dtype=np.int64)
        return Features(self.sparse.take(idx), None if self.dense is None else self.dense[idx])


def tokens(text: str) -> list[str]:
    """Folded word tokens, URLs removed (they are noise for topicality)."""
    return _WORD.findall(fold(_URL.sub(" ", text)))


def feature_strings(text: str) -> list[str]:
    """The distinct feature names of one text (before hashing)."""
    words = tokens(text)
    out = {"w:" + w for w in words}
    out.update(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    for w in words:
        padded = f" {w.lstrip('#@')} "
        for n in (3, 4):
            out.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return sorted(out)


def _hash(name: str, bits: int) -> tuple[int, float]:
    h = zlib.crc32(name.encode("utf-8"))
    return h & ((1 << bits) - 1), (1.0 if (h >> 31) & 1 else -1.0)


def hashed(texts: list[str], bits: int = DEFAULT_BITS) -> Sparse:
    """L2-normalised, signed, hashed n-gram rows for ``texts``."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, text in enumerate(texts):
        found: dict[int, float] = {}
        for name in feature_strings(text):
            col, sign = _hash(name, bits)
            found[col] = found.get(col, 0.0) + sign
        if not found:
            continue
        norm = float(np.sqrt(sum(v * v for v in found.values()))) or 1.0
        for col, v in found.items():
            if v:
                rows.append(i)
                cols.append(col)
                vals.append(v / norm)
    return Sparse(
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.asarray(vals, dtype=np.float64),
        len(texts),
        1 << bits,
    )


def sketch(feats: Features, dim: int = SKETCH_DIM) -> FloatArray:
    """A small dense, L2-normalised view of each row, for cosine similarities.

    The embedding when there is one (it knows paraphrases); otherwise the hashed
    n-grams folded into ``dim`` buckets (a second hashing: a random projection).
    """
    if feats.dense is not None:
        out = np.asarray(feats.dense, dtype=np.float64).copy()
    else:
        sp = feats.sparse
        out = np.zeros((sp.n_rows, dim), dtype=np.float64)
        np.add.at(out, (sp.rows, sp.cols % dim), sp.vals)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms, dtype=np.float64)


def featurize(
    texts: list[str], *, bits: int = DEFAULT_BITS, encoder: Encoder | None = None
) -> Features:
    """Hashed n-grams, plus the encoder's vectors when an encoder is given."""
    dense = None
    if encoder is not None:
        dense = np.asarray(encoder.embed(list(texts)), dtype=np.float64)
        if dense.shape[0] != len(texts):
            raise ValueError(f"encoder returned {dense.shape[0]} vectors for {len(texts)} texts")
    return Features(hashed(texts, bits), dense)
