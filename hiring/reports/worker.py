"""Render PDFs in a child process that is killed when it overruns its time limit."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import weakref
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from hiring.reports.errors import ReportError
from hiring.store.plurals import plural

START_TIMEOUT = 120.0


def _serve(conn: Connection) -> None:
    """Answer render requests until told to stop, or until the parent is gone; in the child.

    A parent that was killed closes its end of the pipe: the next receive or send fails, and
    the child then exits quietly instead of printing a traceback over the user's terminal.
    """
    try:
        _answer(conn)
    except (EOFError, OSError, KeyboardInterrupt):  # BrokenPipeError is an OSError
        return


def _answer(conn: Connection) -> None:
    try:
        from hiring.reports.pdf import html_to_pdf
    except OSError as exc:  # WeasyPrint loads Pango at import; say so instead of crashing
        conn.send(("error", f"WeasyPrint cannot load its system libraries: {exc}"))
        return
    conn.send(("ready", b""))
    while True:
        request = conn.recv()
        if request is None:
            return
        html, page_size = request
        try:
            pdf = html_to_pdf(html, page_size)
        except Exception as exc:  # any rendering failure goes back as a message, not a crash
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        else:
            conn.send(("ok", pdf))


_WORKERS: weakref.WeakSet[RenderWorker] = weakref.WeakSet()


def _forget_after_fork() -> None:
    """In a forked copy of this process, every renderer child belongs to the parent."""
    for worker in list(_WORKERS):
        worker._forget()


if hasattr(os, "register_at_fork"):  # a server or test runner that forks after a report
    os.register_at_fork(after_in_child=_forget_after_fork)


class RenderWorker:
    """One reusable child process that turns HTML into PDF under a time limit.

    Keeping the child alive between reports avoids paying WeasyPrint's import on
    every report; a child that overruns is killed and a fresh one started on the
    next request. The 'spawn' context works the same on every platform and never
    inherits the parent's threads or open database connections.
    """

    def __init__(self, start_timeout: float = START_TIMEOUT) -> None:
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        _WORKERS.add(self)

    def _forget(self) -> None:
        """Let go of a child started by the process this one was forked from, and start anew.

        That child is the parent's: this copy may neither ask it to render, stop it nor
        wait for it. Only this copy's end of the pipe is closed.
        """
        conn, self._process, self._conn = self._conn, None, None
        self._lock = threading.Lock()  # a lock held by another thread at the fork stays held
        if conn is not None:
            conn.close()

    def render(self, html: str, page_size: str, timeout: float) -> bytes:
        """Return the PDF for ``html``, or raise ``ReportError`` after ``timeout`` seconds."""
        with self._lock:
            conn = self._start()
            conn.send((html, page_size))
            if not conn.poll(timeout):
                self._stop()
                raise ReportError(
                    f"The report took longer than {plural(float(timeout), 'second')} to render "
                    "and was stopped. "
                    "Try again; if it keeps happening, shorten the notes on this candidate."
                )
            status, payload = self._receive(conn)
        if status != "ok":
            raise ReportError(f"The report could not be rendered ({payload}).")
        return payload

    def close(self) -> None:
        """Stop the child process, if one is running."""
        with self._lock:
            if self._conn is not None and self._process is not None and self._process.is_alive():
                try:
                    self._conn.send(None)
                    self._process.join(5)
                except (OSError, EOFError):
                    pass
            self._stop()

    def kill(self) -> None:
        """Stop the child at once, without waiting for a render in progress (on Ctrl+C)."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def _start(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child,), daemon=True, name="hiring-report-renderer"
        )
        # Ctrl+C reaches every process of the terminal's group; the child is started with
        # SIGINT blocked (the mask survives fork and exec) so that only the parent handles it.
        if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks to inherit
            process.start()
        else:
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self._process, self._conn = process, parent
        if not parent.poll(self.start_timeout):
            self._stop()
            raise ReportError("The report renderer did not start in time. Try again in a minute.")
        status, payload = self._receive(parent)
        if status != "ready":
            self._stop()
            raise ReportError(f"The report renderer could not start ({payload}).")
        return parent

    def _receive(self, conn: Connection) -> tuple[str, bytes | str]:
        try:
            return conn.recv()
        except (EOFError, OSError):
            self._stop()
            raise ReportError("The report renderer stopped unexpectedly. Try again.") from None

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
        if conn is not None:
            conn.close()
