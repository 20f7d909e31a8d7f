"""Where webhooks may go: http(s) URLs whose host resolves only to public addresses.

Checked when an endpoint is registered and again before each delivery, and the connection
then goes to an address that was checked (a DNS answer that changes in between, DNS rebinding,
cannot point a delivery at the internal network).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may never receive webhooks (scheme, shape or a non-public address)."""


class TargetUnresolved(OSError):
    """The host name did not resolve (now): worth trying again later."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


# IPv6 ranges that carry an IPv4 address in their low 32 bits: IPv4-compatible (::/96),
# IPv4-mapped (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96) and well-known NAT64
# (64:ff9b::/96). A gateway or the kernel may turn them into a packet to that IPv4 address.
_LOW_32_EMBEDDINGS = tuple(
    ipaddress.IPv6Network(prefix)
    for prefix in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
# Local-use NAT64 (RFC 8215) puts the IPv4 address where the operator's prefix length says,
# which we cannot know; it is never a global destination, so it is refused whole.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address that `address` may be translated or tunnelled to.

    6to4 (2002::/16) carries one in bits 16-48; Teredo (2001::/32) carries the server and the
    client (stored inverted, which `ipaddress` undoes); the ranges above carry it at the end.
    """
    found: list[ipaddress.IPv4Address] = []
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in network for network in _LOW_32_EMBEDDINGS):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _is_public_one(address: IPAddress) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
    )


def is_public(address: IPAddress) -> bool:
    """Whether a webhook may go to `address`, and to every IPv4 address it embeds.

    The interpreter's tables for the IPv6 ranges differ between Python releases (3.11 counts
    2002::/16 as global whatever it embeds), so the embedded IPv4 addresses are checked too.
    """
    if isinstance(address, ipaddress.IPv4Address):
        return _is_public_one(address)
    if address in _LOCAL_NAT64:
        return False
    return _is_public_one(address) and all(
        _is_public_one(inner) for inner in embedded_ipv4(address)
    )


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Put no credentials in the URL; verify the signature instead.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise TargetRefused("The port is not a number between 0 and 65535.") from None
    if not host:
        raise TargetRefused("The URL names no host.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def check(url: str, *, allow_private: bool) -> Target:
    """The URL's target with its checked addresses; raises TargetRefused or TargetUnresolved."""
    scheme, host, port, path = _split(url)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetUnresolved(f"{host} does not resolve: {error}") from None
    addresses = list(dict.fromkeys(str(answer[4][0]).split("%")[0] for answer in answers))
    if not allow_private:
        refused = [a for a in addresses if not is_public(ipaddress.ip_address(a))]
        if refused:
            raise TargetRefused(
                f"{host} resolves to {', '.join(refused)}: loopback, private, link-local, "
                "multicast and reserved addresses cannot receive webhooks."
            )
    return Target(scheme, host, port, path, tuple(addresses))
