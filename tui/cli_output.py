"""What the command line prints goes through the one sanitiser (`tui.display_text.visible`).

`ephemera debug`, `ephemera cleanup` and the exit summary print pod names, images, kubelet
messages and server answers on the user's own terminal: an escape sequence in any of them would
reach it (OSC 52 rewrites the clipboard, OSC 0 renames the window). `install()` wraps
`sys.stdout` and `sys.stderr` so that every text write (print, argparse's errors, warnings) has its
control characters made visible; tabs and newlines pass. Textual draws on `sys.__stderr__` and is
not affected; `.buffer` stays the raw byte stream for the one place that must write a container's
own bytes (`--raw-attach`, a terminal attach like `kubectl attach`).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any, TextIO

from tui.visible_text import visible, visible_line


class VisibleWriter:
    """A text stream whose writes are made visible; everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def wrapped(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def rewrite_line(text: str, stream: Any = None) -> None:
    """Go back to the start of the terminal's line (a carriage return of ours) and write `text`
    there, made visible as one line: a progress line rewritten in place. Written to the stream
    `VisibleWriter` wraps (stderr by default), which would show the carriage return as ␍."""
    stream = stream if stream is not None else sys.stderr
    raw = stream.wrapped if isinstance(stream, VisibleWriter) else stream
    raw.write("\r" + visible_line(text))
    raw.flush()


def install() -> None:
    """Wrap `sys.stdout` and `sys.stderr` (once; a stream that is None, as under pythonw, stays)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, VisibleWriter):
            setattr(sys, name, VisibleWriter(stream))


def terminal_columns(stream: Any = None) -> int | None:
    """The width to wrap prose at: the terminal's columns when `stream` (stdout by default) is a
    terminal; None for a pipe or a file, whose readers (grep, a log) want whole lines."""
    stream = stream if stream is not None else sys.stdout
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return max(shutil.get_terminal_size((80, 24)).columns, 20)


def wrap(text: str, indent: int = 0, *, first: str = "", width: int | None = None) -> str:
    """`first` then `text`, wrapped at `width` (None: not wrapped) with the following lines indented
    by `indent` columns, so a long line stays readable in a narrow terminal."""
    if width is None or len(first) + len(text) <= width:
        return first + text
    return textwrap.fill(text, width=width, initial_indent=first, subsequent_indent=" " * indent,
                         break_on_hyphens=False, break_long_words=False)
