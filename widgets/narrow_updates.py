"""Partial screen updates written from the first changed cell, not from the widget's left edge.

Textual turns a widget's dirty region into terminal output in `ChopsUpdate.render_segments`,
which crops each line on the right only: an AGE that ticks in the pod table's seventh column
rewrote the line from the table's first column (~170 bytes where ~40 say it), and an event's
"63m" becoming "64m" in the inspector its whole line. Over SSH on a slow link an idle screen
should write next to nothing (issue 15), so `install()` replaces that method with one that also
crops on the left, at the first changed cell (a cut never splits a wide character: it moves
out to the character's edge, on either side). What reaches the screen is the same; only fewer bytes go out.

`tests/unit/test_narrow_updates.py` checks the bytes against Textual's own output, so a Textual
version that renames or reshapes `ChopsUpdate` fails there instead of silently writing more.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate
from textual.strip import Strip

_installed = False


def _cell_bounds(strip: Strip, x: int, column: int) -> tuple[int, int]:
    """The screen columns where the character covering `column` starts and ends (`strip` placed
    at column `x`): a cut there never splits a wide character."""
    position = x
    for segment in strip:
        width = segment.cell_length
        if position + width <= column:
            position += width
            continue
        text = segment.text
        if text.isascii():
            return column, column + 1
        for char in text:
            char_width = cell_len(char)
            if position + char_width > column:
                return position, position + char_width
            position += char_width
        return position, position
    return column, column


def render_segments(self: ChopsUpdate, console: Console) -> str:
    """`ChopsUpdate.render_segments` with each changed span cropped on both sides."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                append(move_to(x, y).segment.text)
                append(strip.render(console))
                continue
            start = _cell_bounds(strip, x, x1)[0] if x < x1 else x
            stop = max(x2, _cell_bounds(strip, x, x2 - 1)[1]) if x2 < end else end
            append(move_to(start, y).segment.text)
            append(strip.crop(start - x, min(end, stop) - x).render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> None:
    """Use `render_segments` above for every partial update from now on (idempotent)."""
    global _installed
    if not _installed:
        ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
        _installed = True
