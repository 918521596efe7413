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
from rich.traceback import Trace, Traceback

from tui.cli_output import VisibleWriter
from tui.display_text import visible
from tui.redaction import redact_text

__all__ = ["crash_traceback", "on_real_stderr", "safe_renderable"]


def crash_traceback(console: Console) -> Segments:
    """The current exception's traceback, rendered, without local variables, made safe. The
    exception messages (and notes) are made visible and redacted before Rich wraps them at the
    console's width: a token cut at the end of a line is no longer recognisable as one on the next."""
    exc_type, exc_value, tb = sys.exc_info()
    if exc_type is None or exc_value is None:
        return Segments([])
    trace = Traceback.extract(exc_type, exc_value, tb, show_locals=False)
    _redact_trace(trace)
    traceback = Traceback(trace, show_locals=False, width=None, suppress=[rich])
    return safe_segments(console.render(traceback, console.options))


def _safe(text: str) -> str:
    return redact_text(visible(text))


def _redact_trace(trace: Trace) -> None:
    """Every message of `trace` (each chained exception's, an exception group's members', their
    notes, a syntax error's) made visible and redacted, in place."""
    pending = [trace]
    while pending:
        for stack in pending.pop().stacks:
            stack.exc_value = _safe(stack.exc_value)
            stack.notes = [_safe(note) for note in stack.notes]
            if stack.syntax_error is not None:
                stack.syntax_error.msg = _safe(stack.syntax_error.msg)
                stack.syntax_error.line = _safe(stack.syntax_error.line)
                stack.syntax_error.notes = [_safe(note) for note in stack.syntax_error.notes]
            pending.extend(stack.exceptions)


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
