"""Every publisher's request goes through the address guard, connection pinned.

A platform API base is configuration, yet a name that resolves to a loopback or private
address is refused unless its ``host:port`` is allowed, and a name that changes its
answer between the check and the connection (DNS rebinding) is caught where the socket
opens: the local server is never reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from socialhub.connectors.base import BadRequest
from socialhub.connectors.linkguard import LinkGuard, SyncGuardedTransport
from socialhub.engage.publishers import build_publisher
from socialhub.engage.publishers.base import ApiPublisher
from socialhub.engage.publishers.bluesky import BlueskyPublisher
from socialhub.engage.publishers.facebook import FacebookPublisher
from socialhub.engage.publishers.mastodon import MastodonPublisher
from socialhub.engage.publishers.x import XPublisher
from socialhub.engage.publishers.youtube import YouTubePublisher
from socialhub.engage.publishing import PostRequest, Publisher, publish_once
from socialhub.models import Mention
from socialhub.records.engage import OfficialAccount

from .fake_x import FakeX
from .fakeserver import running

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
Build = Callable[[str, LinkGuard], Publisher]

BUILDERS: dict[str, Build] = {
    "x": lambda url, g: XPublisher("t", "h", "1", base_url=url, clock=lambda: T0, guard=g),
    "bluesky": lambda url, g: BlueskyPublisher("h", "p", base_url=url, clock=lambda: T0, guard=g),
    "mastodon": lambda url, g: MastodonPublisher("t", base_url=url, clock=lambda: T0, guard=g),
    "facebook": lambda url, g: FacebookPublisher(
        "t", "42", base_url=url, clock=lambda: T0, guard=g
    ),
    "youtube": lambda url, g: YouTubePublisher("t", "UC1", base_url=url, clock=lambda: T0, guard=g),
}


def _request() -> PostRequest:
    target = Mention("x", "1799", "@MirabelleFR panne ?", T0 - timedelta(hours=1))
    return PostRequest("Bonjour, nos équipes sont dessus.", "key-1", T0, target)


@pytest.fixture
def x() -> Iterator[FakeX]:
    with running(FakeX("tok-123", lambda: T0)) as server:
        yield server  # type: ignore[misc]


@pytest.mark.parametrize("platform", sorted(BUILDERS))
@pytest.mark.parametrize("answer", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1"])
def test_every_publisher_refuses_a_name_resolving_inside(platform: str, answer: str) -> None:
    guard = LinkGuard(resolver=lambda host: [answer], env={})
    publisher = BUILDERS[platform]("https://api.platform.test", guard)
    try:
        with pytest.raises(BadRequest, match=f"{platform}: refused by the address guard"):
            publisher.publish(_request())
    finally:
        publisher.close()


def test_a_loopback_name_is_refused_unless_its_host_port_is_allowed(x: FakeX) -> None:
    port = int(x.url.rsplit(":", 1)[1])
    url = f"http://localhost:{port}"  # the fake server's 127.0.0.1 allowance is not this
    refused = XPublisher("tok-123", "MirabelleFR", base_url=url, clock=lambda: T0,
                         guard=LinkGuard(env={}))  # fmt: skip
    outcome = publish_once(
        refused, _request(), previous_attempts=0, on_attempt=lambda n: None, sleep=lambda s: None
    )
    assert outcome.final and "address guard" in outcome.error
    assert x.requests == [] and x.posts == []

    allowed = XPublisher("tok-123", "MirabelleFR", base_url=url, clock=lambda: T0,
                         guard=LinkGuard([f"localhost:{port}"], env={}))  # fmt: skip
    assert allowed.publish(_request()).id == x.posts[0]["id"]


def test_dns_rebinding_between_check_and_connect_is_refused(x: FakeX) -> None:
    """The name answers a public address to the request check and loopback to the
    connection: refused where the socket opens, the server never reached."""
    port = int(x.url.rsplit(":", 1)[1])
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    guard = LinkGuard(resolver=lambda host: next(answers), env={})
    publisher = XPublisher("tok-123", "MirabelleFR", base_url=f"http://rebind.test:{port}",
                           clock=lambda: T0, guard=guard)  # fmt: skip
    with pytest.raises(BadRequest, match=r"address guard.*rebind\.test resolves to a non-public"):
        publisher.publish(_request())
    assert x.requests == [] and x.posts == []


@pytest.mark.parametrize(
    ("platform", "secret_name", "cls"),
    [
        ("x", "token", XPublisher),
        ("bluesky", "app_password", BlueskyPublisher),
        ("mastodon", "token", MastodonPublisher),
        ("facebook", "page_token", FacebookPublisher),
        ("youtube", "token", YouTubePublisher),
    ],
)
def test_build_publisher_wires_each_platform_through_the_guard(
    platform: str, secret_name: str, cls: type
) -> None:
    account = OfficialAccount(platform, "mirabelle", native_id="42",
                              credentials={secret_name: "PUB_SECRET"},
                              api_base="https://api.platform.test/v1/")  # fmt: skip
    publisher = build_publisher(account, clock=lambda: T0, env={"PUB_SECRET": "s3cret"})
    try:
        assert isinstance(publisher, cls) and isinstance(publisher, ApiPublisher)
        assert str(publisher.http.base_url) == "https://api.platform.test/v1/"
        assert isinstance(publisher.http._transport, SyncGuardedTransport)
    finally:
        publisher.close()


def test_build_publisher_refuses_what_it_cannot_build() -> None:
    with pytest.raises(ValueError, match="api_base"):
        build_publisher(OfficialAccount("mastodon", "m", credentials={"token": "T"}),
                        clock=lambda: T0, env={"T": "x"})  # fmt: skip
    with pytest.raises(ValueError, match="no publisher for platform 'myspace'"):
        build_publisher(OfficialAccount("myspace", "m"), clock=lambda: T0, env={})
