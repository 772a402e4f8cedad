"""Per-query relevance classifier: L2-regularised logistic regression in numpy.

Trained on the analysts' labels for one query (relevant = 1). The sparse weights are
kept only for the hashed columns seen in training (the others stay 0 under an L2
penalty anyway), so a model is a few kilobytes and scoring needs no scipy. Classes are
weighted to balance them by default: label sets are small and one class is often
rare, and an unweighted model would then predict the majority for everything.

Fitting minimises the class-weighted mean log loss plus ``l2 / 2 * ||w||^2`` (bias not
penalised) with L-BFGS (Nocedal 1980) and a backtracking line search: a few dozen
iterations on a few hundred labels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from socialhub.relevance.features import DEFAULT_BITS, Features, FloatArray, Sparse

DEFAULT_L2 = 1e-3
FORMAT = 1


def sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


@dataclass(slots=True)
class RelevanceModel:
    """Logistic regression over hashed n-grams (+ an optional embedding block).

    Examples
    --------
    >>> from socialhub.relevance.features import featurize
    >>> texts = ["panne box internet", "tarte aux mirabelles", "box en panne", "confiture"]
    >>> model = RelevanceModel.fit(featurize(texts), np.array([1, 0, 1, 0]))
    >>> bool(model.predict_proba(featurize(["panne de box"]))[0] > 0.5)
    True
    """

    cols: npt.NDArray[np.int64]  # sorted hashed columns with a weight
    w: FloatArray
    bias: float
    dense: FloatArray | None = None  # weights of the embedding block, when used
    bits: int = DEFAULT_BITS
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_encoder(self) -> bool:
        return self.dense is not None

    # -- scoring ------------------------------------------------------------------

    def decision(self, feats: Features) -> FloatArray:
        sp = feats.sparse
        if sp.n_cols != 1 << self.bits:
            raise ValueError(f"features have {sp.n_cols} columns, model expects 2**{self.bits}")
        pos = np.searchsorted(self.cols, sp.cols)
        pos = np.minimum(pos, max(len(self.cols) - 1, 0))
        known = (self.cols[pos] == sp.cols) if len(self.cols) else np.zeros(len(pos), bool)
        contrib = np.where(known, self.w[pos] if len(self.w) else 0.0, 0.0) * sp.vals
        z = np.bincount(sp.rows, weights=contrib, minlength=sp.n_rows) + self.bias
        if self.dense is not None:
            if feats.dense is None:
                raise ValueError("this model needs the sentence encoder's vectors")
            z = z + feats.dense @ self.dense
        return np.asarray(z, dtype=np.float64)

    def predict_proba(self, feats: Features) -> FloatArray:
        """Probability that each row is relevant."""
        return sigmoid(self.decision(feats))

    # -- training -----------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        feats: Features,
        y: npt.ArrayLike,
        *,
        l2: float = DEFAULT_L2,
        balanced: bool = True,
        max_iter: int = 200,
    ) -> RelevanceModel:
        """Fit on ``feats`` with labels ``y`` (1 = relevant). Both classes must occur."""
        labels = np.asarray(y, dtype=np.float64)
        if labels.shape != (len(feats),):
            raise ValueError(f"{len(labels)} labels for {len(feats)} rows")
        n_pos = float(labels.sum())
        n_neg = float(len(labels) - n_pos)
        if n_pos == 0 or n_neg == 0:
            raise ValueError("training needs both relevant and not relevant labels")
        if balanced:
            weights = np.where(labels == 1, 0.5 / n_pos, 0.5 / n_neg)
        else:
            weights = np.full(len(labels), 1.0 / len(labels))
        sp = feats.sparse
        cols, compact = np.unique(sp.cols, return_inverse=True)
        local = Sparse(sp.rows, compact.astype(np.int64), sp.vals, sp.n_rows, len(cols))
        dense = feats.dense
        n_dense = 0 if dense is None else dense.shape[1]
        n_sparse = len(cols)

        def loss_grad(theta: FloatArray) -> tuple[float, FloatArray]:
            w, v, b = theta[:n_sparse], theta[n_sparse : n_sparse + n_dense], theta[-1]
            z = local.dot(w) + b
            if dense is not None:
                z = z + dense @ v
            # log(1 + e^-yz) written stably for y in {0, 1}
            sign = 2 * labels - 1
            loss = float(weights @ np.logaddexp(0.0, -sign * z))
            r = weights * (sigmoid(z) - labels)
            grad = np.empty_like(theta)
            grad[:n_sparse] = local.tdot(r) + l2 * w
            if dense is not None:
                grad[n_sparse : n_sparse + n_dense] = dense.T @ r + l2 * v
            grad[-1] = r.sum()
            loss += 0.5 * l2 * float(w @ w + v @ v)
            return loss, grad

        theta = lbfgs(loss_grad, np.zeros(n_sparse + n_dense + 1), max_iter=max_iter)
        return cls(
            cols=cols.astype(np.int64),
            w=theta[:n_sparse].copy(),
            bias=float(theta[-1]),
            dense=None if dense is None else theta[n_sparse : n_sparse + n_dense].copy(),
            bits=int(np.log2(sp.n_cols)),
            meta={"l2": l2, "balanced": balanced, "n": len(labels), "n_relevant": int(n_pos)},
        )

    # -- storage ------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """An ``.npz`` archive (no pickle): what ``relevance_models.weights`` holds."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            format=np.array(FORMAT),
            bits=np.array(self.bits),
            cols=self.cols.astype(np.int64),
            w=self.w.astype(np.float32),
            bias=np.array(self.bias),
            dense=np.zeros(0, np.float32) if self.dense is None else self.dense.astype(np.float32),
            has_dense=np.array(self.dense is not None),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RelevanceModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if int(npz["format"]) != FORMAT:
                raise ValueError(f"unknown relevance model format {int(npz['format'])}")
            return cls(
                cols=npz["cols"].astype(np.int64),
                w=npz["w"].astype(np.float64),
                bias=float(npz["bias"]),
                dense=npz["dense"].astype(np.float64) if bool(npz["has_dense"]) else None,
                bits=int(npz["bits"]),
            )


