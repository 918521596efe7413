"""A flood's lines that would scroll out of the scrollback unseen are not parsed: the result must be
exactly what parsing all of them gives (screen, scrollback, styles, cursor, modes)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.terminal.engine import TerminalEngine

COLS, ROWS, SCROLLBACK = 30, 6, 50


def state(engine: TerminalEngine) -> tuple[object, ...]:
    lines = range(engine.line_count)
    return (engine.all_text(), [engine.line_segments(i) for i in lines], engine.cursor,
            engine.modes, engine.application_cursor_keys)


def fed_whole(data: bytes, chunk: int = 97) -> TerminalEngine:
    engine = TerminalEngine(COLS, ROWS, scrollback=SCROLLBACK)
    for i in range(0, len(data), chunk):
        engine.feed(data[i : i + chunk])
    return engine


def fed_skipping(prefix: bytes, flood: bytes) -> TerminalEngine:
    engine = TerminalEngine(COLS, ROWS, scrollback=SCROLLBACK)
    engine.feed(prefix)
    engine.feed(engine.skip_unseen(flood))
    return engine


def seq(first: int, last: int) -> bytes:
    return b"".join(b"%d\r\n" % n for n in range(first, last + 1))


def test_seq_flood_skips_most_and_ends_identical() -> None:
    prefix = b"\x1b[1;32muser@pod\x1b[0m:~# seq 1 5000\r\n\x1b[?2004h"
    flood = seq(1, 5000) + b"\x1b[31mred\x1b[0m # "
    skipping = fed_skipping(prefix, flood)
    assert skipping.bytes_skipped > len(flood) // 2
    assert state(skipping) == state(fed_whole(prefix + flood))
    assert skipping.screen_text()[-2:] == ["5000", "red #"]
    assert skipping.bracketed_paste


def test_no_skip_inside_an_escape_sequence_or_the_alternate_screen_or_a_scroll_region() -> None:
    flood = seq(1, 3000)
    for prefix in (b"\x1b[3", b"\x1b]0;title", b"\x1b[?1049h", b"\x1b[2;4r", "é".encode()[:1], "\u009b3".encode()):
        engine = fed_skipping(prefix, flood)
        assert engine.bytes_skipped == 0, prefix
        assert state(engine) == state(fed_whole(prefix + flood)), prefix


def test_a_full_screen_region_set_again_allows_the_skip() -> None:
    prefix = b"\x1b[2;4r\x1b[1;%dr\x1b[H" % ROWS
    flood = seq(1, 3000)
    engine = fed_skipping(prefix, flood)
    assert engine.bytes_skipped > 0
    assert state(engine) == state(fed_whole(prefix + flood))


_pieces = st.sampled_from([b"\r\n", b"\n", b"abc", b"x" * 45, b"\x1b[31m", b"\x1b[0m", b"\t", b"\x08",
                           b"\x1b[2;3H", b"\x1b[K", b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[3;5r",
                           b"\x1b[r", "日本".encode(), b"\x1b]0;t\x07", b"\x1b[?25l", b"\x1b(0q\x1b(B"])


@settings(max_examples=200, deadline=None)
@given(prefix=st.lists(_pieces, max_size=12), middle=st.lists(_pieces, max_size=6),
       lines=st.integers(min_value=0, max_value=400), width=st.integers(min_value=1, max_value=70))
def test_any_output_around_a_flood_ends_identical(prefix: list[bytes], middle: list[bytes], lines: int,
                                                  width: int) -> None:
    head = b"".join(prefix)
    flood = b"".join(b"%0*d\r\n" % (width, n) for n in range(lines)) + b"".join(middle) + seq(1, 200)
    assert state(fed_skipping(head, flood)) == state(fed_whole(head + flood))


def test_lines_scrolled_just_before_entering_the_alternate_screen_stay_in_the_scrollback() -> None:
    data = b"".join(b"line %d\r\n" % n for n in range(9)) + b"\x1b[?1049hfull screen\x1b[?1049l"
    at_once = TerminalEngine(COLS, ROWS, scrollback=SCROLLBACK)
    at_once.feed(data)
    assert at_once.all_text()[:3] == ["line 0", "line 1", "line 2"]
    assert state(at_once) == state(fed_whole(data, chunk=5))
