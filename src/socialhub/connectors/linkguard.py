"""Which addresses a link found *in collected content* may make the hub fetch.

A feed item's link, a post's URL or a redirect is written by whoever published it. If
the hub fetched any of them blindly, a hostile item could make it read internal
services (cloud metadata at 169.254.169.254, an admin port on 127.0.0.1, the company's
intranet): server-side request forgery (OWASP SSRF). The rule here:

- only ``http`` and ``https``;
- a link to a host an administrator configured (the feed's own host) is allowed;
- any other host must resolve to global addresses only — loopback, private (RFC 1918,
  ULA), link-local, carrier-grade NAT, multicast, reserved and unspecified addresses
  are refused, and so is a host that does not resolve;
- each redirect hop is checked again (the caller follows redirects itself).

Resolution happens just before the request, so a name that changes its answer between
the check and the connection (DNS rebinding) is not covered; an egress firewall is the
complete answer and docs/connectors.md says so.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6); [] when it does not."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class LinkGuard:
    """Decides whether an untrusted link may be fetched.

    Parameters
    ----------
    trusted_hosts
        Host names an administrator configured (compared case-insensitively): links to
        them are allowed whatever they resolve to.
    resolver
        Host -> addresses (tests give a fixed table; default: the system resolver).

    Examples
    --------
    >>> guard = LinkGuard(["feeds.example"], resolver=lambda h: ["10.0.0.5"])
    >>> guard.refusal("http://feeds.example/a") is None
    True
    >>> guard.refusal("http://intranet.example/")
    'intranet.example resolves to a non-public address (10.0.0.5)'
    >>> guard.refusal("file:///etc/passwd")
    'not an http(s) link'
    """

    def __init__(self, trusted_hosts: Iterable[str] = (), resolver: Resolver = resolve) -> None:
        self.trusted = {h.lower().rstrip(".") for h in trusted_hosts if h}
        self.resolver = resolver

    def trust(self, url: str) -> None:
        """Trust the host of a URL an administrator configured."""
        host = _host(url)
        if host:
            self.trusted.add(host)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` must not be fetched, or None when it may be (blocking: resolves)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return "not a valid link"
        if parts.scheme not in ("http", "https"):
            return "not an http(s) link"
        host = _host(url)
        if not host:
            return "no host in the link"
        if host in self.trusted:
            return None
        addresses = self.resolver(host)
        if not addresses:
            return f"{host} does not resolve"
        private = [a for a in addresses if not is_public(a)]
        if private:
            return f"{host} resolves to a non-public address ({private[0]})"
        return None

    async def arefusal(self, url: str) -> str | None:
        """:meth:`refusal` without blocking the event loop on DNS."""
        return await asyncio.to_thread(self.refusal, url)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")
