"""A plain raw-terminal attach: `ephemera debug --raw-attach` (e.g. for scripts; without the flag
`ephemera debug` opens the TUI on the session, `tui.commands.debug_tui`).

`raw_attach(conn, namespace, pod, container)` puts the terminal in raw mode, wires stdin to the
session, output to stdout and SIGWINCH to resizes, and returns how it ended (`RawAttachEnd`: the
session's final status, and whether the user detached). Ctrl+] detaches (the process keeps running;
re-attach later). `command=`: exec that command instead (a durable debugger's shell, `ephemera debug
--durable --raw-attach`).
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import sys
import termios
import threading
import tty
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.connection import ClusterConnection

DETACH_KEY = b"\x1d"  # Ctrl+]


@dataclass(frozen=True)
class RawAttachEnd:
    """How a raw attach ended: the session's final status, and `detached` when the user left with
    Ctrl+] (the process keeps running) rather than the process ending or the connection dropping."""

    status: SessionStatus
    detached: bool = False


def terminal_is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def raw_attach(conn: ClusterConnection, namespace: str, pod: str, container: str, *,
               tty_mode: bool = True, command: Sequence[str] | None = None) -> RawAttachEnd:
    """Attach in the current terminal until the process ends, the connection drops or Ctrl+]."""
    done = threading.Event()
    out = sys.stdout.buffer

    def on_output(data: bytes) -> None:
        out.write(data)
        out.flush()

    def on_status(status: Any) -> None:
        if status.finished:
            done.set()

    cols, rows = shutil.get_terminal_size((80, 24))
    session = AttachSession(conn, namespace, pod, container, tty=tty_mode, stdin=True,
                            kind="exec" if command else "attach", command=command,
                            on_output=on_output, on_status=on_status, cols=cols, rows=rows)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)

    def on_resize(signum: int, frame: Any) -> None:
        del signum, frame
        size = shutil.get_terminal_size((80, 24))
        session.resize(size.columns, size.lines)

    previous = signal.signal(signal.SIGWINCH, on_resize)
    detached = False
    session.start()
    try:
        tty.setraw(fd)
        while not done.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(fd, 4096)
            if not data:
                break
            if DETACH_KEY in data:
                session.write(data.split(DETACH_KEY, 1)[0])
                detached = not done.is_set()
                break
            session.write(data)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGWINCH, previous)
        session.close()
    return RawAttachEnd(session.status, detached)
