"""Where a webhook may be sent: http(s) URLs whose host is a public address.

A subscriber's URL is typed by an admin, but its host name resolves to whatever its DNS says,
so a URL could make this server call a service on its own machine or private network (the
cloud metadata service at 169.254.169.254, an admin port on 127.0.0.1). Every address the
name resolves to is checked at subscription and again before each delivery; loopback,
link-local, private, multicast, reserved and unspecified addresses are refused unless
``HIRING_WEBHOOK_ALLOW_PRIVATE`` is set (tests, or a receiver inside your own network).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from hiring.errors import HiringError

MAX_URL = 2000


class AddressError(HiringError):
    """A webhook URL that may not be called."""


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )  # fmt: skip


def check_url(url: str, *, allow_private: bool) -> str:
    """Return ``url`` if a webhook may be sent to it; raise :class:`AddressError` if not."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressError("A webhook URL must be an http:// or https:// address with a host.")
    if parts.username or parts.password:
        raise AddressError("A webhook URL may not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:
        raise AddressError(f"The host {parts.hostname!r} cannot be resolved ({error}).") from None
    blocked = sorted({info[4][0] for info in infos if _blocked(info[4][0])})
    if blocked and not allow_private:
        raise AddressError(
            f"{parts.hostname} resolves to a loopback, link-local or private address "
            f"({', '.join(blocked)}); webhooks go only to public addresses unless "
            "HIRING_WEBHOOK_ALLOW_PRIVATE is set."
        )
    return url
