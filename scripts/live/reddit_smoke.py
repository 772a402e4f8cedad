"""Live smoke test of the Reddit connector (run by hand with real credentials; not in CI).

    SOCIALHUB_REDDIT_CLIENT_ID=... SOCIALHUB_REDDIT_CLIENT_SECRET=... \\
    SOCIALHUB_REDDIT_USER_AGENT="script:socialhub-smoke:0.1 (by /u/you)" \\
    .venv/bin/python scripts/live/reddit_smoke.py search "mirabelle"
    .venv/bin/python scripts/live/reddit_smoke.py timeline r/france

Prints counts and ids only: never the secret, never post text.
"""

from __future__ import annotations

import argparse
import asyncio

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.reddit import RedditConnector


async def main(kind: str, value: str, requests: int) -> None:
    conn = RedditConnector(limit=10)
    try:
        cursor = None
        for n in range(requests):
            page = await conn.fetch(Target(kind, value, match_query="smoke"), cursor)
            kinds = [m.kind for m in page.mentions]
            print(
                f"request {n + 1}: {len(page.mentions)} mentions {kinds},"
                f" {len(page.rejected)} rejected, rate {page.rate}"
            )
            cursor = page.cursor
            if page.done:
                break
    except ConnectorError as exc:
        print(f"{type(exc).__name__}: {exc}")
    finally:
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["search", "timeline", "comment"])
    parser.add_argument("value")
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.kind, args.value, args.requests))
