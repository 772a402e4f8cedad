#!/usr/bin/env python
"""Rebuild the example press digest under docs/reports/ from the demo stream.

Plays the demo simulator (fictional operator Mirabelle Télécom) through the enrichment
chain into a throwaway SQLite store configured by examples/telecom.toml, builds the
digest of Tuesday 3 March 2026, 08:00 -> 17:00 Europe/Paris (the network outage
episode, with journalists' and MPs' reactions), and writes the PDF's first pages as
docs/reports/example-digest-NN.png at 80 dpi (pdftoppm, from Debian's poppler-utils).
The PDF itself stays in the work folder (--keep DIR reuses its database: the demo
takes ~10 minutes of CPU to enrich, the digest seconds).

Usage: .venv/bin/python scripts/example_digest.py [--pages 3] [--rate 4] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.models import Mention
from socialhub.reports.build import build

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # the simulator's default start
PERIOD = (datetime(2026, 3, 3, 7, 0, tzinfo=UTC), datetime(2026, 3, 3, 16, 0, tzinfo=UTC))


def fill(db: str, rate: float, seed: int) -> None:
    """Play the demo from its start to the digest's end through the enrichment chain
    (the hub's stages, run in-process batch by batch) into the store."""
    from socialhub.pipeline.base import Context
    from socialhub.pipeline.chain import Pipeline
    from socialhub.store import open_store

    store = open_store(db)
    store.migrate()
    apply_config(load_config(ROOT / "examples" / "telecom.toml"), store)
    ctx = Context(store, {"route_refresh_seconds": 0, "sentiment_mode": "fast"}, {})
    pipeline = Pipeline.from_settings(ctx)
    sim = Simulator(seed=seed, start=START, rate_per_minute=rate)
    batch: list[Mention] = []
    count = 0
    try:
        for mention in sim.until(PERIOD[1]):
            batch.append(mention)
            if len(batch) == 500:
                count += store.mentions.add(pipeline.process(batch).kept).inserted
                batch = []
        count += store.mentions.add(pipeline.process(batch).kept).inserted
    finally:
        pipeline.close()
        store.close()
    print(f"demo: {count} mentions stored", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--rate", type=float, default=4.0, help="demo mentions per minute")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reports")
    parser.add_argument("--keep", type=Path, help="keep the database and the PDF here")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install -y poppler-utils", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="socialhub-digest-"))
    work.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{work / 'demo.db'}"
    if not (work / "demo.db").exists():
        fill(db, args.rate, args.seed)
    from socialhub.store import open_store

    store = open_store(db)
    try:
        store.migrate()
        ws = store.workspaces.get_workspace("mirabelle-com")
        assert ws is not None, "examples/telecom.toml defines mirabelle-com"
        built = build(store, ws, "digest", *PERIOD)
    finally:
        store.close()
    assert built.pdf is not None
    pdf = work / "example-digest.pdf"
    pdf.write_bytes(built.pdf)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("example-digest-*.png"):
        old.unlink()
    prefix = args.out / "example-digest"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", str(args.pages),
         str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    pages = sorted(args.out.glob("example-digest-*.png"))
    print(f"{len(pages)} pages -> {args.out} (PDF kept in {work})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
