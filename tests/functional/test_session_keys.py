"""Keys a shell needs reach it from a pane: ^P (bash's previous-history) and ^Q (emacs' quoted
insert, XON) must not open the palette or quit Ephemera while a terminal pane has the focus."""

from __future__ import annotations

from helpers.browser import wait_for
from helpers.session_panes import attached, text_of
from tui.demo.cluster import DemoCluster


async def test_ctrl_p_and_ctrl_q_go_to_the_program_in_a_pane(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        # what is typed after the key reaches the shell (it echoes it): the key went there too
        await pilot.press("ctrl+p", *"echo", "space", "p")
        await wait_for(pilot, lambda: "echo p" in text_of(pane), what="the typing after ^P in the shell")
        assert type(app.screen).__name__ != "CommandPalette"
        await pilot.press("ctrl+c", "ctrl+q", *"echo", "space", "q")
        await wait_for(pilot, lambda: "echo q" in text_of(pane), what="the typing after ^Q in the shell")
        assert app.is_running and app.focused is pane.terminal
        assert pane.badge.text == "live"
