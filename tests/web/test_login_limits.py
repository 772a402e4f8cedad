"""Login throttling beyond (username, address): per account, per address, globally; and
X-Forwarded-For believed only from configured proxies (never from a direct client)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from socialhub.hub import _QuietServer, web_config
from socialhub.settings import Settings
from socialhub.web.app import create_app
from socialhub.web.clientip import parse_proxies
from socialhub.web.security import LOGIN_CSRF_COOKIE, AuthConfig

from .helpers import World, password


def _login(client: TestClient | httpx.Client, username: str, pw: str, **headers: str) -> int:
    client.get("/login", headers=headers)
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    r = client.post(
        "/login",
        data={"username": username, "password": pw, "csrf_token": token},
        headers=headers,
    )
    client.cookies.clear()  # each attempt a fresh visitor, as a script would be
    return r.status_code


def _client(world: World, ip: str = "203.0.113.7", **auth: object) -> TestClient:
    app = create_app(world.store, world.live, auth=AuthConfig(clock=world.clock, **auth))  # type: ignore[arg-type]
    return TestClient(app, follow_redirects=False, client=(ip, 40000))


def test_many_usernames_from_one_address_are_throttled(world: World) -> None:
    client = _client(world)
    for n in range(10):  # once each: the (username, address) pairs never fill up
        assert _login(client, f"user{n}", "bad-password") == 401
    assert _login(client, "viewer", password("viewer")) == 429  # even a right one
    other = _client(world, "198.51.100.9")  # another address is not concerned
    assert _login(other, "viewer", password("viewer")) == 303
    world.clock.advance(minutes=16)
    assert _login(client, "viewer", password("viewer")) == 303


def test_one_account_from_many_addresses_is_throttled(world: World) -> None:
    for n in range(10):
        assert _login(_client(world, f"192.0.2.{n + 1}"), "viewer", "bad-password") == 401
    fresh = _client(world, "192.0.2.200")
    assert _login(fresh, "viewer", password("viewer")) == 429
    assert _login(fresh, "analyst", password("analyst")) == 303  # other accounts unaffected


def test_global_limit(world: World) -> None:
    limits = {"max_failures_global": 6}
    for n in range(6):
        assert _login(_client(world, f"192.0.2.{n + 1}", **limits), f"u{n}", "bad") == 401
    assert _login(_client(world, "192.0.2.99", **limits), "viewer", password("viewer")) == 429


def test_forwarded_for_is_ignored_from_an_untrusted_peer(world: World) -> None:
    client = _client(world, "127.0.0.1")  # loopback is not trusted unless configured
    for n in range(5):
        assert _login(client, "viewer", "bad", **{"X-Forwarded-For": f"10.9.0.{n}"}) == 401
    fresh = {"X-Forwarded-For": "10.9.9.9"}
    assert _login(client, "viewer", password("viewer"), **fresh) == 429


def test_trusted_proxy_names_the_client(world: World) -> None:
    proxy = _client(world, "10.0.0.5", trusted_proxies=parse_proxies(["10.0.0.0/24"]))
    for _ in range(5):
        assert _login(proxy, "viewer", "bad", **{"X-Forwarded-For": "198.51.100.1"}) == 401
    locked = {"X-Forwarded-For": "198.51.100.1"}
    assert _login(proxy, "viewer", password("viewer"), **locked) == 429
    # what the client itself wrote in front of the proxy's entry does not count
    spoofed = {"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}
    assert _login(proxy, "viewer", password("viewer"), **spoofed) == 429
    other = {"X-Forwarded-For": "198.51.100.2, 10.0.0.7"}  # through two of our proxies
    assert _login(proxy, "viewer", password("viewer"), **other) == 303


def test_trusted_proxies_setting_is_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    assert Settings.from_env().trusted_proxies == ["10.0.0.5", "10.1.0.0/16"]
    monkeypatch.setenv("SOCIALHUB_TRUSTED_PROXIES", "proxy.local")
    with pytest.raises(ValueError, match="not an IP address"):
        Settings.from_env()


@pytest.fixture
def served(world: World) -> Iterator[str]:
    """The app under uvicorn as ``socialhub serve`` runs it (no proxy configured)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(world.store, world.live, auth=AuthConfig(clock=world.clock))
    server = _QuietServer(web_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    with httpx.Client() as probe:
        for _ in range(500):  # until it accepts connections (no fixed sleep)
            try:
                probe.get(url + "/healthz", timeout=5)
                break
            except httpx.TransportError:
                threading.Event().wait(0.01)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_served_app_ignores_forwarded_for_from_loopback(world: World, served: str) -> None:
    """uvicorn's default believes X-Forwarded-For from 127.0.0.1: a new header reset the
    counter and logged a locked user in."""
    with httpx.Client(base_url=served, follow_redirects=False) as client:
        for n in range(5):
            assert _login(client, "viewer", "bad", **{"X-Forwarded-For": f"10.8.0.{n}"}) == 401
        new = {"X-Forwarded-For": "10.8.9.9"}
        assert _login(client, "viewer", password("viewer"), **new) == 429
