"""The terminal widget in a headless Textual app: what the user sees and what their keys send."""

from __future__ import annotations

import asyncio
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.color import Color
from textual.message import Message

import widgets.terminal.terminal_view as terminal_view_module
from helpers.terminal_app import TerminalApp, until, visible_text
from widgets.terminal.terminal_view import TerminalLeave, TerminalResized, TerminalView


async def show_numbers(pilot, term: TerminalView, count: int) -> None:  # type: ignore[no-untyped-def]
    """The lines 1 to `count` printed, and shown down to the last one."""
    term.feed(b"".join(b"%d\r\n" % i for i in range(1, count + 1)))
    await until(pilot, lambda: str(count) in visible_text(term))


async def test_widget_shows_fed_text_and_its_colors() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed(b"$ echo \x1b[31mred\x1b[0m\r\nred\r\n$ ")
        await until(pilot, lambda: visible_text(term)[:3] == ["$ echo red", "red", "$"])
        strip = term.render_line(0)
        red = [seg for seg in strip if seg.text == "red"]
        assert red and red[0].style is not None and red[0].style.color == Color.from_ansi(1)


async def test_widget_swallows_keys_into_terminal_input() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.press("l", "s", "enter", "ctrl+c", "up", "tab", "shift+tab", "escape")
        await until(pilot, lambda: app.sent() == b"ls\r\x03\x1b[A\t\x1b[Z\x1b")
        # Tab went to the shell, not to focus navigation.
        assert app.focused is app.query_one(TerminalView)


async def test_application_cursor_mode_changes_arrow_bytes() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed(b"\x1b[?1h")
        await until(pilot, lambda: term.engine.application_cursor_keys)
        await pilot.press("up", "left")
        await until(pilot, lambda: len(app.sent()) >= 6)
        assert app.sent() == b"\x1bOA\x1bOD"


async def test_leave_chord_posts_terminal_leave_and_sends_nothing() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.press("ctrl+right_square_bracket")
        await until(pilot, lambda: any(isinstance(m, TerminalLeave) for m in app.messages))
        assert app.sent() == b""
        assert TerminalView.leave_hint == "Ctrl+] leave pane"


async def test_paste_is_bracketed_only_when_the_program_asked() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.post_message(_paste("echo 1\n"))
        await until(pilot, lambda: app.sent() == b"echo 1\r")
        term.feed(b"\x1b[?2004h")
        await until(pilot, lambda: term.engine.bracketed_paste)
        term.post_message(_paste("echo 2\n"))
        await until(pilot, lambda: app.sent().endswith(b"\x1b[200~echo 2\r\x1b[201~"))


def _wheel_up(term: TerminalView) -> Message:
    from textual import events

    return events.MouseScrollUp(term, 2, 3, 0, -1, 0, False, False, False, screen_x=2, screen_y=3)


def _wheel_down(term: TerminalView) -> Message:
    from textual import events

    return events.MouseScrollDown(term, 2, 3, 0, 1, 0, False, False, False, screen_x=2, screen_y=3)


def _paste(text: str) -> Message:
    from textual import events

    return events.Paste(text)


async def test_feed_from_another_thread() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)

        def reader() -> None:
            for i in range(1, 1001):
                term.feed(b"line %d\r\n" % i)

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join()
        await until(pilot, lambda: "line 1000" in visible_text(term))
        assert term.following


async def test_initial_size_and_debounced_resize_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    # A debounce window far longer than three resizes take, even on a loaded machine.
    monkeypatch.setattr(terminal_view_module, "RESIZE_DEBOUNCE", 1.0)
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        await until(pilot, lambda: any(isinstance(m, TerminalResized) for m in app.messages))
        first = [m for m in app.messages if isinstance(m, TerminalResized)]
        assert (first[0].cols, first[0].rows) == (term.scrollable_content_region.width, 8)
        assert term.size_in_cells == (first[0].cols, 8)
        for width in (50, 55, 60):
            await pilot.resize_terminal(width, 10)
        await until(pilot, lambda: [(m.cols, m.rows) for m in app.messages if isinstance(m, TerminalResized)][-1]
                    == (59, 10))  # the last size arrived (after the debounce); then nothing more may come
        await pilot.pause()
        resized = [m for m in app.messages if isinstance(m, TerminalResized)]
        assert len(resized) == 2  # the three quick resizes were debounced into one
        assert (resized[-1].cols, resized[-1].rows) == (59, 10)
        assert term.size_in_cells == (59, 10)


async def test_scrollback_by_keys_stops_following_until_back_at_the_bottom() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        await show_numbers(pilot, term, 100)
        await pilot.press("shift+pageup")
        await pilot.pause()
        assert not term.following
        shown = visible_text(term)
        assert "100" not in shown
        term.feed(b"more\r\n")
        await until(pilot, lambda: "more" in term.engine.all_text())
        assert visible_text(term) == shown  # the view stays where the user scrolled
        assert app.sent() == b""  # scroll keys are not sent to the program
        for _ in range(5):
            await pilot.press("shift+pagedown")
        await pilot.pause()
        assert term.following
        assert "more" in visible_text(term)


