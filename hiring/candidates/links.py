"""Where links to candidates point: the configured public address, never an untrusted Host.

A request's Host header (or a proxy's X-Forwarded-Host) is chosen by whoever sends the
request, so a link built from it could send a candidate to another site. Links use
``HIRING_BASE_URL`` when it is set; without it, only a request to a host named in
``HIRING_ALLOWED_HOSTS`` may lend its own address, and such links are shown to staff to
copy but never e-mailed: e-mail needs the public address set on purpose.
"""

from collections.abc import Mapping
from dataclasses import dataclass

NO_BASE_URL = (
    "the public address of this site (HIRING_BASE_URL) is not set, so no e-mail with a link "
    "was sent"
)


@dataclass(frozen=True)
class LinkBase:
    """The start of candidate links, and whether it was set on purpose (safe to e-mail)."""

    url: str | None
    configured: bool
    problem: str = ""


def host_name(host: str) -> str:
    """Return the host of a ``Host`` header without its port, in lower case."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 address: [::1]:8000
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_hosts(config: Mapping) -> set[str]:
    """Return the host names whose requests may lend their address to links."""
    return {host_name(h) for h in str(config.get("ALLOWED_HOSTS") or "").split(",") if h.strip()}


def link_base(config: Mapping, request_url: str = "", request_host: str = "") -> LinkBase:
    """Return where links start for a request to ``request_url`` with Host ``request_host``."""
    if config.get("BASE_URL"):
        return LinkBase(str(config["BASE_URL"]), configured=True)
    if request_host and host_name(request_host) in allowed_hosts(config):
        return LinkBase(request_url, configured=False)
    shown = request_host[:100] or "an unknown address"
    return LinkBase(
        None,
        configured=False,
        problem=(
            f"This page was reached as {shown}, which is not a known address of this site, "
            "so no link can be made from it. Set HIRING_BASE_URL to the site's public address "
            "(or add the host to HIRING_ALLOWED_HOSTS)."
        ),
    )
