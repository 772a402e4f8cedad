"""Live smoke test of the Facebook connector (run by hand with a real token; not in CI).

    SOCIALHUB_FACEBOOK_TOKEN=... .venv/bin/python scripts/live/facebook_smoke.py PAGE_ID

Reads one sweep (posts of the last two days, then their comments) and prints one line
per mention and the usage read from the rate headers. The token is never printed.
"""

from __future__ import annotations

import asyncio
import sys

from socialhub.connectors.base import ConnectorError, Target
from socialhub.connectors.facebook import FacebookConnector


async def main(page_id: str, max_requests: int = 20) -> int:
    conn = FacebookConnector()
    cursor = None
    try:
        for _ in range(max_requests):
            page = await conn.fetch(Target("page", page_id), cursor)
            for m in page.mentions:
                print(f"{m.created_at:%Y-%m-%d %H:%M} {m.kind:8} {m.id} {m.text[:70]!r}")
            for r in page.rejected:
                print(f"REJECTED {r.location}: {r.reason}")
            print(f"-- rate {page.rate} done={page.done}")
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
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(sys.argv[1])))
