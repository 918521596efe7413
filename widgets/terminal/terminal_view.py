"""TerminalView: a Textual widget showing a virtual terminal, fed with a program's output bytes.

- Line API (`render_line`) with rendered lines cached by the engine's stable line keys; a chunk
  of output only invalidates the lines it changed.
- Output is coalesced into frames: the first output after a quiet period is shown at once (so a
  keystroke's echo is not delayed), a flood costs at most one repaint per `FRAME_INTERVAL`.
- `feed(data)` may be called from any thread (a session's reader thread): bytes are queued and
  one wake-up message is posted to the UI thread.
- Keys, paste and mouse go out as `TerminalInput(data)` messages, or, given `on_input`, to that
  callable at once, in order, as the key is handled (a message waits for the owner's turn in the
  message queues: the echo path sends the key without that wait); resizes as `TerminalResized`
  (debounced); the leave chord (Ctrl+]) as `TerminalLeave`.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from widgets.terminal.engine import CellStyle, Color, TerminalEngine
from widgets.terminal.keys import LEAVE_HINT, LEAVE_KEY, key_to_bytes, paste_to_bytes
from widgets.terminal.messages import (
    TerminalInput,
    TerminalLeave,
    TerminalResized,
    TerminalScrolled,
    TerminalSelected,
)

# Keys typed behind Ctrl+] handed back to the app at most this many times (a leave nobody handles:
# then they reach the program, as before)
MAX_REQUEUED_KEYS = 200

__all__ = ["TerminalInput", "TerminalLeave", "TerminalResized", "TerminalScrolled", "TerminalSelected", "TerminalView"]

FRAME_INTERVAL = 1 / 60  # seconds between two repaints at most (Textual paints at 60 fps at most too)
# In a flood (more than FLOOD_BYTES parsed since the last frame) a repaint of a whole screen of new
# lines costs Textual ~10-15 ms: paint less often so the parser gets the time, as terminals do.
FLOOD_FRAME_INTERVAL = 1 / 20
FLOOD_BYTES = 128 * 1024
RESIZE_DEBOUNCE = 0.1
FEED_BUDGET = 64 * 1024  # bytes parsed per UI-thread turn, so keys stay responsive in a flood
MAX_PENDING = 512 * 1024  # queued bytes above which a reader thread's feed() waits
WHEEL_LINES = 3
SELECTED_STYLE = Style(bgcolor="#3a5f8f", color="#ffffff")  # a line selection (v on the tab bar)
_STRIP_CACHE_LIMIT = 4096


def _rich_color(color: Color) -> RichColor | None:
    if color is None:
        return None
    if isinstance(color, tuple):
        return RichColor.from_rgb(*color)
    return RichColor.from_ansi(color)


_CURSOR_STYLE = Style(reverse=True)
# Keys that scroll the view: +-1 a page, +-2 to the bottom / top of the scrollback.
_SCROLL_KEYS = {"shift+pageup": -1, "shift+pagedown": 1, "shift+home": -2, "shift+end": 2}


class TerminalView(ScrollView, can_focus=True):
    """A terminal emulator widget. The program behind it is somebody else's business."""

    DEFAULT_CSS = """
    TerminalView {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        background: $background;
        color: $foreground;
    }
    """

    leave_hint: ClassVar[str] = LEAVE_HINT
    ALLOW_SELECT = False  # Textual's own text selection: this widget selects cells itself

    def __init__(
        self,
        *,
        cols: int = 80,
        rows: int = 24,
        scrollback: int = 10000,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        on_input: Callable[[bytes], object] | None = None,
    ) -> None:
        """`on_input`: called (UI thread) with the bytes of each key, paste and mouse report for the
        program, in order, instead of posting `TerminalInput` (its return value is ignored)."""
        super().__init__(name=name, id=id, classes=classes)
        self._on_input = on_input
        self.engine = TerminalEngine(cols, rows, scrollback=scrollback)
        self._pending: list[bytes] = []
        self._pending_cond = threading.Condition()
        self._pending_bytes = 0
        self._ui_thread = 0
        self._detached = False
        self._strips: dict[int, Strip] = {}
        self._styles: dict[CellStyle, Style] = {}
        self._base_style: Style | None = None
        self._strip_width = -1
        self._dirty_rows: set[int] = set()
        self._full_refresh = True
        self._last_frame = 0.0
        self._fed_since_frame = 0
        self._flooding = False
        self._frame_timer: Timer | None = None
        self._resize_timer: Timer | None = None
        self._sized = False
        self._follow = True
        # Ctrl+] was pressed: keys typed behind it (already routed here) are not the program's but
        # the next view's; they go back to the app until the focus has left (see on_key)
        self._leaving = False
        self._requeued = 0
        self.escape_leaves = False
        """Esc leaves as Ctrl+] does (its owner sets it while nothing runs behind the view to take Esc)."""
        self._first_key = self.engine.line_key(0)
        self._cursor_index = -1
        self._mouse_button = -1
        self.bytes_fed = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._callback_context: contextvars.Context | None = None
        # A selection: anchor and end as (line index, column), both ends included; whole lines when
        # `_select_lines` (v and j/k on the tab bar), else the cells between (a mouse drag).
        self._select_anchor: tuple[int, int] | None = None
        self._select_end: tuple[int, int] = (0, 0)
        self._select_lines = True
        self._dragging = False  # the left button is down and selecting (not reported to the program)

    # -- output ----------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Queue program output. Safe to call from any thread.

        Flow control: called from another thread while more than `MAX_PENDING` bytes wait to be
        parsed, it blocks until the UI caught up (as a terminal stops reading its pty), so a
        flood cannot grow memory without bound nor starve the UI thread of the GIL.
        """
        if not data:
            return
        with self._pending_cond:
            if self._loop is not None and threading.get_ident() != self._ui_thread:
                if self._pending_bytes > MAX_PENDING:
                    # Resume at half the limit, so the reader wakes once per batch, not per chunk.
                    while self._pending_bytes > MAX_PENDING // 2 and not self._detached:
                        self._pending_cond.wait(0.1)
            wake = not self._pending
            self._pending.append(data)
            self._pending_bytes += len(data)
        if wake and self._loop is not None:
            # Straight onto the event loop, not through the message queue: a flood must not keep
            # this widget's message pump busy (keys, timers and paints get their turns between drains).
            try:
                self._loop.call_soon_threadsafe(self._drain, context=self._callback_context)
            except RuntimeError:  # the app's loop is closed
                pass

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._ui_thread = threading.get_ident()
        self._callback_context = contextvars.copy_context()  # Textual's active app/message pump for callbacks
        self._detached = False
        if self._pending:
            self._loop.call_soon(self._drain, context=self._callback_context)

    def on_unmount(self) -> None:
        with self._pending_cond:
            self._detached = True  # never block a reader thread on a widget that is gone
            self._pending_cond.notify_all()

    def _drain(self) -> None:
        with self._pending_cond:
            chunks = self._pending
            if not chunks:
                return
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            skipped = 0
            if len(data) > FEED_BUDGET:
                # A flood: what would scroll out of the scrollback unseen is not parsed at all.
                tail = self.engine.skip_unseen(data)
                skipped = len(data) - len(tail)
                data = tail
            rest = b""
            if len(data) > FEED_BUDGET:
                rest = data[FEED_BUDGET:]
                data = data[:FEED_BUDGET]
            self._pending = [rest] if rest else []
            self._pending_bytes = len(rest)
            self._pending_cond.notify_all()
        if rest and self._loop is not None:
            self._loop.call_soon(self._drain, context=self._callback_context)
        if skipped:
            self.bytes_fed += skipped
            self._fed_since_frame += skipped
            self._strips.clear()
            self._full_refresh = True
        self._feed_now(data)

    def _feed_now(self, data: bytes) -> None:
        engine = self.engine
        offset_before = engine.screen_offset
        alt_before = engine.alternate_screen
        changed = engine.feed(data)
        self.bytes_fed += len(data)
        self._fed_since_frame += len(data)
        strips = self._strips
        offset = engine.screen_offset
        for index in changed:
            strips.pop(engine.line_key(index), None)
        if offset != offset_before or alt_before != engine.alternate_screen:
            self._full_refresh = True
            if alt_before != engine.alternate_screen:
                # Main-screen rows written in this feed before the switch were reported in the other
                # screen's numbering: drop every cached strip (a switch is rare, one screen to rebuild).
                strips.clear()
                self._select_anchor = None  # the selected lines are not shown any more
                self._dragging = False
        else:
            self._dirty_rows.update(index - offset for index in changed if index >= offset)
        self._schedule_frame()

    def _schedule_frame(self) -> None:
        if self._frame_timer is not None:
            return
        interval = FLOOD_FRAME_INTERVAL if self._flooding else FRAME_INTERVAL
        wait = interval - (time.monotonic() - self._last_frame)
        if wait <= 0:
            self._frame()
        else:
            self._frame_timer = self.set_timer(wait, self._frame)

    def _frame(self) -> None:
        """Show what the engine holds now: one repaint for all the output since the last one."""
        self._frame_timer = None
        self._last_frame = time.monotonic()
        self._flooding = self._fed_since_frame > FLOOD_BYTES
        self._fed_since_frame = 0
        if not self.is_mounted:
            return
        engine = self.engine
        first_key = engine.line_key(0)
        dropped = first_key - self._first_key if not engine.alternate_screen else 0
        self._first_key = first_key
        if dropped > 0 and self._select_anchor is not None:
            self._shift_selection(-dropped)
        if len(self._strips) > _STRIP_CACHE_LIMIT:
            self._strips.clear()
        self.virtual_size = Size(engine.cols, engine.line_count)
        height = self.scrollable_content_region.height
        bottom = max(0, engine.line_count - height)
        if self._follow:
            target = bottom
        else:
            # Keep the lines the user looks at still while old scrollback is dropped.
            target = max(0, min(bottom, round(self.scroll_y) - max(0, dropped)))
        if target != round(self.scroll_y):
            self.scroll_to(y=target, animate=False, immediate=True, force=True)
            self._full_refresh = True
        if self._full_refresh:
            self.refresh()
        else:
            top = round(self.scroll_y)
            offset = engine.screen_offset
            for row in self._dirty_rows:
                self.refresh_line(offset + row)
            cursor_index = offset + engine.cursor.row
            if cursor_index != self._cursor_index:
                if self._cursor_index >= top:
                    self.refresh_line(self._cursor_index)
                self.refresh_line(cursor_index)
        self._cursor_index = engine.screen_offset + engine.cursor.row
        self._dirty_rows.clear()
        self._full_refresh = False

    # -- rendering -------------------------------------------------------------------------------
    def _style(self, cell_style: CellStyle) -> Style:
        style = self._styles.get(cell_style)
        if style is None:
            style = Style(
                color=_rich_color(cell_style.fg),
                bgcolor=_rich_color(cell_style.bg),
                bold=cell_style.bold or None,
                dim=cell_style.faint or None,
                italic=cell_style.italic or None,
                underline=cell_style.underline or None,
                strike=cell_style.strike or None,
                blink=cell_style.blink or None,
                reverse=cell_style.reverse or None,
            )
            if self._base_style is not None:
                style = self._base_style + style
            self._styles[cell_style] = style
        return style

    def _build_strip(self, index: int, width: int) -> Strip:
        segments: list[Segment] = []
        length = 0  # cells covered so far, as Rich counts them
        for run in self.engine.line_segments(index):
            text = run.text
            if text.isascii():
                length += run.width
            else:
                actual = cell_len(text)
                if actual < run.width:
                    text += " " * (run.width - actual)  # combining marks kept in their own cell
                length += max(actual, run.width)
            segments.append(Segment(text, self._style(run.style)))
        if length < width:
            segments.append(Segment(" " * (width - length), self._base_style))
        elif length > width:
            return Strip(segments).adjust_cell_length(width, self._base_style)
        return Strip(segments, width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # `rich_style` walks every ancestor's styles: once per paint, not once per line.
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    _paint_style: Style | None = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._paint_style if self._paint_style is not None else self.rich_style
        if base != self._base_style or width != self._strip_width:
            self._base_style = base
            self._strip_width = width
            self._styles.clear()
            self._strips.clear()
        engine = self.engine
        index = round(self.scroll_y) + y
        if index >= engine.line_count or index < 0:
            return Strip.blank(width, base)
        key = engine.line_key(index)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._build_strip(index, width)
            self._strips[key] = strip
        if self.has_focus:
            cursor = engine.cursor
            if cursor.visible and index == engine.screen_offset + cursor.row and cursor.col < width:
                # On a wide character the cursor covers both of its cells (half of one is no glyph).
                strip = self._with_cursor(strip, *engine.cell_span(index, cursor.col, cursor.col + 1))
        if self._select_anchor is not None:
            span = self._selected_cells(index, width)
            if span is not None:
                strip = self._highlight(strip, *span)
        return strip

    @staticmethod
    def _highlight(strip: Strip, start: int, end: int) -> Strip:
        def selected(part: Strip) -> Strip:
            return Strip([Segment(text, (style or Style()) + SELECTED_STYLE, control)
                          for text, style, control in part], part.cell_length)

        length = strip.cell_length
        if start <= 0 and end >= length:
            return selected(strip)
        before, middle, after = strip.divide([start, end, length])[:3]
        return Strip.join([before, selected(middle), after])

    # -- selection (copy a part of the screen or of the scrollback) ------------------------------------
    @property
    def selection(self) -> tuple[int, int] | None:
        """(anchor, end) line indexes of the selection, None without one."""
        if self._select_anchor is None:
            return None
        return self._select_anchor[0], self._select_end[0]

    @property
    def selection_is_lines(self) -> bool:
        """True for a line selection (`v`), False for cells selected with the mouse."""
        return self._select_lines

    def _ordered_selection(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if self._select_anchor is None:
            return None
        first, last = sorted((self._select_anchor, self._select_end))
        return first, last

    def _selected_cells(self, index: int, width: int) -> tuple[int, int] | None:
        """The selected cells [start, end) of line `index`, None when the line is not selected."""
        ordered = self._ordered_selection()
        if ordered is None:
            return None
        (first_line, first_col), (last_line, last_col) = ordered
        if not first_line <= index <= last_line:
            return None
        if self._select_lines:
            return 0, width
        start = first_col if index == first_line else 0
        end = last_col + 1 if index == last_line else width
        engine = self.engine
        if index >= engine.line_count:
            return None
        span_start, span_end = engine.cell_span(index, start, min(end, engine.cols))
        return span_start, (end if end >= engine.cols else span_end)

    def _set_selection(self, anchor: tuple[int, int], end: tuple[int, int], *, lines: bool) -> None:
        self._select_anchor, self._select_end, self._select_lines = anchor, end, lines
        self.refresh()

    def _shift_selection(self, delta: int) -> None:
        """Old scrollback lines were dropped: keep the selection on the same text."""
        assert self._select_anchor is not None
        (anchor_line, anchor_col), (end_line, end_col) = self._select_anchor, self._select_end
        if end_line + delta < 0 and anchor_line + delta < 0:
            self._select_anchor = None  # the selected lines left the scrollback
            self._dragging = False
            return
        self._select_anchor = (max(0, anchor_line + delta), anchor_col)
        self._select_end = (max(0, end_line + delta), end_col)

    def start_selection(self) -> None:
        """Select the cursor's line (the last line with text when the cursor is below it)."""
        engine = self.engine
        line = min(engine.screen_offset + engine.cursor.row, engine.line_count - 1)
        while line > 0 and not engine.line_text(line).strip():
            line -= 1
        self._set_selection((line, 0), (line, 0), lines=True)
        self._show_line(line)

    def move_selection(self, delta: int) -> None:
        """Extend (or shrink) the selection by `delta` lines, scrolling to keep its end visible."""
        if self._select_anchor is None:
            self.start_selection()
        end_line, end_col = self._select_end
        end_line = max(0, min(self.engine.line_count - 1, end_line + delta))
        self._select_end = (end_line, end_col)
        self._show_line(end_line)
        self.refresh()

    def select_cells(self, anchor: tuple[int, int], end: tuple[int, int]) -> None:
        """Select the cells from `anchor` to `end` ((line index, column), both included)."""
        last = self.engine.line_count - 1
        clamp = lambda point: (max(0, min(last, point[0])), max(0, min(self.engine.cols - 1, point[1])))  # noqa: E731
        self._set_selection(clamp(anchor), clamp(end), lines=False)

    def clear_selection(self) -> None:
        self._dragging = False
        if self._select_anchor is not None:
            self._select_anchor = None
            self.refresh()

    def selected_text(self) -> str:
        """The selected text (trailing blanks of each line removed); "" without a selection."""
        ordered = self._ordered_selection()
        if ordered is None:
            return ""
        (first, _), (last, _) = ordered
        engine = self.engine
        last = min(last, engine.line_count - 1)
        if self._select_lines:
            return "\n".join(engine.line_text(i).rstrip() for i in range(first, last + 1))
        lines = []
        for index in range(first, last + 1):
            span = self._selected_cells(index, engine.cols)
            lines.append(engine.cells_text(index, *span).rstrip() if span else "")
        return "\n".join(lines)

    def _show_line(self, line: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if line < top:
            self.scroll_lines(line - top)
        elif line >= top + height:
            self.scroll_lines(line - top - height + 1)

    @staticmethod
    def _with_cursor(strip: Strip, col: int, end: int) -> Strip:
        before, at, after = strip.divide([col, max(end, col + 1), strip.cell_length])[:3]
        cursor_segments = [
            Segment(text, (style or Style()) + Style(reverse=not (style and style.reverse)))
            for text, style, _ in at
        ]
        return Strip.join([before, Strip(cursor_segments, at.cell_length), after])

    # -- size ------------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        if not self._sized:
            self._sized = True
            self._apply_size()
            return
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(RESIZE_DEBOUNCE, self._apply_size)

    def _apply_size(self) -> None:
        self._resize_timer = None
        region = self.scrollable_content_region
        cols, rows = max(1, region.width), max(1, region.height)
        if (cols, rows) != (self.engine.cols, self.engine.rows) or not self._announced:
            self.engine.resize(cols, rows)
            self._strips.clear()
            self._announced = True
            self.post_message(TerminalResized(cols, rows, terminal=self))
        self._full_refresh = True
        self._schedule_frame()

    _announced = False

    @property
    def size_in_cells(self) -> tuple[int, int]:
        return self.engine.cols, self.engine.rows

    # -- input -----------------------------------------------------------------------------------
    def send_interrupt(self) -> None:
        """Ctrl+C as the terminal sends it (the app's priority Ctrl+C binding hands it here)."""
        self._send(b"\x03")

    def _send(self, data: bytes) -> None:
        if self._on_input is not None:
            self._on_input(data)  # now: a key's bytes leave before its message would be dispatched
        else:
            self.post_message(TerminalInput(data, terminal=self))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        key = event.key
        if self._leaving and self._requeued < MAX_REQUEUED_KEYS:
            # typed right behind Ctrl+]: back to the app, which routes it to the focus once the
            # leave has moved it (in order: every later key comes through here too)
            self._requeued += 1
            self.app.post_message(events.Key(key, event.character))
            return
        if key == LEAVE_KEY or (key == "escape" and self.escape_leaves):
            self._leaving, self._requeued = True, 0
            self.post_message(TerminalLeave(terminal=self))
            return
        # Scrolling the scrollback (as in xterm, GNOME Terminal, Konsole); in the alternate screen
        # there is none, so a full-screen program gets these keys.
        scroll = _SCROLL_KEYS.get(key) if not self.engine.alternate_screen else None
        if scroll is not None:
            page = max(1, self.scrollable_content_region.height - 1)
            self.scroll_lines(scroll * page if abs(scroll) == 1 else scroll * self.engine.line_count)
            return
        data = key_to_bytes(key, event.character, application_cursor=self.engine.application_cursor_keys)
        if data:
            if not self._follow:
                self.scroll_lines(self.engine.line_count)
            self._send(data)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if event.text:
            self._send(paste_to_bytes(event.text, bracketed=self.engine.bracketed_paste))

    def on_focus(self, event: events.Focus) -> None:
        self._leaving = False
        self._refresh_cursor()
        if self.engine.modes.focus_events:
            self._send(b"\x1b[I")

    def on_blur(self, event: events.Blur) -> None:
        self._refresh_cursor()
        if self.engine.modes.focus_events:
            self._send(b"\x1b[O")

    def _refresh_cursor(self) -> None:
        if self.is_mounted:
            self.refresh_line(self.engine.screen_offset + self.engine.cursor.row)

    # -- scrolling -------------------------------------------------------------------------------
    def scroll_lines(self, lines: int) -> None:
        """Scroll the view by whole lines (negative: up into the scrollback)."""
        bottom = max(0, self.engine.line_count - self.scrollable_content_region.height)
        target = max(0, min(bottom, round(self.scroll_y) + lines))
        follow = target >= bottom
        if follow != self._follow:
            self._follow = follow
            self.post_message(TerminalScrolled(follow, terminal=self))
        self.scroll_to(y=target, animate=False, immediate=True, force=True)

    def find_line(self, text: str) -> int | None:
        """The index (scrollback first) of the first line holding `text`, queued output parsed first."""
        self.flush_pending()
        engine = self.engine
        return next((i for i in range(engine.line_count) if text in engine.line_text(i)), None)

    def scroll_to_line(self, index: int) -> None:
        """Make line `index` the top row, as far as the content allows (at the bottom it follows)."""
        self.scroll_lines(index - round(self.scroll_y))

    @property
    def following(self) -> bool:
        """True while the view sticks to the bottom (the user has not scrolled up)."""
        return self._follow

    # -- mouse -----------------------------------------------------------------------------------
    def _mouse_cell(self, event: events.MouseEvent) -> tuple[int, int] | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        return offset.x + 1, offset.y + 1

    def _report_mouse(self, event: events.MouseEvent, button: int, release: bool = False) -> bool:
        modes = self.engine.modes
        if not modes.mouse_tracking:
            return False
        cell = self._mouse_cell(event)
        if cell is None:
            return True
        x, y = cell
        code = button
        if event.shift:
            code += 4
        if event.meta:
            code += 8
        if event.ctrl:
            code += 16
        if modes.mouse_sgr:
            self._send(f"\x1b[<{code};{x};{y}{'m' if release else 'M'}".encode())
        else:
            if release:
                code = 3 + (code & ~3)
            if x > 223 or y > 223:
                return True
            self._send(b"\x1b[M" + bytes([32 + code, 32 + x, 32 + y]))
        return True

    # A left-button drag selects cells (copied on release) unless the program asked for the mouse;
    # with Shift it selects even then (as in xterm). A double click selects a word, a triple a line.
    def _selecting_mouse(self, event: events.MouseEvent) -> bool:
        return event.shift or not self.engine.modes.mouse_tracking

    def _line_cell(self, event: events.MouseEvent) -> tuple[int, int]:
        """(line index, column) under the mouse, clamped to the lines shown."""
        offset = event.get_content_offset_capture(self)
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        row = max(0, min(height - 1, offset.y))
        line = max(0, min(self.engine.line_count - 1, top + row))
        return line, max(0, min(self.engine.cols - 1, offset.x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        button = {1: 0, 2: 1, 3: 2}.get(event.button, 0)
        if event.button == 1 and self._selecting_mouse(event):
            if event.get_content_offset(self) is None:
                return  # the scrollbar
            event.stop()
            self._mouse_button = -1
            self.clear_selection()
            cell = self._line_cell(event)
            self._drag_anchor = cell
            self._dragging = True
            self.capture_mouse()
            return
        self._mouse_button = button
        if self._report_mouse(event, button):
            event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            event.stop()
            offset = event.get_content_offset_capture(self)
            height = self.scrollable_content_region.height
            if offset.y < 0:
                self.scroll_lines(-1)  # dragging above the pane scrolls back
            elif offset.y >= height:
                self.scroll_lines(1)
            cell = self._line_cell(event)
            if self._select_anchor is None and cell == self._drag_anchor:
                return  # a click that moved within its cell selects nothing
            self.select_cells(self._drag_anchor, cell)
            return
        tracking = self.engine.modes.mouse_tracking
        if tracking == 1003 or (tracking == 1002 and self._mouse_button >= 0):
            button = self._mouse_button if self._mouse_button >= 0 else 3
            self._report_mouse(event, 32 + button)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()
            if self._select_anchor is not None:
                self._announce_selection()
            return
        if self._mouse_button < 0:
            return  # the press was not reported (a selection, or before tracking was asked for)
        button = self._mouse_button
        self._mouse_button = -1
        if self.engine.modes.mouse_tracking == 9:
            return  # X10 reports presses only
        if self._report_mouse(event, button, release=True):
            event.stop()

    def on_click(self, event: events.Click) -> None:
        if event.button != 1 or event.chain < 2 or not self._selecting_mouse(event):
            return
        if event.get_content_offset(self) is None:
            return
        event.stop()
        line, col = self._line_cell(event)
        if event.chain == 2:
            start, end = self.engine.word_span(line, col)
            self.select_cells((line, start), (line, max(start, end - 1)))
        else:
            self._set_selection((line, 0), (line, 0), lines=True)
        self._announce_selection()

    def _announce_selection(self) -> None:
        text = self.selected_text()
        if text.strip():
            self.post_message(TerminalSelected(text, terminal=self))

    _drag_anchor: tuple[int, int] = (0, 0)

    def _wheel(self, event: events.MouseEvent, up: bool) -> None:
        event.stop()
        event.prevent_default()
        if self._report_mouse(event, 64 if up else 65):
            return
        if self.engine.alternate_screen:
            # Alternate scroll mode: a full-screen program without mouse support gets arrows.
            key = "up" if up else "down"
            data = key_to_bytes(key, None, application_cursor=self.engine.application_cursor_keys)
            if data:
                self._send(data * WHEEL_LINES)
            return
        self.scroll_lines(-WHEEL_LINES if up else WHEEL_LINES)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, up=True)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, up=False)

    # -- reading the screen (copy, tests) --------------------------------------------------------
    def screen_text(self) -> list[str]:
        """The visible terminal screen, one string per row, trailing blanks removed."""
        return self.engine.screen_text()

    def shown_text(self) -> list[str]:
        """The rows the view shows: the screen, or the scrollback lines it is scrolled back to."""
        if self._follow:
            return self.screen_text()
        engine = self.engine
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        return [engine.line_text(i).rstrip() for i in range(top, min(engine.line_count, top + height))]

    def flush_pending(self) -> None:
        """Parse all queued output now and repaint (UI thread; for tests and before copying)."""
        while True:
            with self._pending_cond:
                if not self._pending:
                    break
            self._drain()
        if self._frame_timer is not None:
            self._frame_timer.stop()
        self._frame()
