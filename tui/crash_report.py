"""How a crash is reported on the terminal (Textual's `App._fatal_error` / `_print_error_renderables`
as EphemeraApp overrides them).

Textual prints an unhandled exception's traceback through a Rich console on `sys.stderr`, with
every frame's local variables. Both are wrong here: the command line wraps `sys.stderr` in its
sanitiser (`tui.cli_output.VisibleWriter`), so Rich's own colour codes came out as `␛[31m...`;
and the locals hold tokens, kubeconfig users and whole pod specs. So: no locals; each line of the
report made visible (`tui.display_text.visible`: an exception message may quote cluster text) and
redacted (`tui.redaction.redact_text`); and printed on the stream the wrapper wraps, so only
Rich's own styling reaches the terminal as escape sequences.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import rich
from rich.console import Console, RenderableType
from rich.segment import Segment, Segments
from rich.traceback import Traceback

from tui.cli_output import VisibleWriter
from tui.display_text import visible
from tui.redaction import redact_text

__all__ = ["crash_traceback", "on_real_stderr", "safe_renderable"]


def crash_traceback(console: Console) -> Segments:
    """The current exception's traceback, rendered, without local variables, made safe."""
    traceback = Traceback(show_locals=False, width=None, suppress=[rich])
    return safe_segments(console.render(traceback, console.options))


def safe_segments(segments: Any) -> Segments:
    """`segments` without control segments, each line's text made visible and redacted (a line
    that changed is kept as one segment, in its first segment's style)."""
    out: list[Segment] = []
    for line in Segment.split_lines(segment for segment in segments if not segment.control):
        text = "".join(segment.text for segment in line)
        cleaned = redact_text(visible(text))
        if cleaned == text:
            out.extend(line)
        else:
            out.append(Segment(cleaned, line[0].style if line else None))
        out.append(Segment.line())
    return Segments(out)


def safe_renderable(renderable: RenderableType, console: Console) -> RenderableType:
    """An exit renderable (a pre-rendered `Segments`, or anything Rich renders) made safe."""
    if isinstance(renderable, Segments):
        return safe_segments(renderable.segments)
    return safe_segments(console.render(renderable, console.options))


@contextmanager
def on_real_stderr(console: Console) -> Iterator[None]:
    """`console` (Textual's error console, which writes to whatever `sys.stderr` is) writes to the
    stream the command line's sanitiser wraps, for the duration; its colours are then colours."""
    stream = sys.stderr
    if not isinstance(stream, VisibleWriter):
        yield
        return
    console.file = stream.wrapped
    try:
        yield
    finally:
        console.file = None  # type: ignore[assignment]  # back to "whatever sys.stderr is"
