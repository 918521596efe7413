"""What scrolls into the scrollback is what the user sees when scrolling back (issue 12, item 2).

The view caches rendered lines by the engine's line keys; rows painted blank (a fresh pane, after
`clear`) and then written and scrolled away within one burst used to come back blank. These tests
read the rendered strips (`render_line`), not only the engine's text."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from helpers.terminal_app import until, visible_text
from widgets.terminal.engine import TerminalEngine
from widgets.terminal.terminal_view import TerminalView

CLEAR = b"\x1b[H\x1b[2J"
SEQ_60 = b"".join(b"%d\r\n" % n for n in range(1, 61))
PROMPT = b"~ # "


class SmallTerminalApp(App[None]):
    def __init__(self, scrollback: int = 10000) -> None:
        super().__init__()
        self.scrollback = scrollback

    def compose(self) -> ComposeResult:
        yield TerminalView(id="term", scrollback=self.scrollback)

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()


def rendered_rows(term: TerminalView) -> list[str]:
    return [term.render_line(y).text.rstrip() for y in range(term.scrollable_content_region.height)]


async def shown(pilot, term: TerminalView, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """`data` parsed and painted (the strips of the screen are cached as a paint leaves them)."""
    term.feed(data)
    term.flush_pending()
    await pilot.pause()
    rendered_rows(term)


async def every_rendered_line(pilot, term: TerminalView) -> list[str]:  # type: ignore[no-untyped-def]
    """Every line from the top of the scrollback down, as rendered, by Shift+Home and Shift+PgDn."""
    height = term.scrollable_content_region.height
    await pilot.press("shift+home")
    await until(pilot, lambda: round(term.scroll_y) == 0)
    lines: dict[int, str] = {}
    while True:
        top = round(term.scroll_y)
        for y, text in enumerate(rendered_rows(term)):
            lines[top + y] = text
        if top + height >= term.engine.line_count:
            break
        await pilot.press("shift+pagedown")
        await until(pilot, lambda: round(term.scroll_y) != top)
    return [lines[i] for i in sorted(lines)]


@pytest.mark.parametrize("chunk", [0, 1, 7, 64, 150], ids=lambda c: f"chunk{c}" if c else "one-feed")
async def test_clear_then_seq_60_renders_every_line_in_the_scrollback(chunk: int) -> None:
    app = SmallTerminalApp()
    async with app.run_test(size=(40, 12)) as pilot:
        term = app.query_one(TerminalView)
        await shown(pilot, term, b"~ # clear; seq 1 60\r\n")
        data = CLEAR + SEQ_60 + PROMPT
        pieces = [data] if not chunk else [data[i : i + chunk] for i in range(0, len(data), chunk)]
        for piece in pieces:
            await shown(pilot, term, piece)  # a frame between the pieces: strips cached in between
        assert "60" in visible_text(term)
        rendered = await every_rendered_line(pilot, term)
        numbers = [line for line in rendered if line.isdigit()]
        assert numbers == [str(n) for n in range(1, 61)], rendered
        assert rendered == [line.rstrip() for line in term.engine.all_text()]


async def test_a_fresh_pane_keeps_the_first_burst_and_shift_pageup_twice_shows_it() -> None:
    """The issue's steps at 80x24: a fresh pane (its blank rows painted), one burst, Shift+PgUp twice."""
    app = SmallTerminalApp()
    async with app.run_test(size=(80, 24)) as pilot:
        term = app.query_one(TerminalView)
        term.flush_pending()
        await pilot.pause()
        assert rendered_rows(term) == [""] * term.scrollable_content_region.height  # painted blank
        await shown(pilot, term, CLEAR + SEQ_60 + PROMPT)
        await pilot.press("shift+pageup", "shift+pageup")
        await until(pilot, lambda: not term.following and round(term.scroll_y) == 0)
        rows = rendered_rows(term)
        assert rows == [str(n) for n in range(1, len(rows) + 1)]
        assert rows == term.shown_text()


async def test_copying_scrolled_back_lines_gives_the_text_shown() -> None:
    """`v`/`y` (a line selection) and a mouse selection read the same lines the view renders."""
    app = SmallTerminalApp()
    async with app.run_test(size=(40, 12)) as pilot:
        term = app.query_one(TerminalView)
        await shown(pilot, term, b"~ # ")
        await shown(pilot, term, CLEAR + SEQ_60 + PROMPT)
        await pilot.press("shift+home")
        await until(pilot, lambda: round(term.scroll_y) == 0)
        rows = rendered_rows(term)
        assert rows[:3] == ["1", "2", "3"]
        term.select_cells((0, 0), (2, term.engine.cols - 1))
        assert term.selected_text() == "1\n2\n3"
        term.clear_selection()
        term.start_selection()  # the cursor's line (the prompt), then up into the scrollback
        term.move_selection(-(term.engine.line_count - 1))
        assert term.selected_text().split("\n")[:60] == [str(n) for n in range(1, 61)]
        assert rendered_rows(term) == rows  # the highlight does not change the text


