"""One writing client per platform, built from a declared official account.

Each speaks its platform's documented API (see each module) and raises the connector
errors (:mod:`socialhub.connectors.base`); :func:`socialhub.engage.publishing.publish_once`
owns retries. The API base comes from the configuration file, never from post content;
it still goes through the address guard, connection pinned to the checked address
(:mod:`socialhub.engage.publishers.base`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import datetime

from socialhub.engage.accounts import secret
from socialhub.engage.publishing import Publisher
from socialhub.records.engage import OfficialAccount

Args = Callable[[OfficialAccount, str], tuple[str, ...]]  # (account, credential) -> args

# platform -> (module.Class, the credential's secret name, the positional arguments)
PUBLISHERS: dict[str, tuple[str, str, Args]] = {
    "x": ("x.XPublisher", "token", lambda a, cred: (cred, a.handle, a.native_id)),
    "bluesky": ("bluesky.BlueskyPublisher", "app_password", lambda a, cred: (a.handle, cred)),
    "mastodon": ("mastodon.MastodonPublisher", "token", lambda a, cred: (cred,)),
    "facebook": ("facebook.FacebookPublisher", "page_token", lambda a, cred: (cred, a.native_id)),
    "youtube": ("youtube.YouTubePublisher", "token", lambda a, cred: (cred, a.native_id)),
}


def build_publisher(
    account: OfficialAccount,
    *,
    clock: Callable[[], datetime],
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> Publisher:
    """The publisher of an official account, with its credentials read from the env."""
    if account.platform not in PUBLISHERS:
        raise ValueError(f"no publisher for platform {account.platform!r}")
    where, secret_name, args = PUBLISHERS[account.platform]
    if account.platform == "mastodon" and not account.api_base:
        raise ValueError(f"{account.label}: api_base (the instance URL) is required")
    module, name = where.rsplit(".", 1)
    cls = getattr(importlib.import_module(f"socialhub.engage.publishers.{module}"), name)
    publisher: Publisher = cls(
        *args(account, secret(account, secret_name, env)),
        base_url=account.api_base or None,
        clock=clock,
        timeout=timeout,
    )
    return publisher
