"""Mouse selection in a terminal pane: a left-button drag selects cells (character-precise,
highlighted) and announces them for copying on release; a double click selects a word, a triple
click a line; a program that asked for the mouse gets the events instead, unless Shift is held."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.terminal_app import TerminalApp, until, visible_text
from widgets.terminal.engine import TerminalEngine
from widgets.terminal.terminal_view import SELECTED_STYLE, TerminalSelected, TerminalView


class SelectionApp(TerminalApp):
    def on_terminal_selected(self, message: TerminalSelected) -> None:
        self.messages.append(message)

    def selections(self) -> list[str]:
        return [m.text for m in self.messages if isinstance(m, TerminalSelected)]


def highlighted(term: TerminalView, y: int) -> str:
    """The characters of row `y` painted with the selection's colours."""
    strip = term.render_line(y)
    return "".join(text for text, style, _ in strip if style is not None and style.bgcolor == SELECTED_STYLE.bgcolor)


@asynccontextmanager
async def showing(output: bytes, shown: str, size: tuple[int, int] = (40, 8)
                  ) -> AsyncIterator[tuple[SelectionApp, Any, TerminalView]]:
    """A terminal app that has painted `output` (until a row shows `shown`)."""
    app = SelectionApp()
    async with app.run_test(size=size) as pilot:
        term = app.query_one(TerminalView)
        term.feed(output)
        await until(pilot, lambda: any(shown in row for row in visible_text(term)))
        yield app, pilot, term


