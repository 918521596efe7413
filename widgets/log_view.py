"""A container log, fast at any size: a Line API view (`ScrollView` + `render_line`, as Toolong
draws its logs) over the lines the screen gives it.

Only the rows on screen are drawn; each line's strip is built once and kept in an LRU cache
(a change of what lines look like, a search, the timestamps, the selection or the theme, starts
a new cache generation), so a 100,000-line log scrolls at the cost of the rows in view
(benchmarks/logs_bench.py). Wrapped, a line's rows are counted once per width (`_reflow`) and a
row is found by bisection.

The lines are `tui.pods.log_text.LogLine`s, already display text (`visible`: control characters
shown, never markup): the screen parses what the API server sent off the UI thread and hands them
over with `set_lines` / `append_lines`. The view does no I/O and knows nothing of clusters.

Searching (`search`, `next_match`) highlights every occurrence and the current one more; a
selection of whole lines (`start_selection`, j/k extend it, `selected_lines`) is what `y` copies.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.pods.log_text import LogLine, find_matches, match_spans

__all__ = ["LogView"]

CACHE_SIZE = 1024  # built strips kept (a few screens' worth, also when wrapped)


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


class LogView(ScrollView, can_focus=True):
    """Lines of a log, scrolled, searched, wrapped or not, with or without timestamps."""

    class SelectionMoved(Message):
        """The selection's free end moved (j/k, PgUp/PgDn while selecting): a status line may say so."""

    COMPONENT_CLASSES = {"log-view--timestamp", "log-view--match", "log-view--current-match",
                         "log-view--selection"}
    DEFAULT_CSS = """
    LogView { height: 1fr; scrollbar-gutter: stable; }
    LogView > .log-view--timestamp { color: $text-muted; }
    LogView > .log-view--match { background: $warning 40%; }
    LogView > .log-view--current-match { background: $warning; color: $background; text-style: bold; }
    LogView > .log-view--selection { background: $primary 45%; }
    """
    BINDINGS = [
        Binding("j,down", "line_down", "Down", show=False),
        Binding("k,up", "line_up", "Up", show=False),
        Binding("space,pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom (and stay there)", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[LogLine] = []
        self.show_timestamps = False
        self.wrap = False
        self.search_term = ""
        self.matches: list[int] = []  # line indices holding the term
        self._match_set: frozenset[int] = frozenset()
        self.current_match: int | None = None  # index into `matches`
        self.selection: tuple[int, int] | None = None  # (anchor, end) line indices
        self._max_text = 0  # widest text, in cells
        self._max_stamp = 0  # widest timestamp
        self._row_starts: list[int] = []  # wrapped: the first row of each line
        self._wrap_width = 0  # the width `_row_starts` was counted for
        self._total_wrapped = 0  # wrapped: the rows of all lines
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(CACHE_SIZE)
        self._rows: LRUCache[tuple[int, int, int], list[Strip]] = LRUCache(CACHE_SIZE)
        self._generation = 0
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------------ content
    def set_lines(self, lines: Sequence[LogLine]) -> None:
        """Show `lines` instead (the search is applied to them again; the selection is dropped)."""
        self.lines = list(lines)
        self.selection = None
        self._max_text = max((_width(line.text) for line in self.lines), default=0)
        self._max_stamp = max((len(line.stamp) for line in self.lines), default=0)
        self._rematch()
        self._changed(reflow=True)

    def append_lines(self, lines: Sequence[LogLine]) -> None:
        """Add lines at the end; a view showing the end keeps showing it (a followed log)."""
        if not lines:
            return
        at_end = self.scroll_offset.y >= self.max_scroll_y
        start = len(self.lines)
        self.lines.extend(lines)
        self._max_text = max(self._max_text, max(_width(line.text) for line in lines))
        self._max_stamp = max(self._max_stamp, max(len(line.stamp) for line in lines))
        if self.search_term:
            found = [start + i for i in find_matches(lines, self.search_term)]
            if found:
                self.matches.extend(found)
                self._match_set = frozenset(self.matches)
        if self.wrap and self._wrap_width:
            self._count_rows(start)
        self._update_virtual_size()
        self.refresh()
        if at_end:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def drop_first(self, count: int) -> None:
        """Forget the `count` oldest lines (a followed log kept to a bound); the view stays on the
        lines it showed, the search's matches and the selection move with them."""
        count = min(count, len(self.lines))
        if count <= 0:
            return
        removed_rows = self._first_row(count) if count < len(self.lines) else self._total_rows()
        del self.lines[:count]
        self.matches = [index - count for index in self.matches if index >= count]
        self._match_set = frozenset(self.matches)
        if self.current_match is not None:
            self.current_match = min(self.current_match, len(self.matches) - 1) if self.matches else None
        if self.selection is not None:
            anchor, end = (max(0, index - count) for index in self.selection)
            self.selection = (anchor, end) if self.lines else None
        self._max_text = max((_width(line.text) for line in self.lines), default=0)
        y = max(0, int(self.scroll_offset.y) - removed_rows)
        self._changed(reflow=True)
        self.scroll_to(y=y, animate=False, immediate=True)

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def set_timestamps(self, shown: bool) -> None:
        self.show_timestamps = shown
        self._changed(reflow=True)

    def set_wrap(self, wrap: bool) -> None:
        """Wrap long lines (no horizontal scrolling) or not; the top line stays in view."""
        top = self.top_line
        self.wrap = wrap
        self._changed(reflow=True)
        if wrap:
            self.scroll_to(x=0, animate=False, immediate=True)
        self.scroll_to(y=self._first_row(top), animate=False, immediate=True)

    # ------------------------------------------------------------------ search
    def search(self, term: str) -> int:
        """Highlight `term` (smart case); the current match is the first at or below the top line.
        Returns the number of matching lines."""
        self.search_term = term
        self._rematch()
        if self.matches:
            top = self.top_line
            self.current_match = next((i for i, line in enumerate(self.matches) if line >= top), 0)
            self._show_line(self.matches[self.current_match])
        self._changed()
        return len(self.matches)

    def next_match(self, step: int = 1) -> int | None:
        """Move to the next (`step` 1) or previous (-1) matching line, wrapping around; its index."""
        if not self.matches:
            return None
        if self.current_match is None:
            self.current_match = 0
        else:
            self.current_match = (self.current_match + step) % len(self.matches)
        line = self.matches[self.current_match]
        self._show_line(line)
        self._changed()
        return line

    def _rematch(self) -> None:
        self.matches = find_matches(self.lines, self.search_term) if self.search_term else []
        self._match_set = frozenset(self.matches)
        self.current_match = None

    # ------------------------------------------------------------------ selection
    def start_selection(self, line: int | None = None) -> None:
        """Select one line: `line`, else the current match's, else the bottom line in view."""
        if not self.lines:
            return
        if line is None:
            line = self.matches[self.current_match] if self.current_match is not None else self.bottom_line
        line = max(0, min(line, len(self.lines) - 1))
        self.selection = (line, line)
        self._changed()

    def clear_selection(self) -> bool:
        """Drop the selection; False when there was none."""
        if self.selection is None:
            return False
        self.selection = None
        self._changed()
        return True

    def move_selection(self, delta: int) -> None:
        """Move the selection's free end by `delta` lines (its anchor stays)."""
        if self.selection is None:
            return
        anchor, end = self.selection
        end = max(0, min(end + delta, len(self.lines) - 1))
        self.selection = (anchor, end)
        self._show_line(end)
        self._changed()
        self.post_message(self.SelectionMoved())

    def selected_lines(self) -> list[LogLine]:
        """The selected lines, else those in view."""
        if self.selection is None:
            return self.lines[self.top_line:self.bottom_line + 1]
        first, last = sorted(self.selection)
        return self.lines[first:last + 1]

    # ------------------------------------------------------------------ where the view is
    @property
    def top_line(self) -> int:
        """The index of the line at the top of the view."""
        return self._locate(int(self.scroll_offset.y))[0] if self.lines else 0

    @property
    def bottom_line(self) -> int:
        """The index of the (last) line at the bottom of the view."""
        if not self.lines:
            return 0
        row = int(self.scroll_offset.y) + max(1, self.scrollable_content_region.height) - 1
        return self._locate(min(row, self._total_rows() - 1))[0]

    def visible_text(self) -> list[str]:
        """The rows in view, as text (tests and screen readers)."""
        height = self.scrollable_content_region.height
        return [self.render_line(y).text for y in range(height)]

    def _show_line(self, line: int) -> None:
        """Scroll so that `line` is in view (centred when it was not)."""
        first = self._first_row(line)
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if top <= first < top + height:
            return
        self.scroll_to(y=max(0, first - height // 2), animate=False, immediate=True)

    # ------------------------------------------------------------------ actions
    def action_line_down(self) -> None:
        if self.selection is not None:
            self.move_selection(1)
        else:
            self.scroll_to(y=self.scroll_offset.y + 1, animate=False, immediate=True)

    def action_line_up(self) -> None:
        if self.selection is not None:
            self.move_selection(-1)
        else:
            self.scroll_to(y=self.scroll_offset.y - 1, animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        if self.selection is not None:
            self.move_selection(self._page())
        else:
            self.scroll_to(y=self.scroll_offset.y + self._page(), animate=False, immediate=True)

    def action_page_up(self) -> None:
        if self.selection is not None:
            self.move_selection(-self._page())
        else:
            self.scroll_to(y=self.scroll_offset.y - self._page(), animate=False, immediate=True)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    # ------------------------------------------------------------------ layout
    def _changed(self, *, reflow: bool = False) -> None:
        """What lines look like changed: a new cache generation, and a redraw."""
        self._generation += 1
        self._strips.clear()
        self._rows.clear()
        if reflow:
            self._wrap_width = 0
            self._reflow()
        self.refresh()

    def _line_width(self, line: LogLine) -> int:
        width = _width(line.text)
        if self.show_timestamps and line.stamp:
            width += len(line.stamp) + 1
        return width

    def _target_wrap_width(self) -> int:
        return max(1, self.size.width - self.styles.scrollbar_size_vertical)

    def _reflow(self) -> None:
        if self.wrap and self.size.width:
            self._wrap_width = self._target_wrap_width()
            self._row_starts = []
            self._count_rows(0)
        self._update_virtual_size()

    def _count_rows(self, start: int) -> None:
        """Wrapped: the first row of lines `start`.. (`_row_starts` holds those before)."""
        width = self._wrap_width
        starts = self._row_starts
        del starts[start:]
        row = 0
        if start:
            row = starts[start - 1] + max(1, -(-self._line_width(self.lines[start - 1]) // width))
        stamps = self.show_timestamps
        for line in self.lines[start:]:
            starts.append(row)
            cells = len(line.text) if line.text.isascii() else cell_len(line.text)
            if stamps and line.stamp:
                cells += len(line.stamp) + 1
            row += max(1, -(-cells // width))
        self._total_wrapped = row

    def _total_rows(self) -> int:
        if self.wrap and self._wrap_width and self._row_starts:
            return self._total_wrapped
        return len(self.lines)

    def _first_row(self, line: int) -> int:
        if self.wrap and self._wrap_width and self._row_starts:
            return self._row_starts[max(0, min(line, len(self._row_starts) - 1))]
        return line

    def _locate(self, row: int) -> tuple[int, int]:
        """(line index, row within the line) of the view's row `row`."""
        if self.wrap and self._wrap_width and self._row_starts:
            index = max(0, bisect_right(self._row_starts, row) - 1)
            return index, row - self._row_starts[index]
        return row, 0

    def _update_virtual_size(self) -> None:
        if self.wrap:
            self.virtual_size = Size(self._wrap_width, self._total_rows())
        else:
            stamp = self._max_stamp + 1 if self.show_timestamps and self._max_stamp else 0
            self.virtual_size = Size(self._max_text + stamp, len(self.lines))

    def on_resize(self) -> None:
        if self.wrap and self._target_wrap_width() != self._wrap_width:
            top = self.top_line
            self._changed(reflow=True)
            self.scroll_to(y=self._first_row(top), animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._generation += 1
        self._strips.clear()
        self._rows.clear()

    # ------------------------------------------------------------------ drawing
    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles once per pass: `get_component_rich_style` walks the ancestors each call
        self._styles = {
            "base": self.rich_style,
            **{name: self._component_style(name) for name in ("timestamp", "match", "current-match", "selection")},
        }
        return super().render_lines(crop)

    def _style(self, name: str) -> Style:
        if not self._styles:
            self._styles = {"base": self.rich_style}
        style = self._styles.get(name)
        if style is None:
            style = self._component_style(name)
            self._styles[name] = style
        return style

    def _component_style(self, name: str) -> Style:
        """A component's style, its colours blended over the view's background (a partial style
        would leave `$text-muted`'s transparency unblended); the selection lends only its background."""
        style = self.get_component_rich_style(f"log-view--{name}")
        return Style(bgcolor=style.bgcolor) if name == "selection" else style

    def _line_strip(self, index: int) -> Strip:
        """The whole line `index` as drawn (timestamp, highlights, selection), cached."""
        key = (index, self._generation)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        line = self.lines[index]
        base = self._style("base")
        if self.selection is not None:
            first, last = sorted(self.selection)
            if first <= index <= last:
                base = base + self._style("selection")
        segments: list[Segment] = []
        if self.show_timestamps and line.stamp:
            stamp_style = self._style("timestamp")
            if base is not self._style("base"):  # selected: the selection's background under it
                stamp_style = stamp_style + self._style("selection")
            segments.append(Segment(line.stamp + " ", stamp_style))
        text = line.text
        if index in self._match_set:
            current = self.current_match is not None and self.matches[self.current_match] == index
            highlight = base + self._style("current-match" if current else "match")
            position = 0
            for start, end in match_spans(text, self.search_term):
                if start > position:
                    segments.append(Segment(text[position:start], base))
                segments.append(Segment(text[start:end], highlight))
                position = end
            if position < len(text):
                segments.append(Segment(text[position:], base))
        elif text:
            segments.append(Segment(text, base))
        strip = Strip(segments)
        self._strips[key] = strip
        return strip

    def _wrapped_rows(self, index: int, width: int) -> list[Strip]:
        key = (index, self._generation, width)
        rows = self._rows.get(key)
        if rows is None:
            strip = self._line_strip(index)
            length = strip.cell_length
            rows = list(strip.divide([*range(width, length, width), length])) if length > width else [strip]
            self._rows[key] = rows
        return rows

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._style("base")
        row = int(self.scroll_offset.y) + y
        if not self.lines or row >= self._total_rows() or row < 0:
            return Strip.blank(width, base)
        index, part = self._locate(row)
        if self.wrap and self._wrap_width:
            rows = self._wrapped_rows(index, self._wrap_width)
            strip = rows[part] if part < len(rows) else Strip.blank(0)
            return strip.crop_extend(0, width, base)
        start = int(self.scroll_offset.x)
        return self._line_strip(index).crop_extend(start, start + width, base)
