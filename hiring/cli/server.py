"""Serve the app on every core: gunicorn worker processes (waitress where fork is missing),
with a task-queue worker beside them when the queue is kept in the instance folder.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from hiring import create_app
from hiring.errors import HiringError
from hiring.store import queue
from hiring.store.config import SETTINGS
from hiring.store.db import close_all

STOP_SECONDS = 15  # a task worker gets this long to finish its task at shutdown

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


def server_processes(config: Mapping[str, Any]) -> int:
    """Return how many server processes to run: the setting, or one per core."""
    wanted = int(config.get("WORKERS") or 0)
    if not hasattr(os, "fork"):
        return 1  # waitress: one process, many threads
    return wanted if wanted > 0 else os.cpu_count() or 1


def _child_environment(overrides: Mapping[str, Any]) -> dict[str, str]:
    """The environment that makes a child process see the same settings as ``overrides``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    by_key = {setting.key: setting.env for setting in SETTINGS}
    for key, value in overrides.items():
        if key in by_key:
            env[by_key[key]] = "" if value is None else str(value)
    return env


class QueueWorker:
    """A ``hiring worker`` child process, restarted if it dies, stopped with the server."""

    def __init__(self, overrides: Mapping[str, Any], echo: Callable[[str], None]) -> None:
        self.env = _child_environment(overrides)
        self.owner = os.getpid()  # gunicorn's forked workers unwind through the same code
        self.echo = echo
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._watch, name="queue-worker", daemon=True)

    def start(self) -> None:
        self._spawn()
        self.watcher.start()

    def _spawn(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "hiring", "worker"], env=self.env
        )

    def _watch(self) -> None:
        while not self.stopping.is_set() and self.process is not None:
            code = self.process.wait()
            if code == 0 or self.stopping.wait(2):
                return  # stopped on purpose (Ctrl+C reaches it too), or the server is stopping
            self.echo(f"The task-queue worker stopped (exit code {code}); starting it again.")
            self._spawn()

    def stop(self) -> None:
        if os.getpid() != self.owner:
            return
        self.stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # huey: finish the running tasks, then stop
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _gunicorn(overrides: Mapping[str, Any], host: str, port: int, workers: int, threads: int):
    """Run gunicorn with ``workers`` processes of ``threads`` threads each (blocks)."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "proc_name": "frontline-fit",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 120,
                "graceful_timeout": 10,
            }
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 25+: no socket in ~
                options["control_socket_disable"] = True
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return create_app(dict(overrides))  # in each worker, after the fork

    Application().run()


def _stop_on_sigterm() -> None:
    """Stop on SIGTERM (``kill``, systemd) as on Ctrl+C: waitress returns, and the queue
    worker is stopped with it instead of being left running without its server."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def serve(
    overrides: Mapping[str, Any],
    config: Mapping[str, Any],
    host: str,
    port: int,
    echo: Callable[[str], None],
) -> None:
    """Serve until stopped: gunicorn or waitress, plus a queue worker for an embedded queue."""
    workers = server_processes(config)
    threads = int(config["THREADS"])
    worker = None
    if queue.is_embedded():
        worker = QueueWorker(overrides, echo)
        worker.start()
        echo(f"Task queue: {queue.describe()}, with a worker running beside the server.")
    else:
        echo(f"Task queue: {queue.describe()}; run `hiring worker` to work through it.")
    close_all()  # no connection may cross a fork
    try:
        if workers > 1:
            echo(f"Serving with {workers} processes of {threads} threads (gunicorn).")
            _gunicorn(overrides, host, port, workers, threads)
        else:
            import waitress

            echo(f"Serving with 1 process of {threads} threads (waitress).")
            _stop_on_sigterm()
            try:
                waitress.serve(
                    create_app(dict(overrides)), host=host, port=port, threads=threads,
                    ident="frontline-fit",
                )  # fmt: skip
            except OSError as error:  # the port was taken since the check
                if error.errno in _REASONS:
                    raise _problem(host, port, error) from None
                raise
    finally:
        if worker is not None:
            worker.stop()
