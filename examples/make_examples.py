"""Rebuild the small example files the README's commands use (deterministic: seed 7).

    .venv/bin/python examples/make_examples.py

- ``tweets.jsonl``: 150 posts from X in twarc2's flattened format (`socialhub import`);
- ``export.csv``: 60 rows of a spreadsheet export with its own column names (Message, Date,
  User; `socialhub import --map ...`);
- ``posts.jsonl``: 40 lines ``{"id", "text"}`` (`socialhub enrich`);
- ``stream.jsonl``: the demo stream from 03:30 to 09:30 UTC on the outage morning, at a
  low rate (`socialhub detect` fires on the outage after an hour of baseline).
"""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from socialhub.demo import Simulator
from socialhub.models import Mention
from socialhub.serialize import mention_to_json
from socialhub.text import fold

HERE = Path(__file__).resolve().parent


TOPIC = ("mirabelle", "azurel", "telvia", "nexo", "marchetti")


def on_topic(m: Mention) -> bool:
    text = fold(m.text)
    return any(w in text for w in TOPIC) and not any(
        w in text for w in ("confiture", "tarte", "recette", "clafoutis", "compote")
    )


def main() -> None:
    sim = Simulator(seed=7, rate_per_minute=6.0)
    day = list(sim.until(sim.start + timedelta(hours=12)))
    # mostly about the brand and its rivals, as an export from a listening tool would be
    tweets = [m for m in day if m.platform == "x" and m.kind in ("post", "reply") and on_topic(m)]
    tweets = tweets[:150]
    with (HERE / "tweets.jsonl").open("w", encoding="utf-8") as fh:
        for m in tweets:
            a = m.author
            row = {
                "id": m.native_id,
                "text": m.text,
                "author_id": a.id.split(":", 1)[-1] if a else "",
                "created_at": m.created_at.isoformat().replace("+00:00", "Z"),
                "lang": m.lang,
                "public_metrics": {
                    "like_count": m.engagement.likes,
                    "retweet_count": m.engagement.reposts,
                    "reply_count": m.engagement.replies,
                    "quote_count": m.engagement.quotes,
                },
                "author": {
                    "id": a.id.split(":", 1)[-1] if a else "",
                    "username": a.handle if a else "",
                    "name": a.name if a else "",
                    "public_metrics": {"followers_count": a.followers if a else 0},
                },
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    others = [m for m in day if m.platform in ("facebook", "forum", "reddit") and on_topic(m)][:60]
    with (HERE / "export.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Message", "Date", "User", "Network"])
        for m in others:
            w.writerow([m.text, m.created_at.strftime("%Y-%m-%d %H:%M:%S"), m.author_handle,
                        m.platform])  # fmt: skip
    with (HERE / "posts.jsonl").open("w", encoding="utf-8") as fh:
        for i, m in enumerate(m for m in day if m.kind == "post"):
            if i >= 40:
                break
            fh.write(json.dumps({"id": m.id, "text": m.text}, ensure_ascii=False) + "\n")
    outage = sim.episode("panne-reseau")
    start = outage.start - timedelta(hours=3)
    stream = Simulator(seed=7, rate_per_minute=2.0)
    with (HERE / "stream.jsonl").open("wb") as fh:
        for m in stream.until(outage.start + timedelta(hours=3)):
            if m.created_at >= start:
                fh.write(mention_to_json(m, include_raw=False) + b"\n")


if __name__ == "__main__":
    main()
