"""A Static-like widget that repaints only the cells whose content changed.

`Static.update` repaints the whole widget and lays the screen out again: the inspector's clock
(an event's "63m" becoming "64m") rewrote its every line, and the scrollbar beside it, several
times a minute on an idle screen. `QuietStatic.update` compares the new rendering with the one
on screen, line by line, and marks dirty only the span of each line that differs; a layout only
when the number of lines changes.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import RenderableType
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
        self._lines: list[Cells] | None = None  # the renderable on screen, as cells per line
        self._lines_width = -1  # the width those lines were rendered at
        self.repainted_regions = 0  # dirty regions marked by `update` (for tests)

    def render(self) -> RenderableType:
        return self._renderable

    def lines_of(self, renderable: RenderableType) -> list[Cells]:
        """`renderable` as cells per line at this widget's content width."""
        console = self.app.console
        width = max(1, self.content_region.width)
        options = console.options.update(width=width, highlight=False, height=None)
        return [line_cells(line) for line in console.render_lines(renderable, options, pad=False)]

    @property
    def shown_lines(self) -> list[Cells] | None:
        """The lines on screen (None: not compared yet, or rendered at another width)."""
        return self._lines if self._lines_width == self.content_region.width else None

    def update(self, renderable: RenderableType, lines: list[Cells] | None = None) -> None:
        """Show `renderable` (`lines`: its `lines_of`, when the caller has them already)."""
        self._renderable = renderable
        old = self.shown_lines
        if not self.is_mounted or self.content_region.width <= 0:
            self._lines, self._lines_width = None, -1
            self.refresh(layout=True)
            return
        new = lines if lines is not None else self.lines_of(renderable)
        self._lines, self._lines_width = new, self.content_region.width
        if old is None or len(old) != len(new):
            self.refresh(layout=True)
            return
        regions = []
        for y, (before, after) in enumerate(zip(old, new, strict=True)):
            span = changed_span(before, after)
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self.repainted_regions += len(regions)
            self.refresh(*regions)