async def test_mouse_wheel_scrolls_scrollback_unless_the_program_wants_the_mouse() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        await show_numbers(pilot, term, 100)
        term.post_message(_wheel_up(term))
        await until(pilot, lambda: not term.following)
        assert "100" not in visible_text(term)
        assert app.sent() == b""
        term.feed(b"\x1b[?1000h\x1b[?1006h")
        await until(pilot, lambda: term.engine.modes.mouse_tracking == 1000)
        term.post_message(_wheel_up(term))
        await until(pilot, lambda: b"\x1b[<64;3;4M" in app.sent())
        await pilot.click(TerminalView, offset=(2, 3))
        await until(pilot, lambda: b"\x1b[<0;3;4m" in app.sent())
        assert b"\x1b[<0;3;4M" in app.sent()


async def test_cursor_is_reverse_video_only_when_focused_and_visible() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed(b"$ ")
        await until(pilot, lambda: visible_text(term)[0] == "$")

        def cursor_reversed() -> bool:
            strip = term.render_line(0)
            cells = strip.divide([2, 3])[1]
            return any(seg.style is not None and seg.style.reverse for seg in cells)

        assert cursor_reversed()
        term.feed(b"\x1b[?25l")
        await until(pilot, lambda: not term.engine.cursor.visible)
        assert not cursor_reversed()
        term.feed(b"\x1b[?25h")
        await until(pilot, lambda: term.engine.cursor.visible)
        term.blur()
        await pilot.pause()
        assert not cursor_reversed()


async def test_wide_characters_keep_the_columns_aligned() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed("中文😀|\r\nabcdefg|\r\ne\u0301\u0301x|".encode())
        await until(pilot, lambda: visible_text(term)[1] == "abcdefg|")
        width = term.scrollable_content_region.width
        for y in range(3):
            assert term.render_line(y).cell_length == width
        assert visible_text(term)[0] == "中文😀|"


async def test_alternate_screen_in_the_widget() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.feed(b"".join(b"%d\r\n" % i for i in range(1, 30)) + b"$ top")
        await until(pilot, lambda: visible_text(term)[-1] == "$ top")
        term.feed(b"\x1b[?1049h\x1b[H\x1b[2JMem: 1K used\r\n  PID USER")
        await until(pilot, lambda: visible_text(term)[0] == "Mem: 1K used")
        term.feed(b"\x1b[?1049l")
        await until(pilot, lambda: visible_text(term)[-1] == "$ top")
        assert visible_text(term)[-2] == "29"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6))
def test_random_bytes_never_crash_the_widget(chunks: list[bytes]) -> None:
    async def run() -> None:
        app = TerminalApp()
        async with app.run_test(size=(30, 6)) as pilot:
            term = app.query_one(TerminalView)
            for chunk in chunks:
                term.feed(chunk)
            term.flush_pending()
            await pilot.pause()
            for y in range(6):
                assert term.render_line(y).cell_length == term.scrollable_content_region.width
            await pilot.press("a", "up")

    asyncio.run(run())


async def test_a_flood_from_a_thread_is_bounded_and_never_blocks_after_the_pane_is_gone() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        data = b"".join(b"%d\r\n" % i for i in range(1, 300001))  # 2.3 MB
        done = threading.Event()

        def reader() -> None:
            for i in range(0, len(data), 32768):
                term.feed(data[i : i + 32768])
            done.set()

        threading.Thread(target=reader, daemon=True).start()
        await until(pilot, lambda: "300000" in visible_text(term), timeout=30)
        assert done.is_set()
        await term.remove()
        finished = threading.Event()

        def late_reader() -> None:
            for _ in range(100):
                term.feed(b"x" * 32768)  # 3.2 MB into a removed pane: must not wait for a UI that is gone
            finished.set()

        threading.Thread(target=late_reader, daemon=True).start()
        assert await asyncio.to_thread(finished.wait, 5)


async def test_ten_thousand_lines_of_scrollback_reached_with_shift_home_and_the_wheel() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        await show_numbers(pilot, term, 12000)
        rows = term.engine.rows
        oldest = 12000 - (10000 + rows - 1) + 1  # 10,000 scrollback lines above the screen
        await pilot.press("shift+home")
        await until(pilot, lambda: visible_text(term)[0] == str(oldest))
        assert not term.following
        term.post_message(_wheel_down(term))
        await until(pilot, lambda: visible_text(term)[0] == str(oldest + 3))
        await pilot.press("shift+end")
        await until(pilot, lambda: term.following and "12000" in visible_text(term))
        assert app.sent() == b""
        term.feed(b"\x1b[?1049h")  # a full-screen program has no scrollback: it gets the keys
        await until(pilot, lambda: term.engine.alternate_screen)
        await pilot.press("shift+home")
        await until(pilot, lambda: app.sent() == b"\x1b[1;2H")
