"""Serve an app with waitress, checking first that the address can be listened on."""

import errno
import socket

from flask import Flask

from hiring.errors import HiringError

_REASONS = {
    errno.EADDRINUSE: "it is already in use, perhaps by another `hiring serve` or `hiring demo`",
    errno.EACCES: "ports below 1024 need administrator rights",
    errno.EADDRNOTAVAIL: "that address does not belong to this machine",
}


class AddressUnavailable(HiringError):
    """The server cannot listen on the address and port asked for."""


def _problem(host: str, port: int, error: OSError) -> AddressUnavailable:
    reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
    return AddressUnavailable(
        f"Cannot listen on {host}:{port}: {reason}. Stop what uses it or choose another --port."
    )


def check_port_free(host: str, port: int) -> None:
    """Bind ``host``:``port`` for a moment, as the server will; raise if that fails."""
    if not 0 < port < 65536:
        raise AddressUnavailable(f"Port {port} is not a port number (1 to 65535).")
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise AddressUnavailable(
            f"Cannot listen on {host}:{port}: unknown address ({error.strerror})."
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        try:
            probe.bind(address)
        except OSError as error:
            raise _problem(host, port, error) from None


def serve_app(app: Flask, host: str, port: int) -> None:
    """Run ``app`` on waitress until stopped; a port taken since the check is one line too."""
    import waitress

    try:
        waitress.serve(
            app, host=host, port=port, threads=app.config["THREADS"], ident="frontline-fit"
        )
    except OSError as error:
        if error.errno in _REASONS:
            raise _problem(host, port, error) from None
        raise
