"""The synchronous guarded transport (publishers, alert webhooks, the TSA client).

Same rules as the async one (tests/connectors/test_ssrf.py): each request checked, each
connection opened to the checked address, never to a second DNS answer.
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx
import pytest

from alerts.helpers import burst, signal
from alerts.servers import http_server
from legal.tsa_server import serve_tsa
from socialhub.alerts.channels import DeliveryError
from socialhub.alerts.channels.webhook import WebhookChannel
from socialhub.alerts.manager import AlertManager
from socialhub.connectors.linkguard import (
    AddressRefused,
    LinkGuard,
    SyncGuardedTransport,
    SyncPinnedBackend,
    guarded_sync_client,
)
from socialhub.legal.tsa import TimestampError, request_timestamp
from socialhub.records.alerts import Alert
from socialhub.store.base import Store

PUBLIC = ["2a00:1450:4007:80f::200e", "93.184.215.14"]


class Recorder(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kw: Any) -> Any:
        self.seen.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")

    def sleep(self, seconds: float) -> None:
        return None


def _recording_client(guard: LinkGuard) -> tuple[httpx.Client, Recorder]:
    recorder = Recorder()
    inner = httpx.HTTPTransport()
    inner._pool._network_backend = SyncPinnedBackend(guard, recorder)
    return httpx.Client(transport=SyncGuardedTransport(guard, inner)), recorder


def test_the_connection_goes_to_the_checked_address_not_the_name() -> None:
    guard = LinkGuard(resolver=lambda host: PUBLIC, env={})
    client, recorder = _recording_client(guard)
    with client, pytest.raises(httpx.ConnectError):
        client.get("https://news.example/feed")
    assert recorder.seen == [("93.184.215.14", 443)]  # the checked IPv4 address


def test_the_connection_goes_to_the_address_checked_at_connect_time() -> None:
    """The name changes its (public) answer between the request check and the socket:
    the socket opens to the address checked at that moment, never to a name."""
    answers = iter([["93.184.215.14"], ["93.184.215.15"]])
    guard = LinkGuard(resolver=lambda host: next(answers), env={})
    client, recorder = _recording_client(guard)
    with client, pytest.raises(httpx.ConnectError):
        client.get("http://moving.example/")
    assert recorder.seen == [("93.184.215.15", 80)]


def test_rebinding_to_loopback_is_refused_where_the_socket_opens() -> None:
    with http_server() as (url, inbox):
        port = int(url.rsplit(":", 1)[1])
        answers = iter([["93.184.215.14"], ["127.0.0.1"]])
        guard = LinkGuard(resolver=lambda host: next(answers), env={})
        with guarded_sync_client(guard) as client, pytest.raises(AddressRefused):
            client.post(f"http://rebind.test:{port}/hook", content=b"{}")
    assert inbox.requests == []


def test_redirect_hops_are_checked_each() -> None:
    guard = LinkGuard(
        resolver=lambda host: PUBLIC if host == "out.example" else ["10.0.0.1"], env={}
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://in.example/admin"})

    transport = SyncGuardedTransport(guard, httpx.MockTransport(handler))
    client = httpx.Client(transport=transport, follow_redirects=True)
    with client, pytest.raises(AddressRefused, match=r"in\.example resolves to a non-public"):
        client.get("http://out.example/")


@pytest.fixture
def alert(sqlite_store: Store) -> Alert:
    mentions = burst()
    sqlite_store.mentions.add(mentions)
    out = AlertManager(sqlite_store).process(
        signal(0, severity=8, evidence=[m.id for m in mentions])
    )
    assert out.alert is not None
    return out.alert


def test_a_webhook_on_a_loopback_name_is_refused_unless_allowed(alert: Alert) -> None:
    with http_server() as (url, inbox):
        port = int(url.rsplit(":", 1)[1])
        hook = f"http://localhost:{port}/hook"  # http_server allows 127.0.0.1:port only
        with pytest.raises(DeliveryError, match="refused") as refused:
            WebhookChannel(hook).send(alert, "opened")
        assert not refused.value.retryable and inbox.requests == []
        WebhookChannel(hook, guard=LinkGuard([f"localhost:{port}"], env={})).send(alert, "opened")
        assert [path for path, _, _ in inbox.requests] == ["/hook"]


def test_webhook_rebinding_is_refused(alert: Alert) -> None:
    with http_server() as (url, inbox):
        port = int(url.rsplit(":", 1)[1])
        answers = iter([["93.184.215.14"], ["127.0.0.1"]])
        guard = LinkGuard(resolver=lambda host: next(answers), env={})
        channel = WebhookChannel(f"http://rebind.test:{port}/hook", guard=guard)
        with pytest.raises(DeliveryError, match="non-public"):
            channel.send(alert, "opened")
    assert inbox.requests == []


def test_the_tsa_client_goes_through_the_guard() -> None:
    with serve_tsa() as (url, tsa):
        port = int(url.split(":")[2].split("/")[0])
        named = f"http://localhost:{port}/tsa"
        with pytest.raises(TimestampError, match="refused"):
            request_timestamp(named, "ab" * 32, guard=LinkGuard(env={}))
        assert tsa.requests == 0
        token = request_timestamp(named, "ab" * 32, guard=LinkGuard([f"localhost:{port}"], env={}))
        assert tsa.requests == 1 and token.der
