"""Which addresses the hub may fetch: every request of every connector passes here.

A feed item's link, a page's ``rel=next``, a redirect's ``Location`` or a platform's
``paging.next`` is written by someone outside the company. If the hub fetched any of
them blindly, a hostile payload could make it read internal services (cloud metadata at
169.254.169.254, an admin port on 127.0.0.1, the intranet): server-side request forgery
(OWASP SSRF). The rule:

- only ``http``/``https`` (and ``ws``/``wss`` for streams);
- the host must resolve to global unicast addresses only — loopback, private (RFC 1918,
  ULA), link-local, carrier-grade NAT, multicast, reserved and unspecified addresses are
  refused, IPv6 included (IPv4-mapped, 6to4, Teredo and NAT64 forms are unwrapped), and
  so is a name that does not resolve;
- the only exception is an explicit allow-list of exact ``host:port`` pairs, from the
  ``allow`` argument or the ``SOCIALHUB_FETCH_ALLOW`` environment variable
  (comma-separated): an intranet feed an administrator really wants, or a test's local
  server. A configured URL is *not* trusted by itself;
- :class:`GuardedTransport` checks each request where httpx sends it, so each redirect
  hop, robots.txt and every pagination link is checked; no code path can skip it.

The connection itself is opened by :class:`PinnedBackend` to the address that was
checked, so a name that changes its answer between the check and the connection (DNS
rebinding) cannot reach an internal address either. Redirects are followed by httpx,
each hop through the transport. An egress firewall stays the belt to these braces.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from socialhub.connectors.base import BadRequest

Resolver = Callable[[str], list[str]]
ALLOW_ENV = "SOCIALHUB_FETCH_ALLOW"
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
UNIX_REFUSED = "fetch refused: unix sockets are never fetched"


class AddressRefused(BadRequest):
    """The guard refused a URL (a configured one, a link or a redirect hop)."""


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6); [] when it does not."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (embedded IPv4 checked too)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner: ipaddress.IPv4Address | None = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip.teredo is not None:
            inner = ip.teredo[1]
        if inner is None and ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and not (inner.is_global and not inner.is_multicast):
            return False
    return ip.is_global and not ip.is_multicast


def host_port(url: str) -> tuple[str, int] | None:
    """Lower-case host (no trailing dot) and effective port, or None when unusable."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        return None
    return (host, port) if host else None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _pairs(entries: Iterable[str]) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        host, sep, port = entry.rpartition(":")
        if sep and port.isdigit():
            out.add((host.strip("[]").lower().rstrip("."), int(port)))
    return out


