"""The virtual terminal engine: what a program's bytes look like on screen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.terminal.engine import CellStyle, TerminalEngine


def styled_runs(engine: TerminalEngine, index: int) -> list[tuple[str, CellStyle]]:
    return [(seg.text, seg.style) for seg in engine.line_segments(index) if seg.text.strip()]


def test_plain_text_and_newlines_render_on_the_screen() -> None:
    engine = TerminalEngine(20, 4)
    engine.feed(b"hello\r\nworld")
    assert engine.screen_text() == ["hello", "world", "", ""]
    cursor = engine.cursor
    assert (cursor.row, cursor.col, cursor.visible) == (1, 5, True)


def test_sgr_16_256_and_truecolor_colors() -> None:
    engine = TerminalEngine(40, 3)
    engine.feed(b"\x1b[31mred\x1b[0m \x1b[1;38;5;208morange\x1b[0m \x1b[48;2;10;20;30mdeep\x1b[0m")
    runs = styled_runs(engine, engine.screen_offset)
    assert runs[0] == ("red", CellStyle(fg=1))
    assert runs[1] == ("orange", CellStyle(fg=208, bold=True))
    assert runs[2] == ("deep", CellStyle(bg=(10, 20, 30)))


def test_bright_colors_reverse_italic_underline() -> None:
    engine = TerminalEngine(40, 3)
    engine.feed(b"\x1b[92mgreen\x1b[0m\x1b[7mrev\x1b[0m\x1b[3;4mit\x1b[0m")
    runs = styled_runs(engine, 0)
    assert runs[0] == ("green", CellStyle(fg=10))
    assert runs[1] == ("rev", CellStyle(reverse=True))
    assert runs[2] == ("it", CellStyle(italic=True, underline=True))


def test_alternate_screen_enter_and_leave_restores_the_main_screen() -> None:
    engine = TerminalEngine(20, 4)
    engine.feed(b"$ top\r\n")
    engine.feed(b"\x1b[?1049h\x1b[H\x1b[2JPID USER\r\n1   root")
    assert engine.alternate_screen
    assert engine.screen_text()[:2] == ["PID USER", "1   root"]
    engine.feed(b"\x1b[?1049l")
    assert not engine.alternate_screen
    assert engine.screen_text()[0] == "$ top"


def test_alternate_screen_has_no_scrollback_and_keeps_the_main_one() -> None:
    engine = TerminalEngine(10, 3, scrollback=100)
    engine.feed(b"".join(b"m%d\r\n" % i for i in range(10)))
    main_scrollback = engine.scrollback_lines
    assert main_scrollback == 8
    engine.feed(b"\x1b[?1049h" + b"".join(b"a%d\r\n" % i for i in range(10)))
    assert engine.scrollback_lines == 0
    assert engine.line_count == 3
    engine.feed(b"\x1b[?1049l")
    assert engine.scrollback_lines == main_scrollback
    assert engine.line_text(0).rstrip() == "m0"


def test_wide_characters_and_emoji_take_two_cells() -> None:
    engine = TerminalEngine(20, 2)
    engine.feed("中文😀x".encode())
    assert engine.screen_text()[0] == "中文😀x"
    assert engine.cursor.col == 7
    segments = engine.line_segments(0)
    assert sum(seg.width for seg in segments) == 20


def test_utf8_split_across_chunks_is_decoded() -> None:
    engine = TerminalEngine(20, 2)
    data = "né 中".encode()
    for i in range(len(data)):
        engine.feed(data[i : i + 1])
    assert engine.screen_text()[0] == "né 中"


def test_scrollback_keeps_old_lines_up_to_its_limit() -> None:
    engine = TerminalEngine(20, 5, scrollback=10000)
    engine.feed(b"".join(b"%d\r\n" % i for i in range(1, 12001)))
    assert engine.scrollback_lines == 10000
    assert engine.line_count == 10005
    assert engine.screen_text()[-2] == "12000"
    # The oldest kept line is the one 10,000 + 4 lines above the last.
    assert engine.line_text(0).rstrip() == str(12001 - 10004)


def test_line_keys_stay_with_lines_while_they_scroll() -> None:
    engine = TerminalEngine(10, 3, scrollback=100)
    engine.feed(b"a\r\nb\r\nc")
    key_of_a = engine.line_key(0)
    engine.feed(b"\r\nd\r\ne")
    assert engine.line_text(0).rstrip() == "a"
    assert engine.line_key(0) == key_of_a


def test_feed_reports_changed_lines() -> None:
    engine = TerminalEngine(10, 5)
    engine.feed(b"x\r\ny\r\nz")
    changed = engine.feed(b"\x1b[2;1HY")
    assert changed == [engine.screen_offset + 1]


def test_modes_bracketed_paste_mouse_and_cursor_keys() -> None:
    engine = TerminalEngine(10, 5)
    assert not engine.bracketed_paste and not engine.application_cursor_keys
    engine.feed(b"\x1b[?2004h\x1b[?1h\x1b[?1002h\x1b[?1006h")
    assert engine.bracketed_paste
    assert engine.application_cursor_keys
    assert engine.modes.mouse_tracking == 1002 and engine.modes.mouse_sgr
    engine.feed(b"\x1b[?2004l\x1b[?1l\x1b[?1002l")
    assert not engine.bracketed_paste
    assert not engine.application_cursor_keys
    assert engine.modes.mouse_tracking == 0


def test_mode_sequence_split_across_chunks() -> None:
    engine = TerminalEngine(10, 5)
    engine.feed(b"\x1b[?20")
    engine.feed(b"04h")
    assert engine.bracketed_paste


def test_hidden_cursor() -> None:
    engine = TerminalEngine(10, 5)
    engine.feed(b"\x1b[?25l")
    assert not engine.cursor.visible
    engine.feed(b"\x1b[?25h")
    assert engine.cursor.visible


def test_resize_keeps_content_and_changes_geometry() -> None:
    engine = TerminalEngine(20, 5)
    engine.feed(b"hello")
    engine.resize(30, 8)
    assert (engine.cols, engine.rows) == (30, 8)
    assert engine.screen_text()[0] == "hello"
    assert len(engine.screen_text()) == 8


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=8), st.integers(1, 60), st.integers(1, 20))
def test_random_bytes_never_crash_the_engine(chunks: list[bytes], cols: int, rows: int) -> None:
    engine = TerminalEngine(cols, rows, scrollback=50)
    for chunk in chunks:
        changed = engine.feed(chunk)
        assert all(0 <= index < engine.line_count for index in changed)
    for index in range(engine.line_count):
        assert sum(seg.width for seg in engine.line_segments(index)) >= 0
    engine.resize(max(1, cols // 2), rows + 1)
    engine.screen_text()


def test_narrow_resize_with_wide_characters_keeps_working() -> None:
    # pyavt panicked (a Rust index out of bounds) when a wide character had to fit in one column.
    engine = TerminalEngine(3, 3, scrollback=10)
    engine.feed("(\t\x1bEM\x1bM😀b@2Jm".encode())
    engine.resize(1, 4)
    engine.feed(b"\r\nok")
    assert engine.cols == 2  # never narrower than a wide character
    assert engine.screen_text()[-1] == "ok"
