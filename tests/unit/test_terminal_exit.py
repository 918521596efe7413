"""Leaving the terminal on every exit path: a terminal that is gone never raises nor blocks, and
SIGTERM / SIGHUP unwind command-line steps as Ctrl+C does (tui/terminal_exit.py)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import TextIO

import pytest
from textual.drivers._writer_thread import WriterThread

from tui.terminal_exit import (
    HangupSafeFile,
    Terminated,
    interrupt_exit_code,
    print_best_effort,
    signals_interrupt,
)


@pytest.fixture()
def dead_terminal() -> Iterator[TextIO]:
    """A text file whose reader has gone: every write fails with EPIPE (as EIO after a hangup)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    file = os.fdopen(write_end, "w", buffering=1)
    try:
        yield file
    finally:
        try:
            file.close()
        except OSError:
            pass


def test_textuals_writer_keeps_draining_into_a_dead_terminal(dead_terminal: TextIO) -> None:
    """Without the wrapper the writer thread dies on the first EPIPE and, 30 frames later, the
    app blocks for good on its full queue (no signal handler can run any more)."""
    safe = HangupSafeFile(dead_terminal)
    writer = WriterThread(safe)  # type: ignore[arg-type]
    writer.start()
    for frame in range(200):
        writer.write(f"\x1b[H frame {frame}\n")
    writer.stop()  # returns: everything was taken off the queue
    assert not writer.is_alive()
    assert safe.lost and not safe.isatty()


def test_print_best_effort_on_a_dead_terminal_is_quiet(dead_terminal: TextIO) -> None:
    assert print_best_effort("ephemera: still running in the cluster", dead_terminal) is False
    assert print_best_effort("again", dead_terminal) is True  # now /dev/null


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_signals_unwind_a_command_line_step(signum: signal.Signals, code: int) -> None:
    before = signal.getsignal(signum)
    reached_finally = False
    with pytest.raises(Terminated) as caught, signals_interrupt():
        try:
            signal.pthread_kill(threading.get_ident(), signum)  # runs the handler before returning
        finally:
            reached_finally = True
    assert reached_finally
    assert caught.value.signum == signum and str(caught.value) == signum.name
    assert interrupt_exit_code(caught.value) == code
    assert signal.getsignal(signum) == before  # the previous handler is back


def test_ctrl_c_exits_130() -> None:
    assert interrupt_exit_code(KeyboardInterrupt()) == 130
