"""Live smoke test for the Mastodon connector (by hand, real network; never in CI).

    SOCIALHUB_MASTODON_TOKEN=... .venv/bin/python scripts/live/mastodon_smoke.py \
        --instances mastodon.social piaille.fr --tag fediverse \
        [--search WORDS] [--stream 20] [--post TEXT]

Prints one hashtag page per instance, optionally a search page (needs the token),
N seconds of the hashtag stream, and posts TEXT on the first instance only with --post.
The token is read from the environment and never printed.
"""

from __future__ import annotations

import argparse
import asyncio

from socialhub.connectors.base import Target
from socialhub.connectors.mastodon import MastodonConnector


async def main(args: argparse.Namespace) -> None:
    conn = MastodonConnector({"instances": args.instances})
    cursor = None
    for _ in args.instances:
        page = await conn.fetch(Target("timeline", f"#{args.tag}"), cursor)
        cursor = page.cursor
        print(f"#{args.tag}: {len(page.mentions)} mentions, rate={page.rate}")
        for m in page.mentions[:5]:
            print(" ", m.created_at.isoformat(), m.url, m.text[:80].replace("\n", " "))
    if args.search:
        page = await conn.fetch(Target("search", args.search), None)
        print(f"search: {len(page.mentions)} mentions")
    if args.stream:
        try:
            async with asyncio.timeout(args.stream):
                async for p in conn.stream(Target("stream", f"#{args.tag}"), None):
                    for m in p.mentions:
                        print("  stream:", m.url, m.text[:80].replace("\n", " "))
        except TimeoutError:
            pass
    if args.post:
        print("posted:", await conn.publish(args.post))
    await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", nargs="+", default=["mastodon.social"])
    parser.add_argument("--tag", default="fediverse")
    parser.add_argument("--search", default="")
    parser.add_argument("--stream", type=float, default=0.0)
    parser.add_argument("--post", default="")
    asyncio.run(main(parser.parse_args()))
