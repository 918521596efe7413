"""widgets/log_view.LogView on its own (a headless Textual app, no cluster): 100,000 lines scroll,
wrap, search, select and follow the end; only the rows in view are drawn."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.pods.log_text import LogLine
from widgets.log_view import LogView

LINES = 100_000


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView()


def _lines(count: int, start: int = 0) -> list[LogLine]:
    return [LogLine(f"2026-12-03T07:00:00.{i:09d}Z", f"line {i:06d} " + ("x" * 150 if i % 10 == 0 else "short"))
            for i in range(start, start + count)]


async def test_a_hundred_thousand_lines_scroll_and_jump() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.focus()
        view.set_lines(_lines(LINES))
        await pilot.pause()
        assert view.visible_text()[0].startswith("line 000000 xxx")
        assert view.virtual_size.height == LINES
        await pilot.press("G")
        assert view.bottom_line == LINES - 1
        assert view.visible_text()[-1].startswith(f"line {LINES - 1:06d}")
        await pilot.press("g", "pagedown")
        assert view.top_line == view.scrollable_content_region.height - 1
        await pilot.press("t")  # not bound here: the screen's key; the view's own toggle:
        view.set_timestamps(True)
        assert view.visible_text()[0].startswith("2026-12-03T07:00:00.0000000")
        view.set_timestamps(False)
        drawn: list[int] = []
        original = view._line_strip

        def counting(index: int):  # type: ignore[no-untyped-def]
            drawn.append(index)
            return original(index)

        view._line_strip = counting  # type: ignore[method-assign]
        view.refresh()
        await pilot.pause()
        assert 0 < len(drawn) <= 2 * view.scrollable_content_region.height  # the rows in view, not the log


async def test_wrap_counts_rows_and_keeps_the_top_line() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.set_lines(_lines(1000))
        await pilot.pause()
        view.scroll_to(y=500, animate=False, immediate=True)
        view.set_wrap(True)
        await pilot.pause()
        width = view.scrollable_content_region.width
        long_rows = -(-len("line 000000 " + "x" * 150) // width)
        assert view.virtual_size.height == 900 + 100 * long_rows
        assert view.top_line == 500
        assert view.visible_text()[0].startswith("line 000500 ")
        assert view.visible_text()[1].startswith("x")  # the rest of line 500, wrapped
        view.set_wrap(False)
        assert view.virtual_size.height == 1000 and view.top_line == 500


async def test_search_selection_and_following_the_end() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.set_lines(_lines(100))
        await pilot.pause()
        assert view.search("LINE 00005") == 0  # a capital: case matters
        assert view.search("line 00005") == 10
        assert view.matches[view.current_match or 0] == 50
        assert view.next_match(-1) == 59  # wraps around backwards
        view.start_selection()
        view.move_selection(2)  # from line 59 (the current match) down
        assert [line.text[:11] for line in view.selected_lines()] == ["line 000059", "line 000060", "line 000061"]
        view.clear_selection()
        view.search("")
        view.action_bottom()
        view.append_lines(_lines(5, 100))  # at the end: stays at the end
        await pilot.pause()
        assert view.bottom_line == 104
        view.action_top()
        view.append_lines(_lines(5, 105))  # scrolled up: stays where the user is
        await pilot.pause()
        assert view.top_line == 0 and view.line_count == 110
        assert view.search("line 000110") == 0
        view.append_lines(_lines(1, 110))  # new lines are searched too
        assert view.matches == [110]


async def test_dropping_the_oldest_lines_keeps_the_view_on_its_lines() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.set_lines(_lines(1000))
        await pilot.pause()
        view.scroll_to(y=600, animate=False, immediate=True)
        view.search("line 00070")  # lines 700-709
        view.start_selection(650)
        view.move_selection(2)
        top, first_row = view.top_line, view.visible_text()[0]
        view.drop_first(500)
        await pilot.pause()
        assert view.line_count == 500 and view.lines[0].text.startswith("line 000500")
        assert view.top_line == top - 500 and view.visible_text()[0] == first_row  # the same lines in view
        assert view.matches == list(range(200, 210))
        assert view.selection == (150, 152)
        view.set_wrap(True)
        await pilot.pause()
        top, first_row = view.top_line, view.visible_text()[0]
        view.drop_first(100)  # wrapped: rows, not lines, are taken off the scroll position
        await pilot.pause()
        assert view.top_line == top - 100 and view.visible_text()[0] == first_row
        view.drop_first(10_000)
        assert view.line_count == 0 and view.selection is None and view.matches == []
