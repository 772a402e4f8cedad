"""Live smoke test for the Bluesky connector (by hand, real network; never in CI).

    SOCIALHUB_BLUESKY_HANDLE=you.bsky.social SOCIALHUB_BLUESKY_APP_PASSWORD=xxxx-xxxx \
        .venv/bin/python scripts/live/bluesky_smoke.py "panne internet" [--stream 20] [--post TEXT]

Prints one search page, one author feed page, optionally N seconds of the Jetstream
firehose filtered by the query, and optionally posts TEXT (only with --post).
Credentials are read from the environment and never printed.
"""

from __future__ import annotations

import argparse
import asyncio

from socialhub.connectors.base import Target
from socialhub.connectors.bluesky import BlueskyConnector


async def main(args: argparse.Namespace) -> None:
    conn = BlueskyConnector({"queries": [args.query]})
    page = await conn.fetch(Target("search", args.query), None)
    print(f"search: {len(page.mentions)} mentions, done={page.done}, rate={page.rate}")
    for m in page.mentions[:5]:
        print(" ", m.created_at.isoformat(), m.url, m.text[:80].replace("\n", " "))
    page = await conn.fetch(Target("timeline", args.actor), None)
    print(
        f"feed {args.actor}: {len(page.mentions)} mentions, kinds={[m.kind for m in page.mentions]}"
    )
    if args.stream:
        try:
            async with asyncio.timeout(args.stream):
                async for p in conn.stream(Target("stream", args.query), None):
                    for m in p.mentions:
                        print("  firehose:", m.url, m.text[:80].replace("\n", " "))
        except TimeoutError:
            pass
    if args.post:
        print("posted:", await conn.publish(args.post))
    await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("query")
    parser.add_argument("--actor", default="bsky.app")
    parser.add_argument("--stream", type=float, default=0.0, help="seconds of firehose")
    parser.add_argument("--post", default="")
    asyncio.run(main(parser.parse_args()))
