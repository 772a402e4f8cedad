"""Live smoke test of the YouTube connector (run by hand with a real key; not in CI).

    SOCIALHUB_YOUTUBE_API_KEY=... .venv/bin/python scripts/live/youtube_smoke.py "query"
    SOCIALHUB_YOUTUBE_API_KEY=... .venv/bin/python scripts/live/youtube_smoke.py --video ID

A search sweep costs 100 quota units per search page plus 1 per comment page. Prints one
line per mention; the key is never printed.
"""

from __future__ import annotations

import asyncio
import sys

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.youtube import YouTubeConnector


async def main(target: Target, max_requests: int = 12) -> int:
    conn = YouTubeConnector(backfill_hours=24, watch_videos=3, page_size=10)
    cursor = None
    try:
        for _ in range(max_requests):
            page = await conn.fetch(target, cursor)
            for m in page.mentions:
                print(f"{m.created_at:%Y-%m-%d %H:%M} {m.kind:8} {m.url} {m.text[:60]!r}")
            for r in page.rejected:
                print(f"REJECTED {r.location}: {r.reason}")
            cursor = page.cursor
            if page.done:
                return 0
    except ConnectorError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        await conn.close()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--video":
        chosen = Target("video", args[1])
    elif len(args) == 1:
        chosen = Target("search", args[0], match_query=args[0])
    else:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(chosen)))
