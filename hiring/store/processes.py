"""Tell whether the worker process that claimed a job (by host and process id) still runs."""

import os
import socket


def pid_alive(pid: int) -> bool:
    """Say whether a process with ``pid`` exists (POSIX; elsewhere assume it does)."""
    if os.name != "posix":
        return True  # signal 0 means CTRL_C_EVENT on Windows: never send it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_is_live(host: str | None, pid: int | None) -> bool:
    """Say whether the claimant may still be at work: True unless it is provably gone.

    A process on another machine (a worker on Redis) cannot be checked from here, so it is
    trusted; callers bound how long with a time limit of their own.
    """
    if pid is None or host != socket.gethostname():
        return True
    return pid_alive(pid)
