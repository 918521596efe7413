"""Copy a selection of a pane's lines (issue 5): on the tab bar `v` selects the cursor's line,
j/k (↑/↓, PgUp/PgDn) extend it into the scrollback, `y` copies exactly those lines, Esc cancels."""

from __future__ import annotations

import pytest

from helpers.browser import wait_for
from helpers.session_panes import attached, run_line
from tui.demo.cluster import DemoCluster
from tui.screens.session_tabs import HINT_SCROLLED, HINT_SELECTING, HINT_TERMINAL

SLIM = ("default", "slim-79487d6484-h4rss")


@pytest.fixture(autouse=True)
def osc52_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # the app's clipboard, not the machine's


async def test_select_lines_into_the_scrollback_and_copy_them(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        await run_line(pilot, pane, "seq 1 60", "60")
        await wait_for(pilot, lambda: pane.terminal.engine.line_text(
            pane.terminal.engine.screen_offset + pane.terminal.engine.cursor.row).startswith("/ #"), what="prompt")
        await pilot.press("ctrl+right_square_bracket", "v", "k", "k")
        hint = str(app.browser.sessions.query_one("#session-hint").render())
        assert HINT_SELECTING in hint
        assert pane.terminal.selected_text() == "59\n60\n/ #"
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard == "59\n60\n/ #", what="the three lines copied")
        assert pane.terminal.selection is None  # copying ends the selection

        await pilot.press("v", *["pageup"] * 6)  # a page at a time, far above the visible rows
        assert "\n1\n2\n3\n" in pane.terminal.selected_text()
        assert pane.terminal.selected_text().endswith("\n59\n60\n/ #")
        assert not pane.terminal.following  # the view scrolled up with the selection
        await pilot.press("escape")
        assert pane.terminal.selection is None
        assert app.browser.sessions.current is pane  # Esc cancelled the selection, did not leave
        await pilot.press("y")  # without a selection: the screen, as before
        await wait_for(pilot, lambda: "60" in app.clipboard and "\n" in app.clipboard and app.clipboard != "59\n60\n/ #",
                       what="the screen copied")


async def test_mouse_drag_in_a_pane_copies_exactly_the_dragged_characters(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        await run_line(pilot, pane, "echo alpha-beta gamma", "alpha-beta gamma")
        term = pane.terminal
        term.flush_pending()
        rows = [term.render_line(y).text.rstrip() for y in range(term.scrollable_content_region.height)]
        row = rows.index("alpha-beta gamma")
        await pilot.mouse_down(term, offset=(6, row))
        await pilot.hover(term, offset=(12, row))
        await pilot.hover(term, offset=(15, row))
        await pilot.mouse_up(term, offset=(15, row))
        await wait_for(pilot, lambda: app.clipboard == "beta gamma", what="the dragged characters copied")
        notices = [str(n.message) for n in app.notice_log]
        assert any("Copied 10 characters of slim-79487d6484-h4rss/debugger" in notice for notice in notices), notices
        assert pane.terminal.selection is not None  # still shown, as in a terminal
        app.copy_to_clipboard("")
        await pilot.press("ctrl+right_square_bracket", "y")  # the copy key copies the mouse selection again
        await wait_for(pilot, lambda: app.clipboard == "beta gamma", what="the selection copied by y")
        assert pane.terminal.selection is None
        await pilot.double_click(term, offset=(2, row))
        await wait_for(pilot, lambda: app.clipboard == "alpha-beta", what="a double-clicked word copied")


async def test_the_hint_says_when_the_pane_is_scrolled_back_and_how_to_return(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        await run_line(pilot, pane, "seq 1 80", "80")
        hint = app.browser.sessions.query_one("#session-hint")
        await pilot.press("shift+pageup")
        await wait_for(pilot, lambda: HINT_SCROLLED in str(hint.render()), what="the scrolled-back hint")
        assert str(hint.render()).startswith("Ctrl+] leave pane · ")  # the leave chord stays first
        assert not pane.terminal.following
        await pilot.press("shift+end")
        await wait_for(pilot, lambda: str(hint.render()) == HINT_TERMINAL, what="the plain hint at the bottom")
        assert pane.terminal.following


async def test_y_copies_what_the_pane_shows_when_scrolled_back(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        await run_line(pilot, pane, "seq 1 200", "200")
        await pilot.press("shift+home")  # the top of the scrollback: the shell's greeting, then 1, 2, ...
        await wait_for(pilot, lambda: not pane.terminal.following, what="scrolled back")
        await pilot.press("ctrl+right_square_bracket", "y")
        await wait_for(pilot, lambda: "\n1\n2\n3\n" in app.clipboard, what="the top of the scrollback copied")
        assert "200" not in app.clipboard.split("\n")
        notices = [str(n.message) for n in app.notice_log]
        assert any(notice.startswith("Copied the scrolled-back view of") for notice in notices), notices