def lbfgs(
    fun: Any, x0: FloatArray, *, max_iter: int = 200, memory: int = 10, tol: float = 1e-6
) -> FloatArray:
    """Minimise a smooth convex ``fun(x) -> (value, gradient)`` with L-BFGS."""
    x = x0.copy()
    f, g = fun(x)
    s_hist: list[FloatArray] = []
    y_hist: list[FloatArray] = []
    for _ in range(max_iter):
        if float(np.abs(g).max()) < tol:
            break
        # two-loop recursion: d = -H g
        q = g.copy()
        alphas: list[float] = []
        for s, yv in zip(reversed(s_hist), reversed(y_hist), strict=True):
            a = float(s @ q) / float(yv @ s)
            alphas.append(a)
            q -= a * yv
        if s_hist:
            q *= float(s_hist[-1] @ y_hist[-1]) / float(y_hist[-1] @ y_hist[-1])
        for s, yv, a in zip(s_hist, y_hist, reversed(alphas), strict=True):
            q += s * (a - float(yv @ q) / float(yv @ s))
        d = -q
        slope = float(g @ d)
        if slope >= 0:  # not a descent direction: restart from the gradient
            s_hist.clear()
            y_hist.clear()
            d, slope = -g, -float(g @ g)
        step = 1.0
        while True:
            x_new = x + step * d
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-10:
                break
            step *= 0.5
        s_vec, y_vec = x_new - x, g_new - g
        if float(s_vec @ y_vec) > 1e-12:
            s_hist.append(s_vec)
            y_hist.append(y_vec)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        done = abs(f - f_new) <= tol * max(1.0, abs(f))
        x, f, g = x_new, f_new, g_new
        if done:
            break
    return x


# -- evaluation ----------------------------------------------------------------------


def prf(y_true: npt.ArrayLike, y_pred: npt.ArrayLike, positive: int = 1) -> dict[str, float]:
    """Precision, recall and F1 of one class (0 when undefined)."""
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    tp = float(np.sum(t & p))
    precision = tp / float(p.sum()) if p.any() else 0.0
    recall = tp / float(t.sum()) if t.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def cross_validate(
    feats: Features, y: npt.ArrayLike, *, folds: int = 5, seed: int = 0, **fit: Any
) -> dict[str, Any]:
    """Stratified k-fold precision/recall/F1 of the "relevant" class, pooled over folds.

    ``folds`` shrinks to the size of the smaller class; with fewer than 2 of either
    class there is nothing to validate and the scores are ``None``.
    """
    labels = np.asarray(y, dtype=np.int64)
    k = int(min(folds, labels.sum(), len(labels) - labels.sum()))
    if k < 2:
        return {"folds": 0, "precision": None, "recall": None, "f1": None, "n": len(labels)}
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(labels), dtype=np.int64)
    for cls_value in (0, 1):
        idx = np.flatnonzero(labels == cls_value)
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % k
    predicted = np.empty(len(labels), dtype=np.int64)
    for fold in range(k):
        test = np.flatnonzero(fold_of == fold)
        train = np.flatnonzero(fold_of != fold)
        model = RelevanceModel.fit(feats.take(train), labels[train], **fit)
        predicted[test] = model.predict_proba(feats.take(test)) >= 0.5
    scores: dict[str, Any] = {"folds": k, "n": len(labels)}
    scores.update({k_: round(v, 4) for k_, v in prf(labels, predicted).items()})
    return scores
