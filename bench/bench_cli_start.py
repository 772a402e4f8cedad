"""How long `socialhub` takes to start: --help and light commands, against the eager
import of every command module (what `socialhub --help` did before commands were lazy).

Prints JSON: median wall seconds over N runs of each, and the ratio to the eager peer
measured in the same run (absolute times drift with the machine's load).

    .venv/bin/python bench/bench_cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

EAGER = (
    "import socialhub.cli.main as m; import importlib; "
    "[importlib.import_module('socialhub.cli.' + mod) for mod, _, _ in m.COMMANDS.values()]"
)
CASES = {
    "socialhub --help": ["-m", "socialhub.cli.main", "--help"],
    "socialhub version": ["-m", "socialhub.cli.main", "version"],
    "socialhub users --help": ["-m", "socialhub.cli.main", "users", "--help"],
    "socialhub alerts --help": ["-m", "socialhub.cli.main", "alerts", "--help"],
    "eager import of every command (before)": ["-c", EAGER],
}


def timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    results: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):  # interleaved, so load changes hit every case alike
        for name, args in CASES.items():
            results[name].append(timed(args))
    medians = {name: statistics.median(v) for name, v in results.items()}
    eager = medians["eager import of every command (before)"]
    print(
        json.dumps(
            {
                "runs": runs,
                "median_seconds": {k: round(v, 3) for k, v in medians.items()},
                "ratio_to_eager": {k: round(v / eager, 3) for k, v in medians.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
