"""The client's address and scheme, believing forwarded headers only from trusted proxies.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are plain request headers: anyone can send
them. They are read only when the connection comes from an address in the configured
``trusted_proxies`` (``SOCIALHUB_TRUSTED_PROXIES`` or ``[hub] trusted_proxies``, none by
default), and then the client is the right-most address of ``X-Forwarded-For`` that is
not itself a trusted proxy (the left part is what the client claimed). Without trusted
proxies the client is the socket's peer. The login rate limits key on this address, so
a forged header can neither reset a counter nor lock out someone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from starlette.requests import Request

Network = IPv4Network | IPv6Network


def parse_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks (``10.0.0.5``, ``10.0.0.0/8``); ValueError names a bad one."""
    out: list[Network] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            out.append(ip_network(value, strict=False))
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {value!r} is not an IP address or network") from exc
    return tuple(out)


def _trusted(host: str, proxies: tuple[Network, ...]) -> bool:
    try:
        addr = ip_address(host)
    except ValueError:
        return False
    return any(addr in net for net in proxies)


def _peer(request: Request) -> str:
    return request.client.host if request.client else ""


def client_ip(request: Request, proxies: tuple[Network, ...]) -> str:
    """The address a rate limit should count: the peer, or the client a trusted proxy names."""
    peer = _peer(request)
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        try:
            addr = ip_address(hop)
        except ValueError:
            return peer  # our proxy writes addresses: garbage here is not a client
        if not any(addr in net for net in proxies):
            return str(addr)
    return hops[0] if hops else peer


def is_https(request: Request, proxies: tuple[Network, ...]) -> bool:
    """Served over https, directly or (per a trusted proxy) in front of it."""
    if request.url.scheme == "https":
        return True
    if not proxies or not _trusted(_peer(request), proxies):
        return False
    proto = request.headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    return proto == "https"
