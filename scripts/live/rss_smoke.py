"""Live smoke test of the RSS connector against a real feed (by hand; not in CI).

    .venv/bin/python scripts/live/rss_smoke.py https://example.org/feed.xml [--full-text]

Fetches the feed twice (the second request is conditional: expect 304 or no new
items), prints the normalised mentions' ids, dates, titles and URLs, and exits non-zero
on any connector error. Nothing is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.rss import RssConnector


async def main(url: str, full_text: bool) -> int:
    connector = RssConnector(full_text=full_text, full_text_max=3)
    target = Target("feed", url)
    try:
        first = await connector.fetch(target, None)
        for m in first.mentions:
            title = m.text.split("\n", 1)[0][:90]
            print(f"{m.created_at:%Y-%m-%d %H:%M} {m.lang:>3} {m.native_id[:12]} {title}")
            print(f"{'':>21}{m.url}  ({len(m.text)} chars)")
        for r in first.rejected:
            print(f"REJECTED {r.location}: {r.reason}")
        print(
            f"-- {len(first.mentions)} items; cursor etag={first.cursor.get('etag')!r} "
            f"last_modified={first.cursor.get('last_modified')!r}"
        )
        second = await connector.fetch(target, first.cursor)
        print(f"-- second (conditional) fetch: {len(second.mentions)} new items")
    except ConnectorError as exc:
        print(f"ERROR {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        await connector.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--full-text", action="store_true", help="extract article text")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.url, args.full_text)))
