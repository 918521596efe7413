"""Partial repaints are written from the first changed cell (widgets/narrow_updates.py, issue 15):
an AGE that ticks in the table's seventh column sends that cell, not the line from the left edge.
Checked against Textual's own ChopsUpdate output, so a Textual change of that class fails here."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from widgets import narrow_updates

ROW = Strip([Segment(" default  payments-api  0/1  CrashLoopBackOff  ", Style(color="white")),
             Segment("5 (7m6s ago)", Style(color="red")), Segment("  49m ", Style(color="white"))])


def update(x1: int, x2: int, strip: Strip = ROW) -> ChopsUpdate:
    return ChopsUpdate([{0: strip}], [(0, x1, x2)], [[strip.cell_length]])


def written(chops: ChopsUpdate) -> str:
    narrow_updates.install()
    return chops.render_segments(Console(color_system="256", force_terminal=True, width=200))


def test_a_changed_cell_is_written_from_its_column_not_the_line_start() -> None:
    start = ROW.text.index("5 (7m")
    out = written(update(start, start + 12))
    assert f"\x1b[1;{start + 1}H" in out  # the cursor goes to the cell
    assert "payments-api" not in out and "default" not in out
    assert "5 (7m6s ago)" in out
    assert "49m" not in out  # cropped on the right as before


def test_a_cut_inside_a_segment_starts_at_that_column() -> None:
    start = ROW.text.index("Crash") + 5
    out = written(update(start, start + 4))
    assert f"\x1b[1;{start + 1}H" in out
    assert "LoopBack" not in out and "Loop" in out


def test_a_wide_character_is_never_split() -> None:
    strip = Strip([Segment("ab日本cd")])
    out = written(update(3, 5, strip))  # column 3 is the right half of 日
    assert out.endswith("日本") and "\x1b[1;3H" in out  # both halves whole, nothing after


def test_the_whole_line_when_the_span_covers_it() -> None:
    out = written(update(0, ROW.cell_length))
    assert "\x1b[1;1H" in out and "payments-api" in out and "49m" in out
