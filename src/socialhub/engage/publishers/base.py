"""What every platform publisher shares: a guarded, pinned HTTP client and its calls.

The API base comes from the configuration file, but a configured URL is not trusted by
itself (:mod:`socialhub.connectors.linkguard`): every request goes through
:class:`~socialhub.connectors.linkguard.SyncGuardedTransport`, which checks the address
and opens the connection to the very address it checked (no DNS rebinding between the
check and the connection). A platform on a private or loopback address (an intranet
Mastodon, a test's local server) must be allowed explicitly (``SOCIALHUB_FETCH_ALLOW``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Required, TypedDict

import httpx

from socialhub.connectors.base import ConnectorError
from socialhub.connectors.linkguard import LinkGuard, guarded_sync_client
from socialhub.engage.publishing import json_of, send


class Connection(TypedDict, total=False):
    """What every publisher takes besides its credentials (``**options``)."""

    base_url: str | None  # the API root; None: the platform's public one
    clock: Required[Callable[[], datetime]]
    timeout: float
    guard: LinkGuard | None  # default: LinkGuard() (SOCIALHUB_FETCH_ALLOW honoured)


class ApiPublisher:
    """Base of the platform publishers: the client, ``close``, and calls with errors
    mapped (subclasses refine :meth:`_errors` with their platform's error bodies)."""

    platform = ""
    default_base_url = ""  # none: the account must name its API root (Mastodon)

    def __init__(
        self,
        *,
        base_url: str | None = None,
        clock: Callable[[], datetime],
        timeout: float = 20.0,
        guard: LinkGuard | None = None,
        token: str = "",
    ) -> None:
        base_url = base_url or self.default_base_url
        if not base_url:
            raise ValueError(f"{self.platform}: api_base (the API root URL) is required")
        self.guard = guard if guard is not None else LinkGuard()
        self.clock = clock
        headers = {"User-Agent": "socialhub"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = guarded_sync_client(
            self.guard, base_url=base_url.rstrip("/"), timeout=timeout, headers=headers
        )

    def close(self) -> None:
        self.http.close()

    def _errors(self, response: httpx.Response) -> ConnectorError | None:
        return None

    def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        return send(self.http, method, url, self.platform, self._errors, **kw)

    def _call(self, method: str, url: str, **kw: Any) -> dict[str, Any]:
        return json_of(self._send(method, url, **kw), self.platform)
