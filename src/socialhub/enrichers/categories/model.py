"""Few-shot categories on the shared sentence encoder: a few examples per category.

Each category is a handful of example sentences. A text's raw similarity to category
``c`` mixes two views of the examples (all vectors L2-normalised, so dot = cosine):

    raw_c(x) = ALPHA * cos(x, prototype_c) + (1 - ALPHA) * max_i cos(x, example_c,i)

The prototype (mean of the examples) captures what the examples share; the max catches
a text close to one particular phrasing. The background sentences (off-topic posts)
form one more class, "none of them". e5 cosines are compressed (almost everything
scores 0.75-0.9), so a raw value means little alone: the scores are a softmax over the
categories and the background at a temperature ``T``, and a mention gets every category
whose probability reaches ``min_prob`` (or the category's own ``threshold``), best
first, at most ``max_categories``: zero, one or several.

``T`` and ``min_prob`` are calibrated when the model is built, by leave-one-out on the
examples themselves (each example and background sentence is scored with its own class
rebuilt without it), keeping the pair with the best micro-F1 — so a workspace's own
categories get their own calibration, and no labelled data beyond the examples is
needed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.embedding import Embedder, Vectors, cache_key, l2_normalise
from socialhub.i18n import M_

ALPHA = 0.5
DEFAULT_THRESHOLD = 0.5
MAX_CATEGORIES = 3
DEFAULTS_FILE = "defaults.toml"
VECTORS_FILE = "defaults_vectors.npz"


@dataclass(frozen=True, slots=True)
class Category:
    """One category: a stable ``name``, display labels, its examples, a score threshold."""

    name: str
    examples: tuple[str, ...]
    label_fr: str = ""
    label_en: str = ""
    threshold: float | None = None

    def label(self, lang: str = "fr") -> str:
        """Display label in ``lang`` (``fr`` or ``en``), falling back to the name."""
        return (self.label_en if lang == "en" else self.label_fr) or self.name


def _read_defaults() -> dict[str, Any]:
    ref = resources.files("socialhub.enrichers.categories") / DEFAULTS_FILE
    data: dict[str, Any] = tomllib.loads(ref.read_text(encoding="utf-8"))
    return data


def default_categories() -> list[Category]:
    """The shipped telecom categories (``defaults.toml``)."""
    return [_from_table(t) for t in _read_defaults()["category"]]


def background_examples() -> list[str]:
    """Off-topic sentences used as negatives when thresholds are calibrated."""
    return list(_read_defaults()["background"]["examples"])


def _from_table(table: dict[str, Any], defaults: dict[str, Category] | None = None) -> Category:
    name = str(table["name"]).strip()
    base = (defaults or {}).get(name)
    examples = table.get("examples")
    if not examples and base is not None:
        examples = base.examples
    return Category(
        name=name,
        examples=tuple(str(e).strip() for e in examples or () if str(e).strip()),
        label_fr=str(table.get("label_fr") or (base.label_fr if base else "")),
        label_en=str(table.get("label_en") or (base.label_en if base else "")),
        threshold=_threshold(table.get("threshold", base.threshold if base else None)),
    )


def _threshold(value: Any) -> float | None:
    return None if value is None else float(value)


def parse_categories(value: Any) -> list[Category]:
    """Categories from a workspace's ``categories`` setting (validate it first).

    An entry naming a default category without ``examples`` reuses the default
    examples, so a workspace can pick defaults and add its own.
    """
    errors = validate_categories(value)
    if errors:
        raise ValueError("; ".join(errors))
    defaults = {c.name: c for c in default_categories()}
    return [_from_table(t, defaults) for t in value]


_KEYS = {"name", "label_fr", "label_en", "examples", "threshold"}


def validate_categories(value: Any) -> list[str]:
    """Problems with a workspace ``categories`` setting, as readable messages (none: ok).

    Examples
    --------
    >>> validate_categories([{"name": "billing"}])
    []
    >>> validate_categories([{"name": "vip", "examples": "one sentence"}])
    ['categories[0] (vip): examples must be a list of sentences, not str']
    """
    if not isinstance(value, list):
        return [M_("categories must be a list of tables, not %(type)s", type=type(value).__name__)]
    errors: list[str] = []
    defaults = {c.name for c in default_categories()}
    seen: set[str] = set()
    for i, entry in enumerate(value):
        where = f"categories[{i}]"
        if not isinstance(entry, dict):
            errors.append(
                M_(
                    "%(where)s: expected a table, not %(type)s",
                    where=where,
                    type=type(entry).__name__,
                )
            )
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(M_("%(where)s: a non-empty 'name' is required", where=where))
            name = "?"
        else:
            name = name.strip()
            where = f"{where} ({name})"
            if name in seen:
                errors.append(M_("%(where)s: duplicate name", where=where))
            seen.add(name)
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            allowed = ", ".join(sorted(_KEYS))
            errors.append(
                M_(
                    "%(where)s: unknown key(s) %(unknown)s (allowed: %(allowed)s)",
                    where=where,
                    unknown=", ".join(unknown),
                    allowed=allowed,
                )
            )
        for key in ("label_fr", "label_en"):
            if key in entry and not isinstance(entry[key], str):
                errors.append(M_("%(where)s: %(key)s must be a string", where=where, key=key))
        examples = entry.get("examples")
        if examples is None:
            if name not in defaults:
                errors.append(
                    M_(
                        "%(where)s: 'examples' (a list of sentences) is required for a category"
                        " that is not a default one (%(defaults)s)",
                        where=where,
                        defaults=", ".join(sorted(defaults)),
                    )
                )
        elif not isinstance(examples, list):
            errors.append(
                M_(
                    "%(where)s: examples must be a list of sentences, not %(type)s",
                    where=where,
                    type=type(examples).__name__,
                )
            )
        else:
            good = [e for e in examples if isinstance(e, str) and e.strip()]
            if len(good) != len(examples):
                errors.append(
                    M_("%(where)s: every example must be a non-empty string", where=where)
                )
            elif not good and name not in defaults:
                errors.append(
                    M_("%(where)s: at least one example sentence is required", where=where)
                )
        threshold = entry.get("threshold")
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0.0 < float(threshold) < 1.0
        ):
            errors.append(
                M_("%(where)s: threshold must be a number between 0 and 1 (exclusive)", where=where)
            )
    return errors


#: Grids searched when calibrating (temperature of the softmax, minimum probability).
TEMPERATURES = (0.005, 0.0075, 0.01, 0.015, 0.02, 0.03)
MIN_PROBS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def _mix(alpha: float, proto_sim: Vectors, max_sim: Vectors) -> Vectors:
    return (alpha * proto_sim + (1 - alpha) * max_sim).astype(np.float32)


def _micro_f1(truth: npt.NDArray[np.int64], probs: Vectors, min_prob: float, top: int) -> float:
    """Micro-F1 of "every category with probability >= min_prob, best ``top``"."""
    order = np.argsort(-probs, axis=1)[:, :top]
    ranked = np.take_along_axis(probs, order, axis=1)
    tp = fp = 0
    for row, (cats, p) in enumerate(zip(order, ranked, strict=True)):
        picked = cats[p >= min_prob]
        hit = int((picked == truth[row]).sum())
        tp += hit
        fp += len(picked) - hit
    fn = int((truth >= 0).sum()) - tp
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


class CategoryModel:
    """Scores texts against a fixed list of :class:`Category` on one :class:`Embedder`.

    Examples
    --------
    >>> from socialhub.enrichers.embedding import E5Embedder
    >>> model = CategoryModel(default_categories(), background_examples(), E5Embedder())
    >>> [n for n, _ in model.predict_texts(["plus d'internet depuis 3 jours"])[0]][:1]
    ['network_outage']
    """

    def __init__(
        self,
        categories: list[Category],
        background: list[str],
        embedder: Embedder,
        alpha: float = ALPHA,
        max_categories: int = MAX_CATEGORIES,
    ) -> None:
        self.categories = [c for c in categories if c.examples]
        self.embedder = embedder
        self.alpha = alpha
        self.max_categories = max_categories
        texts = [e for c in self.categories for e in c.examples]
        background = list(background) or background_examples()
        vectors = embedder.embed(texts + background)
        self.examples: Vectors = vectors[: len(texts)]
        self.background: Vectors = vectors[len(texts) :]
        self.owner = np.array(
            [k for k, c in enumerate(self.categories) for _ in c.examples], dtype=np.int64
        )
        # row k < K: category k; the last row: the background ("none of them")
        k = len(self.categories)
        sums = np.zeros((k + 1, self.examples.shape[1]), dtype=np.float32)
        np.add.at(sums, self.owner, self.examples)
        sums[k] = self.background.sum(axis=0)
        self._sums = sums
        self.prototypes = l2_normalise(sums)
        # examples, background and prototypes side by side: one product per batch
        self._owners = np.concatenate([self.owner, np.full(len(self.background), k)])
        self._targets_t = np.ascontiguousarray(
            np.concatenate([self.examples, self.background, self.prototypes]).T
        )
        self.temperature = 0.01
        self.min_prob = DEFAULT_THRESHOLD
        if k:
            self._calibrate()

    def _loo_raw(self) -> tuple[Vectors, npt.NDArray[np.int64]]:
        """Raw scores of every example and background sentence, each left out of its class."""
        k = len(self.categories)
        points = np.concatenate([self.examples, self.background])
        owner = np.concatenate([self.owner, np.full(len(self.background), k)])
        raw = self._raw_all(points)
        sim = points @ points.T
        for c in range(k + 1):
            mine = np.flatnonzero(owner == c)
            if len(mine) < 2:
                continue  # a single example cannot be left out of its own class
            proto = l2_normalise(self._sums[c][None, :] - points[mine])
            inner = sim[np.ix_(mine, mine)].copy()
            np.fill_diagonal(inner, -1.0)
            proto_sim = np.einsum("ij,ij->i", points[mine], proto)
            raw[mine, c] = _mix(self.alpha, proto_sim, inner.max(axis=1))
        truth = np.where(owner == k, -1, owner)
        return raw, truth

    def _calibrate(self) -> None:
        """Pick the temperature and minimum probability by leave-one-out on the examples."""
        raw, truth = self._loo_raw()
        best = (-1.0, self.temperature, self.min_prob)
        for t in TEMPERATURES:
            probs = _softmax(raw / t)[:, :-1]
            for p in MIN_PROBS:
                f1 = _micro_f1(truth, probs, p, self.max_categories)
                if f1 > best[0] + 1e-9:
                    best = (f1, t, p)
        self.loo_f1, self.temperature, self.min_prob = best

    def _raw_all(self, x: Vectors) -> Vectors:
        """Raw similarities ``(n, k + 1)``: each category, then the background."""
        sims = np.asarray(x @ self._targets_t, dtype=np.float32)
        pooled = len(self._owners)
        sim, proto = sims[:, :pooled], sims[:, pooled:]
        best = np.full((len(x), len(self.categories) + 1), -1.0, dtype=np.float32)
        for c in range(len(self.categories) + 1):
            best[:, c] = sim[:, self._owners == c].max(axis=1)
        return _mix(self.alpha, proto, best)

    def raw(self, x: Vectors) -> Vectors:
        """Raw similarities ``(n, k)`` of embeddings ``x`` to each category."""
        if not self.categories or not len(x):
            return np.zeros((len(x), len(self.categories)), dtype=np.float32)
        return self._raw_all(x)[:, :-1]

    def scores(self, x: Vectors) -> Vectors:
        """Probabilities ``(n, k)`` over the categories (the rest goes to "none")."""
        if not self.categories or not len(x):
            return np.zeros((len(x), len(self.categories)), dtype=np.float32)
        return _softmax(self._raw_all(x) / self.temperature)[:, :-1]

    def predict(self, x: Vectors) -> list[list[tuple[str, float]]]:
        """Per embedding: ``[(name, score)]`` at or above the threshold, best first."""
        s = self.scores(x)
        cuts = np.array(
            [self.min_prob if c.threshold is None else c.threshold for c in self.categories],
            dtype=np.float32,
        )
        out: list[list[tuple[str, float]]] = [[] for _ in range(len(s))]
        hits = s >= cuts
        names = [c.name for c in self.categories]
        # most rows pass no threshold: only the others are sorted
        for i in np.flatnonzero(hits.any(axis=1)).tolist():
            row = s[i]
            order = np.argsort(-row, kind="stable")
            values, passed = row.tolist(), hits[i].tolist()
            kept = [(names[k], round(values[k], 4)) for k in order.tolist() if passed[k]]
            out[i] = kept[: self.max_categories]
        return out

    def predict_texts(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """:meth:`predict` on texts embedded with the model's encoder."""
        return self.predict(self.embedder.embed(texts))