class LinkGuard:
    """Decides whether a URL may be fetched.

    Parameters
    ----------
    allow
        Exact ``host:port`` pairs fetched whatever they resolve to (an intranet feed, a
        test's local server). ``SOCIALHUB_FETCH_ALLOW`` adds to it at each check.
    resolver
        Host -> addresses (tests give a fixed table; default: the system resolver).
    env
        Where ``SOCIALHUB_FETCH_ALLOW`` is read (default: the process environment).

    Examples
    --------
    >>> guard = LinkGuard(["feeds.example:443"], resolver=lambda h: ["10.0.0.5"], env={})
    >>> guard.refusal("https://feeds.example/a") is None
    True
    >>> guard.refusal("http://feeds.example/a")  # port 80 is not on the list
    'feeds.example resolves to a non-public address (10.0.0.5)'
    >>> guard.refusal("file:///etc/passwd")
    'not an http(s) link'
    """

    def __init__(
        self,
        allow: Iterable[str] = (),
        resolver: Resolver = resolve,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.allow = _pairs(allow)
        self.resolver = resolver
        self.env = os.environ if env is None else env

    def allowed(self, host: str, port: int) -> bool:
        if (host, port) in self.allow:
            return True
        return (host, port) in _pairs(self.env.get(ALLOW_ENV, "").split(","))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` must not be fetched, or None when it may be (blocking: resolves)."""
        try:
            scheme = urlsplit(url).scheme
        except ValueError:
            return "not a valid link"
        if scheme not in DEFAULT_PORTS:
            return "not an http(s) link"
        hp = host_port(url)
        if hp is None:
            return "no host in the link" if scheme else "not a valid link"
        host, port = hp
        if self.allowed(host, port):
            return None
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            addresses = self.resolver(host)
        if not addresses:
            return f"{host} does not resolve"
        private = [a for a in addresses if not is_public(a)]
        if private:
            return f"{host} resolves to a non-public address ({private[0]})"
        return None

    async def arefusal(self, url: str) -> str | None:
        """:meth:`refusal` without blocking the event loop on DNS."""
        hp = host_port(url)
        if hp is None or self.allowed(*hp) or _is_literal(hp[0]):
            return self.refusal(url)  # nothing to resolve: no thread hop
        return await asyncio.to_thread(self.refusal, url)

    def pinned(self, host: str, port: int) -> str:
        """The address to connect to for ``host:port``, checked; AddressRefused if none.

        Blocking (it resolves): the synchronous backend calls it directly, the
        asynchronous one in a thread (:meth:`pinned_address`).
        """
        name = host.strip("[]").lower().rstrip(".")
        if self.allowed(name, port):
            return host
        addresses = [name] if _is_literal(name) else self.resolver(name)
        if not addresses:
            raise AddressRefused(f"fetch refused: {name} does not resolve")
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise AddressRefused(
                f"fetch refused: {name} resolves to a non-public address ({private[0]})"
            )
        return sorted(addresses, key=lambda a: ":" in a)[0]  # IPv4 first

    async def pinned_address(self, host: str, port: int) -> str:
        """:meth:`pinned` without blocking the event loop on DNS."""
        name = host.strip("[]").lower().rstrip(".")
        if self.allowed(name, port) or _is_literal(name):
            return self.pinned(host, port)  # nothing to resolve: no thread hop
        return await asyncio.to_thread(self.pinned, host, port)

    async def check(self, url: str, what: str = "") -> None:
        """Raise :class:`AddressRefused` naming the URL and the reason."""
        _raise_refusal(url, await self.arefusal(url), what)

    def ensure(self, url: str, what: str = "") -> None:
        """:meth:`check` for synchronous callers (blocking: resolves)."""
        _raise_refusal(url, self.refusal(url), what)


def _raise_refusal(url: str, reason: str | None, what: str) -> None:
    if reason:
        raise AddressRefused(f"{what or 'fetch'} refused: {url[:200]}: {reason}")


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the very address the guard checked (no second DNS lookup).

    The transport checks each URL; this checks again where the socket is opened and
    connects to the checked IP, so a name that answers a public address to the check and
    a private one to the connection (DNS rebinding) cannot slip through. TLS still
    verifies the original host name (httpcore passes it as SNI).
    """

    def __init__(self, guard: LinkGuard, inner: httpcore.AsyncNetworkBackend) -> None:
        self.guard = guard
        self.inner = inner

    async def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        address = await self.guard.pinned_address(host, port)
        return await self.inner.connect_tcp(address, port, *args, **kwargs)

    async def connect_unix_socket(self, path: str, *args: Any, **kwargs: Any) -> Any:
        raise AddressRefused(UNIX_REFUSED)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class SyncPinnedBackend(httpcore.NetworkBackend):
    """:class:`PinnedBackend` for synchronous clients (the publishers, webhooks, the TSA)."""

    def __init__(self, guard: LinkGuard, inner: httpcore.NetworkBackend) -> None:
        self.guard = guard
        self.inner = inner

    def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.NetworkStream:
        return self.inner.connect_tcp(self.guard.pinned(host, port), port, *args, **kwargs)

    def connect_unix_socket(self, path: str, *args: Any, **kwargs: Any) -> Any:
        raise AddressRefused(UNIX_REFUSED)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _pin(
    transport: Any, backend: type[PinnedBackend] | type[SyncPinnedBackend], guard: LinkGuard
) -> Any:
    pool = transport._pool  # httpx exposes no network_backend option: set it on its pool
    pool._network_backend = backend(guard, pool._network_backend)
    return transport


def pinned_http_transport(guard: LinkGuard) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, its connections opened through :class:`PinnedBackend`."""
    return _pin(httpx.AsyncHTTPTransport(), PinnedBackend, guard)


def pinned_sync_transport(guard: LinkGuard) -> httpx.HTTPTransport:
    """The synchronous twin: connections opened through :class:`SyncPinnedBackend`."""
    return _pin(httpx.HTTPTransport(), SyncPinnedBackend, guard)


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that refuses any request the guard refuses, hop by hop, and
    connects only to the addresses it checked (:class:`PinnedBackend`)."""

    def __init__(
        self, guard: LinkGuard | None = None, inner: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.guard = guard or LinkGuard()
        self.inner = inner or pinned_http_transport(self.guard)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.guard.check(str(request.url))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def guarded_client(
    guard: LinkGuard | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose every request (each redirect hop) passes the guard.

    Redirects are followed by httpx at most 5 times, each hop through the transport.
    """
    kwargs.setdefault("max_redirects", 5)
    return httpx.AsyncClient(transport=GuardedTransport(guard, transport), **kwargs)


class SyncGuardedTransport(httpx.BaseTransport):
    """:class:`GuardedTransport` for ``httpx.Client``: each request (each redirect hop)
    checked by the guard, each connection opened to the checked address."""

    def __init__(
        self, guard: LinkGuard | None = None, inner: httpx.BaseTransport | None = None
    ) -> None:
        self.guard = guard or LinkGuard()
        self.inner = inner or pinned_sync_transport(self.guard)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.guard.ensure(str(request.url))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def guarded_sync_client(
    guard: LinkGuard | None = None,
    transport: httpx.BaseTransport | None = None,
    **kwargs: Any,
) -> httpx.Client:
    """An ``httpx.Client`` whose every request passes the guard (see :func:`guarded_client`).

    ``trust_env`` is off unless asked: a proxy from the environment would connect
    instead of the pinned address.
    """
    kwargs.setdefault("max_redirects", 5)
    kwargs.setdefault("trust_env", False)
    return httpx.Client(transport=SyncGuardedTransport(guard, transport), **kwargs)
