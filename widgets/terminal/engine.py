"""The virtual terminal engine: the ONE module that imports it (pyavt, `avt`, asciinema's VT in Rust).

Measured on this machine (see docs/terminal-notes): pyavt parses about 30 MB/s of `seq` output,
pyte 0.4 MB/s and without the alternate screen. Swap the engine here and nothing else changes.

The engine keeps its own scrollback (avt runs with `scrollback_limit=0` and hands back the lines
that scroll off the top), so every line has a stable *absolute number*: scrollback lines never
change, and a renderer may cache a line's strip under that number until `feed` reports it changed.
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import avt

__all__ = ["CellStyle", "Color", "StyledSegment", "TerminalCursor", "TerminalEngine", "TerminalModes"]

#: None = the terminal's default colour, int = one of the 256 indexed colours, tuple = truecolor.
Color = int | tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class CellStyle:
    fg: Color = None
    bg: Color = None
    bold: bool = False
    faint: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    blink: bool = False
    reverse: bool = False


DEFAULT_STYLE = CellStyle()


@dataclass(frozen=True, slots=True)
class StyledSegment:
    """A run of cells with one style. `width` is the number of cells it covers on screen."""

    text: str
    width: int
    style: CellStyle


@dataclass(frozen=True, slots=True)
class TerminalCursor:
    col: int
    row: int  # row on the visible screen (0 = top)
    visible: bool


@dataclass(slots=True)
class TerminalModes:
    """Private modes the widget needs that the engine does not expose itself."""

    bracketed_paste: bool = False  # 2004
    mouse_tracking: int = 0  # 0 = off, 9 (X10), 1000 (press/release), 1002 (button motion), 1003 (any motion)
    mouse_sgr: bool = False  # 1006
    alternate_screen: bool = False  # 1049 / 1047 / 47
    focus_events: bool = False  # 1004


_MOUSE_MODES = {9, 1000, 1002, 1003}
_ALT_MODES = {47, 1047, 1049}
_DECSET = re.compile(r"\x1b\[\?([0-9;]*)([hl])|\x1bc")
_ALT_SWITCH = re.compile(r"\x1b\[\?[0-9;]*(?:1049|1047|47)[0-9;]*[hl]")
_DECSTBM = re.compile(r"\x1b\[([0-9;]*)r")
_MAX_PENDING_ESCAPE = 32
_FEED_SLICE = 8192
#: Bytes that move no cursor but down and change no state: a run of them only writes lines.
_NOT_PLAIN = re.compile(rb"[^\x20-\x7e\r\n]")
_STRING_ESCAPES = "]P_^X"  # OSC, DCS, APC, PM, SOS: open until BEL or ST
_CHARSET_ESCAPES = "()*+-./#%"  # ESC ( B and friends: three bytes
_C1_OPENERS = "\x90\x98\x9b\x9d\x9e\x9f"  # DCS, SOS, CSI, OSC, PM, APC as 8-bit (decoded) controls


@dataclass(slots=True)
class _ModeScanner:
    """Tracks DECSET/DECRST over the decoded stream, across chunk boundaries."""

    modes: TerminalModes = field(default_factory=TerminalModes)
    scroll_region: str = ""  # parameters of the last DECSTBM ("" = the whole screen)
    _tail: str = ""

    def scan(self, text: str) -> None:
        if self._tail:
            text = self._tail + text
            self._tail = ""
        if "\x1b" not in text:
            return
        for match in _DECSET.finditer(text):
            if match.group(0) == "\x1bc":
                self.modes = TerminalModes()
                self.scroll_region = ""
                continue
            enable = match.group(2) == "h"
            for part in match.group(1).split(";"):
                if part.isdigit():
                    self._set(int(part), enable)
        if "r" in text:
            for match in _DECSTBM.finditer(text):
                self.scroll_region = match.group(1)
        # An escape sequence cut by the chunk boundary: keep it for the next chunk.
        last = text.rfind("\x1b", max(0, len(text) - _MAX_PENDING_ESCAPE))
        if last != -1 and not _is_complete_escape(text[last:]):
            self._tail = text[last:]

    def _set(self, mode: int, enable: bool) -> None:
        modes = self.modes
        if mode == 2004:
            modes.bracketed_paste = enable
        elif mode in _MOUSE_MODES:
            if enable:
                modes.mouse_tracking = mode
            elif modes.mouse_tracking == mode:
                modes.mouse_tracking = 0
        elif mode == 1006:
            modes.mouse_sgr = enable
        elif mode in _ALT_MODES:
            modes.alternate_screen = enable
        elif mode == 1004:
            modes.focus_events = enable


def _pieces(text: str) -> list[str]:
    """Cut around each alternate-screen switch (so lines scrolled off the main screen before it go
    to the scrollback and those of the alternate screen do not), and into slices of at most
    `_FEED_SLICE` characters (avt is 2x slower on very large strings)."""
    # Before the switch too: avt hands back the lines scrolled off in a call only when that call
    # ends in the screen they scrolled in.
    cuts = [cut for m in _ALT_SWITCH.finditer(text) for cut in (m.start(), m.end())] if "\x1b[?" in text else []
    cuts.append(len(text))
    pieces: list[str] = []
    start = 0
    for end in cuts:
        while start < end:
            stop = min(end, start + _FEED_SLICE)
            pieces.append(text[start:stop])
            start = stop
    return pieces


def _is_complete_escape(seq: str) -> bool:
    if len(seq) < 2:
        return False
    if seq[1] != "[":
        return True  # two-byte escapes (ESC c, ESC 7, ...) and OSC/DCS strings do not matter here
    for ch in seq[2:]:
        if "\x40" <= ch <= "\x7e":
            return True
    return False


def _ends_in_ground(seq: str) -> bool:
    """Whether the parser is back in its ground state after `seq`, which starts with the last ESC
    of the output so far (an unfinished CSI, an OSC/DCS string not yet ended, ... say no)."""
    if len(seq) < 2:
        return False
    kind = seq[1]
    if kind == "[":
        return _is_complete_escape(seq)
    if kind in _STRING_ESCAPES:
        return "\x07" in seq  # ended by BEL (an ST ending it would itself be the last ESC)
    if kind in _CHARSET_ESCAPES:
        return len(seq) >= 3
    return True


def _color(color: Any) -> Color:
    if color is None:
        return None
    if isinstance(color, avt.Color.RGB):
        return (color[0], color[1], color[2])
    return int(color[0])


def _pen_style(pen: Any) -> CellStyle:
    if pen.is_default():
        return DEFAULT_STYLE
    return CellStyle(
        fg=_color(pen.foreground),
        bg=_color(pen.background),
        bold=pen.bold,
        faint=pen.faint,
        italic=pen.italic,
        underline=pen.underline,
        strike=pen.strikethrough,
        blink=pen.blink,
        reverse=pen.inverse,
    )


def _split_by_pen(a: Any, b: Any) -> bool:
    return a.pen != b.pen


def line_segments(line: Any) -> list[StyledSegment]:
    """A line of the engine as runs of equally styled cells (wide characters count two cells)."""
    text: str = line.text
    chunks = line.chunks(_split_by_pen)
    if len(chunks) == 1:
        chunk = chunks[0]
        width = len(text) if text.isascii() else sum(cell.width for cell in chunk)
        return [StyledSegment(text, width, _pen_style(chunk[0].pen))]
    segments: list[StyledSegment] = []
    position = 0
    for chunk in chunks:
        count = len(chunk)
        piece = text[position : position + count]
        position += count
        width = count if piece.isascii() else sum(cell.width for cell in chunk)
        segments.append(StyledSegment(piece, width, _pen_style(chunk[0].pen)))
    return segments



MIN_COLS = 2
_WORD_CHARS = "_-./:~@%+=#?&"  # parts of words, paths and URLs for a double-click selection
# pyo3 turns a Rust panic into `pyo3_runtime.PanicException`, a BaseException subclass that
# `except Exception` misses and that cannot be imported by name: catch BaseException, re-raise
# the interpreter's own.
_INTERPRETER_EXITS = (KeyboardInterrupt, SystemExit, GeneratorExit)

class TerminalEngine:
    """A virtual terminal: feed it the bytes a program writes, read back styled lines.

    Lines are numbered from the oldest scrollback line (0) to the bottom row of the screen
    (`line_count - 1`). In the alternate screen only the screen is shown (no scrollback).
    """

    def __init__(self, cols: int, rows: int, scrollback: int = 10000) -> None:
        # pyavt panics when a wide character has to fit in a single column: keep at least two.
        self._cols = max(MIN_COLS, cols)
        self._rows = max(1, rows)
        self._vt = avt.Vt(self._cols, self._rows, 0)
        self._scrollback: deque[Any] = deque(maxlen=max(0, scrollback))
        self._pushed = 0  # lines ever pushed into the scrollback
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._scanner = _ModeScanner()
        self.engine_errors = 0  # native engine panics recovered from (a clean screen each time)
        self._ground = True  # the parser is not inside an escape sequence or string
        self.bytes_skipped = 0  # output never parsed because it would scroll away unseen (see skip_unseen)

    # -- input -------------------------------------------------------------------------------
    def feed(self, data: bytes) -> list[int]:
        """Feed program output; return the indexes (as in `line`) of the lines that changed: screen rows,
        and the rows of the screen before this feed that it scrolled into the scrollback."""
        text = self._decoder.decode(data)
        if not text:
            return []
        return self.feed_text(text)

    def skip_unseen(self, data: bytes) -> bytes:
        """The part of `data` that must be parsed; the rest would leave no trace.

        A flood (`seq 1 2000000`, `cat big.log`) scrolls most of its lines out of the scrollback
        before anyone can see them. When `data` starts with plain lines (printable ASCII, CR, LF:
        nothing that changes a mode, the pen, the cursor but to write and go down) and the plain run
        goes on for more lines than the screen and the scrollback hold together, then feeding the whole
        of it or only what follows ends in the same screen, scrollback, cursor and modes: that
        plain head is dropped unparsed. Only in the main screen, with no scroll region, when the
        parser is in its ground state and no UTF-8 sequence is half decoded.
        """
        # Rows on screen now may be written over without being cleared (the cursor may be anywhere):
        # enough line feeds must follow to push all of them, then a full scrollback, out.
        keep = (self._scrollback.maxlen or 0) + 2 * self._rows + 1
        if (len(data) < keep * 2 or not self._ground or self._scanner.modes.alternate_screen
                or self._scanner._tail or not self._full_scroll_region() or self._decoder.getstate()[0]):
            return data
        other = _NOT_PLAIN.search(data)  # colours, cursor movement ...: stops the plain head
        plain_end = len(data) if other is None else other.start()
        # Only line feeds of the plain run count: after it a scroll region may be set.
        if plain_end < keep * 2 or data.count(b"\n", 0, plain_end) <= keep:
            return data
        # The latest position that still leaves `keep` plain line feeds after it (binary search).
        low, high = 0, plain_end
        while low < high:
            middle = (low + high + 1) // 2
            if data.count(b"\n", middle, plain_end) >= keep:
                low = middle
            else:
                high = middle - 1
        cut = data.rfind(b"\r\n", 0, low) + 2
        if cut < 2:
            return data
        skipped = data[:cut]
        # Line numbers move on past every line shown or cached so far, as if the lines had scrolled.
        self._pushed += max(skipped.count(b"\n"), len(self._scrollback) + self._rows)
        self.bytes_skipped += cut
        return data[cut:]

    def _full_scroll_region(self) -> bool:
        region = self._scanner.scroll_region
        return region in ("", ";", "1", "1;", ";0", "0;0") or region in (f"1;{self._rows}", f";{self._rows}")

    def feed_text(self, text: str) -> list[int]:
        pushed_before = self._pushed
        changed = self._feed_pieces(text)
        if self._pushed != pushed_before:
            # Rows of the screen as it was before this feed went into the scrollback: their text may
            # have been written in this very feed (`clear; seq 1 60` writes and scrolls rows in one
            # burst), so they changed too, though they are not on the screen any more.
            changed[:0] = self._scrolled_since(pushed_before)
        return changed

    def _scrolled_since(self, pushed_before: int) -> range:
        """Indexes of the lines that were screen rows when `_pushed` was `pushed_before` and are now
        held in the scrollback (lines pushed later than those were never shown: nothing caches them)."""
        if self._scanner.modes.alternate_screen:
            return range(0)  # the scrollback is not shown now (and the view drops its cache on a switch)
        first_key = self._pushed - len(self._scrollback)
        start = max(pushed_before, first_key)
        stop = min(self._pushed, pushed_before + self._rows)
        return range(start - first_key, max(start, stop) - first_key)

    def _feed_pieces(self, text: str) -> list[int]:
        last_escape = text.rfind("\x1b")
        if last_escape != -1:
            self._ground = _ends_in_ground(text[last_escape:])
        if not text.isascii() and max(text.rfind(c1) for c1 in _C1_OPENERS) > last_escape:
            self._ground = False  # an 8-bit control sequence may be open: never skip after it
        if len(text) <= _FEED_SLICE and "\x1b[?" not in text:
            changed, scrolled = self._feed_vt(text)
            self._push(scrolled)
            self._scanner.scan(text)
            offset = self.screen_offset
            return [offset + row for row in changed]
        changed_rows: set[int] = set()
        for piece in _pieces(text):
            changed, scrolled = self._feed_vt(piece)
            self._push(scrolled)
            self._scanner.scan(piece)
            changed_rows.update(changed)
        offset = self.screen_offset
        return [offset + row for row in sorted(changed_rows)]

    def resize(self, cols: int, rows: int) -> None:
        cols, rows = max(MIN_COLS, cols), max(1, rows)
        if (cols, rows) == (self._cols, self._rows):
            return
        self._cols, self._rows = cols, rows
        try:
            _changed, scrolled = self._vt.resize(cols, rows)
        except BaseException as exc:
            if isinstance(exc, _INTERPRETER_EXITS):
                raise
            self._recover()
            return
        self._push(scrolled)

    def _feed_vt(self, text: str) -> tuple[list[int], list[Any]]:
        try:
            return self._vt.feed_str(text)
        except BaseException as exc:
            if isinstance(exc, _INTERPRETER_EXITS):
                raise
            # A bug in the native engine must never take the app down: start a clean screen
            # (the scrollback stays) and report every row as changed.
            self._recover()
            return list(range(self._rows)), []

    def _recover(self) -> None:
        self.engine_errors += 1
        self._vt = avt.Vt(self._cols, self._rows, 0)

    def _push(self, scrolled: list[Any]) -> None:
        if scrolled and not self._scanner.modes.alternate_screen:
            self._scrollback.extend(scrolled)
            self._pushed += len(scrolled)

    # -- geometry ------------------------------------------------------------------------------
    @property
    def cols(self) -> int:
        return self._cols

    @property
    def rows(self) -> int:
        return self._rows

    @property
    def scrollback_lines(self) -> int:
        """How many scrollback lines are shown above the screen (0 in the alternate screen)."""
        return 0 if self._scanner.modes.alternate_screen else len(self._scrollback)

    @property
    def screen_offset(self) -> int:
        """Index of the screen's top row among all lines."""
        return self.scrollback_lines

    @property
    def line_count(self) -> int:
        return self.scrollback_lines + self._rows

    def line_key(self, index: int) -> int:
        """A number that stays with a line while it scrolls (for caching rendered lines).

        Screen rows of the alternate screen get negative keys so they never collide.
        """
        if self._scanner.modes.alternate_screen:
            return -1 - index
        return self._pushed - len(self._scrollback) + index

    def _line(self, index: int) -> Any:
        offset = self.scrollback_lines
        if index < offset:
            return self._scrollback[index]
        return self._vt[index - offset]

    def line_text(self, index: int) -> str:
        return str(self._line(index).text)

    def line_segments(self, index: int) -> list[StyledSegment]:
        return line_segments(self._line(index))

    def cells_text(self, index: int, start: int, end: int) -> str:
        """The text of cells `start` to `end` (exclusive) of a line; a wide character counts once."""
        cells = self._line(index).cells
        return "".join(cell.char for cell in cells[max(0, start) : max(0, end)] if cell.width)

    def cell_span(self, index: int, start: int, end: int) -> tuple[int, int]:
        """Widen the cell range [start, end) so it never cuts a wide character in two."""
        cells = self._line(index).cells
        count = len(cells)
        start, end = max(0, min(start, count)), max(0, min(end, count))
        if 0 < start < count and cells[start].width == 0:
            start -= 1  # the right half of a wide character: take the whole character
        if 0 < end < count and cells[end].width == 0:
            end += 1
        return start, end

    def word_span(self, index: int, col: int) -> tuple[int, int]:
        """The cells [start, end) of the word (letters, digits and `_-./:~@%+=`) at `col`."""
        cells = self._line(index).cells
        if not 0 <= col < len(cells):
            return col, col
        if cells[col].width == 0 and col > 0:
            col -= 1

        def in_word(i: int) -> bool:
            char = cells[i].char
            return cells[i].width == 0 or char.isalnum() or char in _WORD_CHARS

        if not in_word(col):
            return col, col + max(1, cells[col].width)
        start = col
        while start > 0 and in_word(start - 1):
            start -= 1
        end = col + 1
        while end < len(cells) and in_word(end):
            end += 1
        return start, end

    def screen_text(self) -> list[str]:
        """The visible screen, one string per row, trailing blanks removed."""
        return [str(line.text).rstrip() for line in self._vt.view()]

    def all_text(self) -> list[str]:
        return [self.line_text(i).rstrip() for i in range(self.line_count)]

    # -- state ---------------------------------------------------------------------------------
    @property
    def cursor(self) -> TerminalCursor:
        cursor = self._vt.cursor
        return TerminalCursor(col=cursor.col, row=cursor.row, visible=bool(cursor.visible))

    @property
    def application_cursor_keys(self) -> bool:
        return bool(self._vt.cursor_key_app_mode)

    @property
    def modes(self) -> TerminalModes:
        return self._scanner.modes

    @property
    def alternate_screen(self) -> bool:
        return self._scanner.modes.alternate_screen

    @property
    def bracketed_paste(self) -> bool:
        return self._scanner.modes.bracketed_paste
