"""`ephemera debug --raw-attach` in a real pseudo-terminal: create, wait, attach in the plain
terminal, use the shell, exit; and the reuse offer on a terminal. (Without --raw-attach the TUI
opens on the session: tests/functional/test_debug_command_tui.py.)"""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from collections.abc import Callable

from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"


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


def test_attach_in_the_terminal_and_use_the_shell(demo_cluster: DemoCluster) -> None:
    term = Terminal("--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "--target=app", "-c", "live",
                    "--raw-attach")
    term.read_until(lambda out: b"/ # " in out)
    assert b"container live is running in pod default/" + SLIM.encode() in term.output
    term.type("ps\r")
    term.read_until(lambda out: b"http.server" in out)
    term.type("exit\r")
    assert term.wait() == 0
    assert f"resume with `kubectl attach {SLIM} -c live -n default -i -t`".encode() in term.output


def test_reuse_offer_on_a_terminal(demo_cluster: DemoCluster) -> None:
    kubeconfig = str(demo_cluster.kubeconfig_path)
    first = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "-c", "keep", "--no-attach")
    assert first.wait(15) == 0
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "--raw-attach")
    term.read_until(lambda out: b"[Y/n]" in out)
    assert b"debug container 'keep' of the same image and mode is running" in term.output
    term.type("\r")
    term.read_until(lambda out: b"/ # " in out)
    assert b"container keep is running" in term.output
    term.type("\x1d")  # Ctrl+] detaches
    assert term.wait() == 0