async def drag(pilot, start: tuple[int, int], end: tuple[int, int], *, shift: bool = False) -> None:  # type: ignore[no-untyped-def]
    await pilot.mouse_down(TerminalView, offset=start, shift=shift)
    await pilot.hover(TerminalView, offset=((start[0] + end[0]) // 2, start[1]))
    await pilot.hover(TerminalView, offset=end)
    await pilot.mouse_up(TerminalView, offset=end, shift=shift)


async def test_drag_selects_exactly_the_cells_between_and_announces_them() -> None:
    async with showing(b"alpha beta gamma\r\ndelta epsilon zeta\r\n", "delta epsilon zeta") as (app, pilot, term):
        await drag(pilot, (6, 0), (12, 1))
        await until(pilot, lambda: app.selections() != [])
        assert app.selections() == ["beta gamma\ndelta epsilon"]
        assert term.selected_text() == "beta gamma\ndelta epsilon"
        assert highlighted(term, 0).startswith("beta gamma")  # to the end of the first line
        assert highlighted(term, 1) == "delta epsilon"
        assert highlighted(term, 2) == ""
        assert not term.selection_is_lines
        assert app.sent() == b""  # the program got no mouse bytes
        # The selection stays shown; a click (no drag) clears it and selects nothing.
        await pilot.click(TerminalView, offset=(3, 3))
        await until(pilot, lambda: term.selection is None)
        assert highlighted(term, 0) == ""
        assert len(app.selections()) == 1


async def test_drag_backwards_and_within_a_line() -> None:
    async with showing(b"one two three\r\n", "one two three") as (app, pilot, _term):
        await drag(pilot, (6, 0), (4, 0))
        await until(pilot, lambda: app.selections() != [])
        assert app.selections() == ["two"]


async def test_double_click_selects_a_word_and_triple_click_a_line() -> None:
    async with showing(b"see /var/log/app.log for details\r\n", "details", size=(50, 8)) as (app, pilot, term):
        await pilot.double_click(TerminalView, offset=(8, 0))
        await until(pilot, lambda: app.selections() != [])
        assert app.selections()[-1] == "/var/log/app.log"
        assert highlighted(term, 0) == "/var/log/app.log"
        await pilot.triple_click(TerminalView, offset=(1, 0))
        await until(pilot, lambda: app.selections()[-1] == "see /var/log/app.log for details")
        assert term.selection_is_lines


async def test_a_program_that_asked_for_the_mouse_gets_the_drag_unless_shift_is_held() -> None:
    app = SelectionApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed(b"hello world\r\n\x1b[?1002h\x1b[?1006h")
        await until(pilot, lambda: term.engine.modes.mouse_tracking == 1002)
        await drag(pilot, (0, 0), (4, 0))
        await until(pilot, lambda: b"\x1b[<0;5;1m" in app.sent())
        assert b"\x1b[<0;1;1M" in app.sent() and b"\x1b[<32;5;1M" in app.sent()  # press, motion, release
        assert term.selection is None and app.selections() == []
        before = app.sent()
        await drag(pilot, (6, 0), (10, 0), shift=True)
        await until(pilot, lambda: app.selections() != [])
        assert app.selections() == ["world"]
        assert app.sent() == before  # Shift: a selection, nothing reported


async def test_selection_never_cuts_a_wide_character() -> None:
    async with showing("ab日本語cd\r\n".encode(), "ab日本語cd") as (app, pilot, _term):
        await drag(pilot, (3, 0), (6, 0))  # from the right half of 日 to the left half of 語
        await until(pilot, lambda: app.selections() != [])
        assert app.selections() == ["日本語"]


async def test_drag_above_the_pane_scrolls_back_and_extends_into_the_scrollback() -> None:
    async with showing(b"".join(b"line %d\r\n" % i for i in range(1, 41)), "line 40", size=(30, 6)) as (app, pilot, term):
        await pilot.mouse_down(TerminalView, offset=(6, 3))
        start = term.selection
        for _ in range(5):
            await pilot.hover(TerminalView, offset=(0, 0))
            await term_scroll_up(pilot, term)
        await pilot.mouse_up(TerminalView, offset=(0, 0))
        await until(pilot, lambda: app.selections() != [])
        text = app.selections()[0]
        assert start is None  # a press alone selects nothing
        # From the top-left cell of the view (scrolled up five lines) to where the drag started.
        assert text == "\n".join(f"line {i}" for i in range(31, 40))
        assert visible_text(term)[0] == "line 31"
        assert not term.following


async def term_scroll_up(pilot, term: TerminalView) -> None:  # type: ignore[no-untyped-def]
    """A mouse move above the widget while dragging (the driver reports negative offsets)."""
    from textual import events

    region = term.region
    term.post_message(events.MouseMove(term, 0, -1, 0, 0, 1, False, False, False,
                                       screen_x=region.x, screen_y=region.y - 1))
    await pilot.pause()


def test_engine_cells_text_and_spans_count_wide_characters_once() -> None:
    engine = TerminalEngine(20, 3)
    engine.feed("a日b ~/x.py-1 z".encode())
    assert engine.cells_text(0, 0, 4) == "a日b"
    assert engine.cell_span(0, 2, 3) == (1, 3)  # the right half of 日 takes the whole character
    assert engine.cell_span(0, 0, 2) == (0, 3)
    assert engine.word_span(0, 7) == (5, 13)  # ~/x.py-1
    assert engine.word_span(0, 4) == (4, 5)  # a blank is its own "word"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.binary(max_size=300), max_size=6),
       points=st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 30)), min_size=2, max_size=2),
       word=st.tuples(st.integers(0, 40), st.integers(0, 25)))
def test_any_selection_of_any_output_gives_text(chunks: list[bytes], points: list[tuple[int, int]],
                                                word: tuple[int, int]) -> None:
    term = TerminalView(cols=12, rows=5, scrollback=20)
    for chunk in chunks:
        term.engine.feed(chunk)
    term.select_cells(points[0], points[1])
    assert isinstance(term.selected_text(), str)
    engine = term.engine
    line = word[0] % engine.line_count
    start, end = engine.word_span(line, word[1] % engine.cols)
    assert 0 <= start < end <= engine.cols
    assert isinstance(engine.cells_text(line, start, end), str)


async def test_switching_to_the_alternate_screen_drops_the_selection() -> None:
    async with showing(b"some text\r\n", "some text") as (app, pilot, term):
        await drag(pilot, (0, 0), (3, 0))
        await until(pilot, lambda: app.selections() == ["some"])
        term.feed(b"\x1b[?1049hfull screen")
        await until(pilot, lambda: term.engine.alternate_screen)
        term.flush_pending()
        assert term.selection is None and highlighted(term, 0) == ""
