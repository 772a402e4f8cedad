"""The import users run: ``socialhub import FILE`` end to end, against sqlite-utils.

    .venv/bin/python bench/bench_import.py [--n 100000] [--runs 2] [--routed] > out.json

Writes ``--n`` mentions (``bench_store.generate``: the same texts, authors and dates as
the store bench) to a JSONL file as ``socialhub.serialize`` writes them, then times whole
processes, file to committed rows, alternating the commands run by run:

- ``socialhub import FILE --no-route`` into a new SQLite file;
- with ``--routed``: ``socialhub import FILE`` (the default: routed, fast pipeline) after
  ``socialhub apply examples/telecom.toml`` (the apply is not timed);
- the peer, ``sqlite-utils insert DB mentions FILE --nl`` then
  ``sqlite-utils enable-fts DB mentions text --fts5`` (two processes, summed).

Each figure comes from the operating system's accounting of the finished child
(``os.wait4``: user + system CPU, peak RSS) and a monotonic clock for wall time; database
size is the file's bytes per mention after the run. Issue 21 asks these numbers of the
user's command, not of ``store.mentions.add`` alone (``bench_store.py``).

``--rss-every 100000``: the routed import alone (once), its peak RSS so far
(``VmHWM``), resident RSS (``VmRSS``), CPU seconds and load average each time its read
position in the file passes another 100,000 records
(the position from ``/proc/PID/fdinfo``; the reader reads ahead by one buffer): does
memory stay flat as the input grows? ``--workers 1,2``: the bus path, ``socialhub
worker --mode fast`` processes consuming the same file's mentions from NATS (a stream
prefix of this run, deleted after) into one SQLite file; wall from the workers' start
to the last mention stored, and the speed-up of N workers over one (bench_import_bus.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_store import generate

from socialhub.serialize import mention_to_dict

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(
    cmd: list[str], env: dict[str, str], watch: Callable[[int], None] | None = None
) -> dict[str, float]:
    """One process: wall seconds, CPU seconds, peak RSS in MB. ``watch(pid)`` runs in a
    thread while the process does (and must return when it ends)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = threading.Thread(target=watch, args=(proc.pid,), daemon=True) if watch else None
    if watcher is not None:
        watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    if watcher is not None:
        watcher.join()
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def write_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for batch in generate(n, 5_000, [(q, 1) for q in range(1, 19)]):
            for m in batch:
                record = mention_to_dict(m)
                record.pop("query_ids", None)  # an export carries no routes of ours
                fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def line_offsets(path: Path, every: int) -> list[tuple[int, int]]:
    """(records read, byte offset after them) every ``every`` records."""
    marks: list[tuple[int, int]] = []
    done = 0
    with path.open("rb") as fh:
        for count, line in enumerate(fh, start=1):
            done += len(line)
            if count % every == 0:
                marks.append((count, done))
    return marks