async def test_a_flood_after_clear_keeps_the_whole_scrollback_rendered() -> None:
    """The flood shortcut (`skip_unseen`) drops only what would leave the scrollback unseen."""
    app = SmallTerminalApp(scrollback=200)
    async with app.run_test(size=(40, 12)) as pilot:
        term = app.query_one(TerminalView)
        await shown(pilot, term, b"~ # ")
        await shown(pilot, term, CLEAR)  # a flood is skipped from its plain head on
        await shown(pilot, term, b"".join(b"%d\r\n" % n for n in range(1, 20001)) + PROMPT)
        assert term.engine.bytes_skipped > 0
        rendered = await every_rendered_line(pilot, term)
        height = term.scrollable_content_region.height
        first = 20000 - (200 + height - 1) + 1  # the cursor's row (the prompt) is the last one
        assert rendered == [str(n) for n in range(first, 20001)] + [PROMPT.decode().rstrip()]


def test_engine_reports_rows_that_scrolled_into_the_scrollback_in_the_same_feed() -> None:
    engine = TerminalEngine(10, 4, scrollback=100)
    engine.feed(b"a\r\nb")
    keys_before = {engine.line_key(i) for i in range(engine.line_count)}
    changed = engine.feed(CLEAR + b"1\r\n2\r\n3\r\n4\r\n5\r\n6")
    assert engine.all_text()[:2] == ["1", "2"]  # rows 0 and 1 of the screen, now scrollback
    changed_keys = {engine.line_key(i) for i in changed}
    assert keys_before <= changed_keys  # every row shown before the feed is reported
    assert set(range(engine.screen_offset, engine.line_count)) <= set(changed)


def test_engine_reports_only_scrolled_rows_still_held() -> None:
    engine = TerminalEngine(10, 4, scrollback=3)
    engine.feed(CLEAR)
    changed = engine.feed(b"".join(b"%d\r\n" % n for n in range(1, 21)))
    assert engine.all_text()[:3] == ["15", "16", "17"]
    # The rows shown before the feed left the scrollback too: only the screen changed.
    assert changed == list(range(engine.screen_offset, engine.line_count))


_PIECES = st.sampled_from([
    b"\r\n", b"\n", b"word", b"x" * 45, b"\x1b[31m", b"\x1b[0m", b"\x1b[1;32mgreen\x1b[0m", b"\t", b"\x08",
    b"\x1b[2;3H", b"\x1b[K", b"\x1b[2J", CLEAR, b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[3;5r", b"\x1b[r",
    b"\x1b[5S", b"\x1b[2T", b"\x1bM", b"\x1b[3L", b"\x1b[2M", "日本".encode(), b"\x1bc",
    b"".join(b"%d\r\n" % n for n in range(1, 15)), SEQ_60,
])
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("feed"), st.lists(_PIECES, min_size=1, max_size=8)),
        st.tuples(st.just("scroll"), st.integers(min_value=-40, max_value=40)),
    ),
    min_size=1, max_size=10,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_STEPS)
def test_rendered_lines_always_match_the_engine_text(steps: list[tuple[str, object]]) -> None:
    """After any output and any scrolling, each rendered row is the engine's own line there, and a
    selection of the rows shown copies exactly what is rendered."""

    async def run() -> None:
        app = SmallTerminalApp(scrollback=30)
        async with app.run_test(size=(30, 8)) as pilot:
            term = app.query_one(TerminalView)
            engine = term.engine
            term.flush_pending()
            await pilot.pause()
            for kind, arg in steps:
                if kind == "feed":
                    assert isinstance(arg, list)
                    await shown(pilot, term, b"".join(arg))
                else:
                    assert isinstance(arg, int)
                    term.scroll_lines(arg)
                    await pilot.pause()
                top = round(term.scroll_y)
                rows = rendered_rows(term)
                expected = [engine.line_text(top + y).rstrip() if top + y < engine.line_count else ""
                            for y in range(len(rows))]
                assert rows == expected, (top, engine.line_count)
                last = min(engine.line_count, top + len(rows)) - 1
                term.select_cells((top, 0), (last, engine.cols - 1))
                assert term.selected_text() == "\n".join(rows[: last - top + 1])
                term.clear_selection()

    asyncio.run(run())