def _softmax(z: npt.NDArray[np.floating[Any]]) -> Vectors:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def load_default_vectors() -> dict[bytes, Vectors]:
    """Shipped vectors of the default examples and background, keyed by ``cache_key``."""
    ref = resources.files("socialhub.enrichers.categories") / VECTORS_FILE
    if not ref.is_file():
        return {}
    with resources.as_file(ref) as path, np.load(path) as z:
        keys, vectors = z["keys"], z["vectors"].astype(np.float32)
    return {bytes(k): v for k, v in zip(keys, vectors, strict=True)}


def default_texts() -> list[str]:
    """Every sentence of ``defaults.toml`` (examples and background)."""
    return [e for c in default_categories() for e in c.examples] + background_examples()


def build_default_vectors(embedder: Embedder) -> dict[str, npt.NDArray[Any]]:
    """Arrays for ``defaults_vectors.npz`` (float16 halves the size; cosine barely moves)."""
    texts = sorted(set(default_texts()))
    keys = np.frombuffer(b"".join(cache_key(t) for t in texts), dtype=np.uint8)
    return {
        "keys": keys.reshape(len(texts), 16),
        "vectors": embedder.embed(texts).astype(np.float16),
    }


if __name__ == "__main__":  # rebuild the shipped vectors after editing defaults.toml
    from pathlib import Path

    from socialhub.enrichers.embedding import E5Embedder

    target = Path(__file__).with_name(VECTORS_FILE)
    arrays = build_default_vectors(E5Embedder(cache_size=0))
    np.savez_compressed(target, keys=arrays["keys"], vectors=arrays["vectors"])
    print(f"wrote {target}")
