"""The one place that decides a request's client address.

Every rate limit, throttle and network count (sign-in, registration, password reset,
proposing, co-signing and its /24 network, commenting, open-data downloads) calls
`client_ip(request)`; nothing else reads `REMOTE_ADDR` or `X-Forwarded-For`.

Without `settings.TRUSTED_PROXIES` the address is `REMOTE_ADDR`, and `X-Forwarded-For` is
ignored: anyone can write that header. When `REMOTE_ADDR` is one of the trusted proxies
(addresses or CIDR networks), the header is read from the right: each trusted proxy appends the
address it received the request from, so the right-most hop that is not a trusted proxy is the
client; everything to its left was written by the client and is ignored.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDR networks (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`) as networks.

    Raises ImproperlyConfigured naming the first entry that is neither.
    """
    networks = []
    for raw in values:
        value = str(raw).strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an IP address or a CIDR network."
            ) from None
    return tuple(networks)


@functools.lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(value: str) -> Address | None:
    """An address from a header hop: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`, `::1`."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str:
    """The client's address for limits and counts ("" without a request or an address)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer = _address(remote)
    if not networks or peer is None or not _is_trusted(peer, networks):
        return str(peer) if peer is not None else remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    hops = [hop for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # a trusted proxy never writes this: the hop was made up; stop at what we know
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
