"""Scrolling back in a session pane shows what the shell printed (issue 12, item 2), against the demo
cluster's shell: `clear; seq 1 60` scrolls most of its lines away in one burst."""

from __future__ import annotations

from helpers.browser import wait_for
from helpers.session_panes import attached, run_line
from tui.demo.cluster import DemoCluster
from widgets.terminal.terminal_view import TerminalView


def rendered_rows(term: TerminalView) -> list[str]:
    return [term.render_line(y).text.rstrip() for y in range(term.scrollable_content_region.height)]


async def test_clear_then_seq_60_then_shift_pageup_twice_shows_the_numbers(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (_app, pilot, pane):
        term = pane.terminal
        await run_line(pilot, pane, "clear; seq 1 60", "60")
        await wait_for(pilot, lambda: "60" in term.screen_text(), what="60 on the screen")
        term.flush_pending()
        await pilot.pause()
        height = term.scrollable_content_region.height
        assert 60 > 2 * height, "the pane must be short enough for 60 lines to reach the scrollback"
        await pilot.press("shift+pageup", "shift+pageup")
        await wait_for(pilot, lambda: not term.following, what="scrolled back")
        await pilot.pause()
        rows = rendered_rows(term)
        assert all(row.isdigit() for row in rows), rows  # no blank rows where the numbers were
        first = int(rows[0])
        assert rows == [str(n) for n in range(first, first + height)]
        assert rows == term.shown_text()
        await pilot.press("shift+home")
        await wait_for(pilot, lambda: round(term.scroll_y) == 0, what="the top of the scrollback")
        await pilot.pause()
        top = rendered_rows(term)
        assert "1" in top and top[top.index("1") : top.index("1") + 3] == ["1", "2", "3"], top
