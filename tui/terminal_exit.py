"""Leaving the terminal cleanly on every exit path (no Textual here).

* The TUI (`EphemeraApp`) quits on SIGTERM, SIGHUP (the terminal window closed, the SSH connection
  to a bastion dropped) and a SIGINT sent with `kill` as it does on `q`: `install_exit_handlers`
  puts them on the app's event loop, so the driver restores the terminal (normal screen, no mouse
  tracking, no bracketed paste, cursor shown, termios as before) and the CLI prints what stays in
  the cluster. asyncio removes the handlers when `App.run()` closes its loop.
* After a hangup the terminal answers writes with EIO: `hangup_safe_driver` gives Textual's driver
  a `HangupSafeFile`, which drops what cannot be written (Textual's writer thread would die and
  its bounded queue then block the app for good), and `print_best_effort` prints the summary
  without a traceback or a hang.
* Command-line steps (`ephemera debug`'s creation and wait) run under `signals_interrupt()`: there
  SIGTERM and SIGHUP raise `Terminated`, handled as Ctrl+C is (`finally` blocks run, the caller
  says what stays in the cluster); `interrupt_exit_code` is 130 for Ctrl+C, 128+N for signal N.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import IO, Any, TypeVar

__all__ = [
    "CLI_SIGNALS",
    "TUI_SIGNALS",
    "HangupSafeFile",
    "Terminated",
    "hangup_safe_driver",
    "install_exit_handlers",
    "interrupt_exit_code",
    "print_best_effort",
    "signals_interrupt",
]

# In the TUI Ctrl+C is a key (the driver turns ISIG off): a SIGINT only comes from `kill -INT`.
TUI_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
CLI_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGHUP)  # SIGINT: KeyboardInterrupt
# A terminal that is gone (hung up, closed, or its reader gone): nothing more can be written to it.
_GONE = frozenset({errno.EIO, errno.EPIPE, errno.ENXIO, errno.EBADF, errno.ENODEV})

DriverT = TypeVar("DriverT")


class Terminated(BaseException):
    """SIGTERM or SIGHUP during a command-line step run under `signals_interrupt()`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def interrupt_exit_code(stop: BaseException) -> int:
    """130 for Ctrl+C (KeyboardInterrupt), 128+N for signal N (SIGTERM 143, SIGHUP 129)."""
    return 128 + (stop.signum if isinstance(stop, Terminated) else signal.SIGINT)


@contextmanager
def signals_interrupt(signals: tuple[signal.Signals, ...] = CLI_SIGNALS) -> Iterator[None]:
    """Within: each of `signals` raises `Terminated` in the main thread (a no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        del frame
        raise Terminated(signum)

    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def install_exit_handlers(callback: Callable[[int], None],
                          signals: tuple[signal.Signals, ...] = TUI_SIGNALS) -> bool:
    """Call `callback(signum)` on the running loop for each of `signals`. False (nothing installed)
    outside the main thread, where a loop cannot take signals. The loop's close removes them."""
    if threading.current_thread() is not threading.main_thread():
        return False
    loop = asyncio.get_running_loop()
    for sig in signals:
        loop.add_signal_handler(sig, callback, int(sig))
    return True


class HangupSafeFile:
    """A text file whose writes never raise: once the terminal is gone (EIO after a hangup, EPIPE),
    everything is dropped and the file descriptor is pointed at /dev/null, so that nothing (the
    interpreter's final flush included) fails on it again."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.lost = False

    def write(self, text: str) -> int:
        if not self.lost:
            try:
                self._file.write(text)
            except (OSError, ValueError) as exc:
                self._failed(exc)
        return len(text)

    def flush(self) -> None:
        if not self.lost:
            try:
                self._file.flush()
            except (OSError, ValueError) as exc:
                self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, OSError) and exc.errno not in _GONE:
            return  # e.g. EAGAIN: this piece is lost, the terminal is not
        self.lost = True
        _silence(self._file)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return not self.lost and self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _silence(file: IO[str]) -> None:
    """Point `file`'s descriptor at /dev/null and drop what its buffer still holds."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, file.fileno())
        finally:
            os.close(devnull)
        file.flush()  # the buffered rest goes to /dev/null now
    except (OSError, ValueError):
        pass


@cache
def hangup_safe_driver(base: type[DriverT]) -> type[DriverT]:
    """`base` (a Textual driver class) writing through a `HangupSafeFile`."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base.__init__(self, *args, **kwargs)
        file = getattr(self, "_file", None)
        if file is not None and not isinstance(file, HangupSafeFile):
            self._file = HangupSafeFile(file)

    return type(f"HangupSafe{base.__name__}", (base,), {"__init__": __init__, "__doc__": base.__doc__})


def print_best_effort(text: str, file: IO[str] | None = None) -> bool:
    """Print `text` (to stderr by default); on a terminal that is gone: nothing, and False."""
    out = file if file is not None else sys.stderr
    try:
        print(text, file=out, flush=True)
    except (OSError, ValueError):
        _silence(out)
        return False
    return True
