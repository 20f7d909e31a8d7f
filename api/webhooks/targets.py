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


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
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
