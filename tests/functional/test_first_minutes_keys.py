"""Issue 12 item 8, keys: Esc leaving a pane keeps the filter, `d` acts on the pod the filter left
selected, an unbound key says so, the help scrolls and says there is more, the hints fit."""

from __future__ import annotations

from typing import Any

from helpers.browser import screen_lines, wait_for
from helpers.debug_ui import app_for
from tui.demo.cluster import DemoCluster
from tui.screens.help_modal import HelpModal


async def test_the_help_says_more_is_below_and_scrolls_with_the_table_keys(shared_cluster: DemoCluster) -> None:
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the help")
        help_screen = app.screen
        scroller = help_screen.query_one("#help")
        await wait_for(pilot, lambda: scroller.max_scroll_y > 0, what="a help taller than 24 rows")
        await wait_for(pilot, lambda: any("more below" in line for line in screen_lines(app)),
                       what="'more below' on screen")
        await pilot.press("G")
        await wait_for(pilot, lambda: scroller.scroll_y == scroller.max_scroll_y, what="G: the end")
        await wait_for(pilot, lambda: not any("more below" in line for line in screen_lines(app)),
                       what="no 'more below' at the end")
        await pilot.press("g")
        await wait_for(pilot, lambda: scroller.scroll_y == 0, what="g: the top")
        await pilot.press("end")
        await wait_for(pilot, lambda: scroller.scroll_y == scroller.max_scroll_y, what="End: the end")
        await pilot.press("home", "pagedown")
        await wait_for(pilot, lambda: scroller.scroll_y > 1, what="PgDn: a page down")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: scroller.scroll_y == 0, what="PgUp: back to the top")
