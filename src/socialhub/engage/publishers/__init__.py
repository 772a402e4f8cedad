"""One writing client per platform, built from a declared official account.

Each speaks its platform's documented API (see each module) and raises the connector
errors (:mod:`socialhub.connectors.base`); :func:`socialhub.engage.publishing.publish_once`
owns retries. The API base comes from the configuration file, never from post content;
it still goes through the address guard, connection pinned to the checked address
(:mod:`socialhub.engage.publishers.base`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from socialhub.engage.accounts import secret
from socialhub.engage.publishing import Publisher
from socialhub.records.engage import OfficialAccount


def build_publisher(
    account: OfficialAccount,
    *,
    clock: Callable[[], datetime],
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> Publisher:
    """The publisher of an official account, with its credentials read from the env."""
    base = account.api_base or None
    if account.platform == "x":
        from socialhub.engage.publishers.x import XPublisher

        return XPublisher(
            secret(account, "token", env),
            account.handle,
            account.native_id,
            base_url=base,
            clock=clock,
            timeout=timeout,
        )
    if account.platform == "bluesky":
        from socialhub.engage.publishers.bluesky import BlueskyPublisher

        return BlueskyPublisher(
            account.handle,
            secret(account, "app_password", env),
            base_url=base,
            clock=clock,
            timeout=timeout,
        )
    if account.platform == "mastodon":
        from socialhub.engage.publishers.mastodon import MastodonPublisher

        if base is None:
            raise ValueError(f"{account.label}: api_base (the instance URL) is required")
        return MastodonPublisher(
            secret(account, "token", env), base_url=base, clock=clock, timeout=timeout
        )
    if account.platform == "facebook":
        from socialhub.engage.publishers.facebook import FacebookPublisher

        return FacebookPublisher(
            secret(account, "page_token", env),
            account.native_id,
            base_url=base,
            clock=clock,
            timeout=timeout,
        )
    if account.platform == "youtube":
        from socialhub.engage.publishers.youtube import YouTubePublisher

        return YouTubePublisher(
            secret(account, "token", env),
            account.native_id,
            base_url=base,
            clock=clock,
            timeout=timeout,
        )
    raise ValueError(f"no publisher for platform {account.platform!r}")
