"""`ephemera ...` run in a real pseudo-terminal (pty.fork): read what it prints, type into it."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from collections.abc import Callable


class Terminal:
    """`ephemera ...` in a pty: read what it prints, type into it."""

    def __init__(self, *argv: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execv(sys.executable, [sys.executable, "-m", "tui.cli", *argv])
        self.output = b""

    def read_until(self, predicate: Callable[[bytes], bool], timeout: float = 15.0) -> bytes:
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

    def wait(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.drain()
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.02)
        os.kill(self.pid, 9)
        raise TimeoutError("ephemera did not exit")
