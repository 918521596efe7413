"""A Static-like widget that repaints only the cells whose content changed.

`Static.update` repaints the whole widget and lays the screen out again: the inspector's clock
(an event's "63m" becoming "64m") rewrote its every line, and the scrollbar beside it, several
times a minute on an idle screen. `QuietStatic.update` compares the new rendering with the one
on screen, line by line, and marks dirty only the span of each line that differs; a layout only
when the number of lines changes. What it rendered to compare is what Textual then shows (the
segments are replayed, not rendered again for the screen and again for the height).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.widget import Widget

Cells = tuple[tuple[str, Style | None], ...]


def line_cells(segments: list[Segment]) -> Cells:
    """One (character, style) per cell; a wide character's second cell is ("", style)."""
    cells: list[tuple[str, Style | None]] = []
    for text, style, control in segments:
        if control:
            continue
        for char in text:
            cells.append((char, style))
            if cell_len(char) == 2:
                cells.append(("", style))
    return tuple(cells)


def changed_span(old: Cells, new: Cells) -> tuple[int, int] | None:
    """The first and one-past-the-last cell where two lines differ (None: equal)."""
    if old == new:
        return None
    end = max(len(old), len(new))
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    stop_old, stop_new = len(old), len(new)
    while stop_old > start and stop_new > start and old[stop_old - 1] == new[stop_new - 1]:
        stop_old -= 1
        stop_new -= 1
    if len(old) != len(new):
        return start, end
    return start, max(stop_old, stop_new)


@dataclass(frozen=True, eq=False)
class Rendering:
    """A renderable rendered at one width: its segments as Rich gave them, and its cells per line."""

    width: int
    segments: list[Segment]
    lines: list[Cells]


class _Replay:
    """The renderable for Textual: the segments already rendered at that width, else a new render."""

    def __init__(self, renderable: RenderableType, rendering: Rendering | None) -> None:
        self.renderable = renderable
        self.rendering = rendering

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        rendering = self.rendering
        if rendering is not None and options.max_width == rendering.width:
            yield from rendering.segments
        else:
            yield from console.render(self.renderable, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class QuietStatic(Widget):
    """Shows one Rich renderable, `height: auto`; `update` repaints only what changed."""

    DEFAULT_CSS = """
    QuietStatic {
        height: auto;
    }
    """

    def __init__(self, renderable: RenderableType, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable = renderable
        self._rendering: Rendering | None = None  # what is on screen, once rendered here
        self.repainted_regions = 0  # dirty regions marked by `update` (for tests)

    def render(self) -> RenderableType:
        return _Replay(self._renderable, self._rendering)

    def render_at_width(self, renderable: RenderableType) -> Rendering:
        """`renderable` rendered at this widget's content width, as Textual will show it."""
        app = self.app
        width = max(1, self.content_region.width)
        options = app.console_options.update(highlight=False, width=width, height=None)
        segments = list(app.console.render(renderable, options))
        lines = [line_cells(line) for line in Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)]
        return Rendering(width, segments, lines)

    def shows(self, rendering: Rendering) -> bool:
        """Whether `rendering` is what is on screen already (same width, same cells)."""
        shown = self._rendering
        return shown is not None and shown.width == rendering.width == self.content_region.width and shown.lines == rendering.lines

    def update(self, renderable: RenderableType, rendering: Rendering | None = None) -> None:
        """Show `renderable` (`rendering`: its `render_at_width`, when the caller has it already)."""
        self._renderable = renderable
        old = self._rendering
        if not self.is_mounted or self.content_region.width <= 0:
            self._rendering = None
            self.refresh(layout=True)
            return
        new = rendering if rendering is not None else self.render_at_width(renderable)
        self._rendering = new
        if old is None or old.width != new.width or len(old.lines) != len(new.lines):
            self.refresh(layout=True)
            return
        regions = []
        for y, (before, after) in enumerate(zip(old.lines, new.lines, strict=True)):
            span = changed_span(before, after)
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self.repainted_regions += len(regions)
            self.refresh(*regions)
