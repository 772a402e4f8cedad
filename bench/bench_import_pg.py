"""``socialhub import FILE --no-route`` into PostgreSQL, end to end, against ``psql \\copy``.

    .venv/bin/python bench/bench_import_pg.py [--n 100000] [--runs 2] > out.json

Writes ``--n`` mentions as ``bench_import.write_file`` does (full records with raw
payloads, no routes), then times whole processes, file to committed rows, alternating
the commands run by run, each into a fresh throwaway database (``i21pg_imp_*``, dropped
after; migrations applied before the clock starts):

- ``socialhub import FILE --no-route --db postgresql://…`` (the store's COPY path:
  staging tables, then ``INSERT … ON CONFLICT`` into the partitioned tables, tsvector
  and every index and rollup kept);
- the peer, ``psql -c "\\copy peer FROM rows.csv CSV"``: the same mentions' columns
  (converted to CSV beforehand, not timed) into one table with a primary key and a GIN
  index on a generated ``to_tsvector('simple', text)`` column — a plain bulk load with
  full-text search and no idempotence, staging or derived tables.

CPU and peak RSS are the client process's (``os.wait4``); the server's work shows in the
wall time only. Prints JSON with the load average.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from bench_import import BIN, run, write_file
from scratch_pg import scratch_database

PEER_TABLE = """
CREATE TABLE peer (
    id TEXT PRIMARY KEY, platform TEXT NOT NULL, native_id TEXT NOT NULL, url TEXT,
    text TEXT NOT NULL, lang TEXT, created_at TIMESTAMPTZ NOT NULL, author_id TEXT,
    author_handle TEXT, likes BIGINT, reposts BIGINT, sentiment_label TEXT, raw TEXT,
    search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX peer_search ON peer USING GIN (search);
CREATE INDEX peer_created ON peer (created_at);
"""


def to_csv(jsonl: Path, out: Path) -> None:
    with jsonl.open(encoding="utf-8") as src, out.open("w", newline="", encoding="utf-8") as dst:
        writer = csv.writer(dst)
        for line in src:
            r = json.loads(line)
            author = r.get("author") or {}
            engagement = r.get("engagement") or {}
            writer.writerow([
                f"{r['platform']}:{r['native_id']}", r["platform"], r["native_id"],
                r.get("url", ""), r["text"], r.get("lang", ""), r["created_at"],
                f"{author.get('platform', '')}:{author.get('native_id', '')}",
                author.get("handle", ""), engagement.get("likes", 0),
                engagement.get("reposts", 0), r.get("sentiment_label") or "",
                json.dumps(r.get("raw"), ensure_ascii=False),
            ])  # fmt: skip


PREFIX = ["i21pg_imp"]  # of the scratch databases; --prefix


def socialhub(file: Path, admin: str, env: dict[str, str]) -> dict[str, float]:
    with scratch_database(admin, PREFIX[0]) as url:
        run([str(BIN / "socialhub"), "db", "upgrade", "--db", url], env)
        out = run([str(BIN / "socialhub"), "import", str(file), "--no-route", "--db", url,
                   "--json"], env)  # fmt: skip
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM mentions").fetchone()
            out["rows"] = float(row[0]) if row else 0.0
    return out


def peer(rows: Path, admin: str, env: dict[str, str]) -> dict[str, float]:
    with scratch_database(admin, PREFIX[0]) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(PEER_TABLE)  # type: ignore[arg-type]
        out = run(["psql", url, "-qc", f"\\copy peer FROM '{rows}' CSV"], env)
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM peer").fetchone()
            out["rows"] = float(row[0]) if row else 0.0
    return out


def summary(n: int, runs: list[dict[str, float]]) -> dict[str, Any]:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {
        "runs": len(runs),
        "rows": int(med["rows"]),
        "per_s_wall": round(n / med["wall"]),
        "wall_s": round(med["wall"], 2),
        "client_cpu_s": round(med["cpu"], 2),
        "client_peak_rss_mb": round(med["rss_mb"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--dir", default=None, help="where the files go (default: a temp folder)")
    ap.add_argument("--pg-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--prefix", default=PREFIX[0], help="scratch database names start so")
    args = ap.parse_args()
    PREFIX[0] = args.prefix
    env = {**os.environ, "SOCIALHUB_NO_PROGRESS": "1"}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        file, rows = Path(tmp) / "mentions.jsonl", Path(tmp) / "rows.csv"
        write_file(file, args.n)
        to_csv(file, rows)
        results: dict[str, list[dict[str, float]]] = {"no_route": [], "peer": []}
        load_before = os.getloadavg()
        for i in range(args.runs):  # alternate, so drift hits both alike
            for kind in ("no_route", "peer") if i % 2 == 0 else ("peer", "no_route"):
                if kind == "peer":
                    results[kind].append(peer(rows, args.pg_admin_url, env))
                else:
                    results[kind].append(socialhub(file, args.pg_admin_url, env))
            print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
        pairs = list(zip(results["no_route"], results["peer"], strict=True))
        out: dict[str, Any] = {
            "n": args.n,
            "file_mb": round(file.stat().st_size / 2**20, 1),
            "machine": f"{platform.machine()} {os.cpu_count()} cpu",
            "load_before": load_before,
            "load_after": os.getloadavg(),
            **{k: summary(args.n, v) for k, v in results.items()},
            "wall_ratio_vs_peer": round(
                statistics.median(a["wall"] / b["wall"] for a, b in pairs), 2
            ),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