def rss_watch(file: Path, marks: list[tuple[int, int]], out: list[dict[str, int]]) -> Any:
    """A ``run`` watcher: the child's peak RSS so far at each mark of ``line_offsets``."""

    def position(pid: int) -> int:
        best = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == str(file):
                    info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                    best = max(best, int(info.split("pos:")[1].split()[0]))
        return best

    def memory_mb(pid: int) -> tuple[int, int]:
        """(peak so far, resident now) in MiB."""
        got = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                got[line[:5]] = int(line.split()[1]) // 1024
        return got.get("VmHWM", 0), got.get("VmRSS", 0)

    def cpu_s(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def watch(pid: int) -> None:
        pending = list(marks)
        while pending:
            try:
                pos, (peak, now) = position(pid), memory_mb(pid)
            except (OSError, ValueError, IndexError):
                return  # the process ended
            while pending and pos >= pending[0][1]:
                out.append({"records": pending.pop(0)[0], "peak_rss_mb": peak, "rss_mb": now,
                            "cpu_s": round(cpu_s(pid), 1), "load": os.getloadavg()[0]})  # fmt: skip
            time.sleep(0.2)

    return watch


def socialhub(
    file: Path,
    work: Path,
    routed: bool,
    env: dict[str, str],
    watch: Callable[[int], None] | None = None,
) -> dict[str, float]:
    db = work / "socialhub.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    if routed:  # workspaces and queries to route to; not timed
        run([str(BIN / "socialhub"), "apply", str(ROOT / "examples" / "telecom.toml"),
             "--db", url], env)  # fmt: skip
    cmd = [str(BIN / "socialhub"), "import", str(file), "--db", url, "--json"]
    out = run([*cmd, "--route" if routed else "--no-route"], env, watch)
    out["db_bytes"] = sum(
        Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()
    )
    return out


def peer(file: Path, work: Path, env: dict[str, str]) -> dict[str, float]:
    db = work / "peer.db"
    db.unlink(missing_ok=True)
    tool = str(BIN / "sqlite-utils")
    a = run([tool, "insert", str(db), "mentions", str(file), "--nl"], env)
    b = run([tool, "enable-fts", str(db), "mentions", "text", "--fts5"], env)
    return {"wall": a["wall"] + b["wall"], "cpu": a["cpu"] + b["cpu"],
            "rss_mb": max(a["rss_mb"], b["rss_mb"]), "db_bytes": db.stat().st_size}  # fmt: skip


def summary(n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {
        "runs": len(runs),
        "per_s_wall": round(n / med["wall"]),
        "per_cpu_s": round(n / med["cpu"]),
        "wall_s": round(med["wall"], 2),
        "cpu_s": round(med["cpu"], 2),
        "peak_rss_mb": round(med["rss_mb"]),
        "kb_per_mention": round(med["db_bytes"] / n / 1024, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--routed", action="store_true", help="also the default (routed) import")
    ap.add_argument("--dir", default=None, help="where the files go (default: a temp folder)")
    ap.add_argument("--rss-every", type=int, default=0, help="routed run: peak RSS every N")
    ap.add_argument("--workers", default="", help="bus workers to compare, e.g. 1,2")
    ap.add_argument("--bus", default="nats://127.0.0.1:4222", help="NATS for --workers")
    ap.add_argument("--skip-peer", action="store_true", help="only the extra measures")
    ap.add_argument("--file", default=None, help="reuse this file (written first if missing)")
    args = ap.parse_args()
    env = {**os.environ, "SOCIALHUB_NO_PROGRESS": "1"}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        file = Path(args.file) if args.file else work / "mentions.jsonl"
        if not file.exists():
            write_file(file, args.n)
        extra: dict[str, Any] = {}
        if args.rss_every:
            curve: list[dict[str, int]] = []
            watch = rss_watch(file, line_offsets(file, args.rss_every), curve)
            whole = socialhub(file, work, True, env, watch)
            if not curve or curve[-1]["records"] < args.n:  # the end: the whole run's peak
                curve.append({"records": args.n, "peak_rss_mb": round(whole["rss_mb"])})
            extra["rss_curve"] = {**summary(args.n, [whole]), "curve": curve}
            print(f"rss curve: {curve}", file=sys.stderr)
        if args.workers:
            from bench_import_bus import scaling

            counts = [int(k) for k in args.workers.split(",")]
            extra["bus_workers"] = scaling(file, args.n, work, counts, args.bus, env)
        if args.skip_peer:
            print(json.dumps({"n": args.n, "load": os.getloadavg(), **extra}, indent=2))
            return
        kinds = ["no_route", "peer"] + (["routed"] if args.routed else [])
        results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
        for i in range(args.runs):  # alternate, so drift hits every command alike
            for kind in kinds if i % 2 == 0 else list(reversed(kinds)):
                if kind == "peer":
                    results[kind].append(peer(file, work, env))
                else:
                    results[kind].append(socialhub(file, work, kind == "routed", env))
            print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
        out: dict[str, Any] = {
            "n": args.n,
            "file_mb": round(file.stat().st_size / 2**20, 1),
            "machine": f"{platform.machine()} {os.cpu_count()} cpu",
            "load": os.getloadavg(),
            **{k: summary(args.n, v) for k, v in results.items()},
            **extra,
        }
        pairs = zip(results["no_route"], results["peer"], strict=True)
        out["no_route_vs_peer"] = {
            "wall_ratio": round(statistics.median(a["wall"] / b["wall"] for a, b in pairs), 2),
            "cpu_ratio": round(
                statistics.median(
                    a["cpu"] / b["cpu"]
                    for a, b in zip(results["no_route"], results["peer"], strict=True)
                ),
                2,
            ),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
