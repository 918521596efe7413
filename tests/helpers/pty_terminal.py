"""`ephemera ...` run in a real pseudo-terminal (pty.fork): read what it prints, type into it."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from collections.abc import Callable

from helpers import WAIT_SECONDS


class Terminal:
    """`ephemera ...` in a pty: read what it prints, type into it."""

    def __init__(self, *argv: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            # as a user's shell starts it: SIGINT and SIGHUP at their defaults, no signal blocked
            # (the fork inherits the test worker's: an ignored or blocked SIGINT survives exec)
            for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.execv(sys.executable, [sys.executable, "-m", "tui.cli", *argv])
        self.output = b""

    def read_until(self, predicate: Callable[[bytes], bool], timeout: float = WAIT_SECONDS) -> bytes:
        deadline = time.monotonic() + timeout
        while not predicate(self.output):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited for output; got {self.output.decode(errors='replace')!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    break
        return self.output

    def drain(self, seconds: float = 0.05) -> None:
        """Read whatever arrives within `seconds`."""
        while True:
            ready, _, _ = select.select([self.fd], [], [], seconds)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, timeout: float = WAIT_SECONDS) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.drain()
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.02)
        threads = _thread_states(self.pid)
        os.kill(self.pid, 9)
        tail = self.output.decode(errors="replace")[-1500:]
        raise TimeoutError(f"ephemera did not exit within {timeout}s; threads: {threads}; its output ended: {tail!r}")


def _thread_states(pid: int) -> str:
    """Each thread's name, state and kernel wait channel (why a process did not exit)."""
    states = []
    try:
        status = open(f"/proc/{pid}/status").read().splitlines()
        states += [line.replace("\t", " ") for line in status if line.startswith(("SigBlk", "SigIgn", "SigCgt"))]
        for task in sorted(os.listdir(f"/proc/{pid}/task")):
            stat = open(f"/proc/{pid}/task/{task}/stat").read()
            name, rest = stat.split("(", 1)[1].rsplit(")", 1)
            try:
                wchan = open(f"/proc/{pid}/task/{task}/wchan").read()
            except OSError:
                wchan = "?"
            states.append(f"{name}:{rest.split()[0]}:{wchan}")
    except OSError as exc:
        return f"unknown ({exc})"
    return ", ".join(states)
