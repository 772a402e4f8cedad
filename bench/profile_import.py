"""Where the routed import's CPU goes: CPU µs per mention by stage, in one process.

    .venv/bin/python bench/profile_import.py FILE --db applied.db [--no-route] > out.json

Runs ``socialhub import FILE`` in-process (the command's own function) with every
pipeline stage, the store write and the file parsing timed with ``time.process_time``
(CPU seconds of this process). ``--db`` must already hold the workspaces and queries
(``socialhub apply examples/telecom.toml``); it is copied first, so runs are repeatable.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--db", required=True, help="an SQLite file with the queries applied")
    ap.add_argument("--route", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    os.environ["SOCIALHUB_NO_PROGRESS"] = "1"
    from socialhub.cli import import_cmd
    from socialhub.pipeline.chain import Pipeline
    from socialhub.store.sqlite import SqliteMentions

    cpu: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                cpu[name] = cpu.get(name, 0.0) + time.process_time() - t

        return wrapper

    original = Pipeline._run_stage

    def run_stage(self: Pipeline, stage: Any, batch: Any, result: Any) -> Any:
        return timed(f"stage {stage.name}", original)(self, stage, batch, result)

    Pipeline._run_stage = run_stage  # type: ignore[method-assign]
    SqliteMentions.add = timed("store write", SqliteMentions.add)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "p.db"
        shutil.copy(args.db, db)
        start = time.process_time()
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the command prints its report
        try:
            import_cmd.import_(Path(args.file), route=args.route, db=f"sqlite:///{db}", json=True)
        finally:
            sys.stdout = sys.__stdout__
        whole = time.process_time() - start
    n = sum(1 for _ in open(args.file, "rb"))  # noqa: SIM115
    out = {k: round(v / n * 1e6, 1) for k, v in sorted(cpu.items(), key=lambda kv: -kv[1])}
    out["rest (parse, import loop, coverage)"] = round((whole - sum(cpu.values())) / n * 1e6, 1)
    print(json.dumps({"n": n, "cpu_s": round(whole, 2), "per_cpu_s": round(n / whole),
                      "us_per_mention": out, "load": os.getloadavg()}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
