"""The narrow, test-only exception to the address guard: this test server's host:port.

The hub refuses loopback addresses (``connectors/linkguard.py``); tests serve platforms
on 127.0.0.1, so each local server names its exact ``host:port`` in
``SOCIALHUB_FETCH_ALLOW`` while it runs, and only then. Another port on the same host
stays refused (the SSRF tests rely on that).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from socialhub.connectors.linkguard import ALLOW_ENV


@contextmanager
def allow_fetch(url: str) -> Iterator[str]:
    """Allow ``url``'s exact host:port for the duration of the block."""
    parts = urlsplit(url)
    entry = f"{parts.hostname}:{parts.port}"
    entries = [e for e in os.environ.get(ALLOW_ENV, "").split(",") if e]
    os.environ[ALLOW_ENV] = ",".join([*entries, entry])
    try:
        yield entry
    finally:
        left = [e for e in os.environ.get(ALLOW_ENV, "").split(",") if e]
        if entry in left:
            left.remove(entry)
        if left:
            os.environ[ALLOW_ENV] = ",".join(left)
        else:
            os.environ.pop(ALLOW_ENV, None)
