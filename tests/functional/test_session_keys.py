"""Keys a shell needs reach it from a pane: ^P (bash's previous-history) and ^Q (emacs' quoted
insert, XON) must not open the palette or quit Ephemera while a terminal pane has the focus."""

from __future__ import annotations

from test_session_selection import attached

from tui.demo.cluster import DemoCluster


async def test_ctrl_p_and_ctrl_q_go_to_the_program_in_a_pane(demo_cluster: DemoCluster) -> None:
    async with attached(demo_cluster) as (app, pilot, pane):
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ != "CommandPalette"
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert app.is_running and app.focused is pane.terminal
        assert pane.badge.text == "live"
