"""Live smoke test of the X connector (run by hand with real credentials; not in CI).

    SOCIALHUB_X_BEARER_TOKEN=... .venv/bin/python scripts/live/x_smoke.py "mirabelle lang:fr"
    # add --stream SECONDS to also sync one rule and read the filtered stream

Prints counts and ids only: never the token, never tweet text (it is third-party data).
"""

from __future__ import annotations

import argparse
import asyncio

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.x import XConnector


async def main(query: str, pages: int, stream_seconds: float) -> None:
    conn = XConnector(max_results=10)
    try:
        cursor = None
        for n in range(pages):
            page = await conn.fetch(Target("search", query, match_query="smoke"), cursor)
            print(
                f"page {n + 1}: {len(page.mentions)} mentions, {len(page.rejected)} rejected,"
                f" rate {page.rate}, cursor {page.cursor}"
            )
            cursor = page.cursor
            if page.done:
                break
        if stream_seconds:
            target = Target("stream", query, match_query="socialhub-smoke")

            async def read() -> None:
                async for page in conn.stream(target, cursor):
                    print("stream:", [m.id for m in page.mentions], len(page.rejected))

            try:
                await asyncio.wait_for(read(), stream_seconds)
            except TimeoutError:
                print("stream: stopped after", stream_seconds, "s")
    except ConnectorError as exc:
        print(f"{type(exc).__name__}: {exc}")
    finally:
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("query")
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--stream", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(main(args.query, args.pages, args.stream))
