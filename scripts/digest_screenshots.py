"""Rebuild docs/images/digest-fr-page-N.png: the French press digest (PDF pages) of the
simulator's Monday 08:00 → 17:00 edition (seed 42, the store-closure scoop).

The stream (20 mentions a minute — the demo's rate —, 12 simulated hours) is routed with
examples/telecom.toml, stored in a temporary SQLite database and grouped into stories by
the story engine, as in tests/reports/test_briefing_simulator.py. Needs pdftoppm
(poppler-utils) and the colour emoji font (scripts/setup.sh installs both).

    .venv/bin/python scripts/digest_screenshots.py [--out docs/images] [--dpi 70]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialhub.analytics.stories.engine import StoryEngine
from socialhub.analytics.stories.evaluate import replay
from socialhub.cli.detect_cmd import Router
from socialhub.config import apply_config, load_config
from socialhub.demo import Simulator
from socialhub.enrichers.sentiment.stage import SentimentStage
from socialhub.pipeline.base import Context
from socialhub.reports.build import build
from socialhub.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
EDITION = (datetime(2026, 3, 2, 7, tzinfo=UTC), datetime(2026, 3, 2, 16, tzinfo=UTC))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    ap.add_argument("--dpi", type=int, default=70)
    ap.add_argument("--rate", type=float, default=20.0, help="mentions per minute (the demo's)")
    args = ap.parse_args(argv)
    config = ROOT / "examples" / "telecom.toml"
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(f"sqlite:///{Path(tmp) / 'hub.db'}")
        store.migrate()
        apply_config(load_config(config), store)
        routes = Router(config)
        sim = Simulator(seed=42, rate_per_minute=args.rate)
        mentions = list(sim.until(sim.start + timedelta(hours=12)))
        for m in mentions:
            routes.route(m)
        # rated as the demo's pipeline rates them (its fast sentiment path)
        SentimentStage(Context(None, {"sentiment_mode": "fast"})).process(mentions)
        for i in range(0, len(mentions), 2000):
            store.mentions.add(mentions[i : i + 2000])
        engine = StoryEngine(workspaces=routes.workspaces, lists=routes.list_types)
        result = replay(engine, mentions)
        members = [(int(k.split(":", 1)[0]), k, mid) for k, ids in result.members.items()
                   for mid in ids]  # fmt: skip
        store.stories.save(list(result.records.values()), members)
        ws = store.workspaces.get_workspace("mirabelle-com")
        assert ws is not None
        built = build(store, ws, "digest", *EDITION, {"lang": "fr"})
        assert built.pdf is not None
        pdf = Path(tmp) / "digest.pdf"
        pdf.write_bytes(built.pdf)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        print(next(line for line in info.stdout.splitlines() if line.startswith("Pages")))
        print([e["headline"][:50] for e in built.data["essentials"]])
        store.close()
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob("digest-fr-page-*.png"):
            old.unlink()
        subprocess.run(
            ["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), str(args.out / "digest-fr-page")],
            check=True,
        )
    for page in sorted(args.out.glob("digest-fr-page-*.png")):
        print(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
