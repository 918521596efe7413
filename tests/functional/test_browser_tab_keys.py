"""In a web browser (`ephemera serve`: Textual's web driver) the browser keeps Ctrl+T, Ctrl+W and
Ctrl+PgUp/PgDn for itself: there the tab bar's and the app's actions have keys that reach the app
(`browser_keys` in tui/actions.py), also from inside a pane, and the hints, help and palette name
those. The app is told it runs in a browser (`in_browser=True`, what `App.is_web` says for real)."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.widgets import Static

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, palette_entry, wait_for
from helpers.session_panes import SLIM, attach_first, panes, select, wait_badge
from tui.demo.cluster import DemoCluster
from tui.screens.help_modal import HelpModal
from tui.screens.session_tabs import HINT_TERMINAL, HINT_TERMINAL_IN_BROWSER

SHARED = ("default", "shared-pid-demo")


def hint(app: Any) -> str:
    return str(app.browser.sessions.query_one("#session-hint", Static).render())


async def two_panes(pilot: Any) -> tuple[Any, Any]:
    """A pane on the slim pod's debugger, then a shell in shared-pid-demo's worker (focused)."""
    first = await attach_first(pilot, SLIM)
    await pilot.press("ctrl+right_square_bracket", "escape")
    await select(pilot, SHARED)
    await pilot.press("s", "down", "enter")
    await wait_for(pilot, lambda: len(panes(pilot)) == 2, what="two panes")
    second = panes(pilot)[1]
    await wait_badge(pilot, second, "live")
    await wait_for(pilot, lambda: pilot.app.focused is second.terminal, what="the second terminal focused")
    return first, second


async def help_rows(pilot: Any) -> list[tuple[str, str]]:
    app = pilot.app
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpModal), what="the help")
    rows = list(app.screen.keys)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, HelpModal), what="the help closed")
    return rows


async def test_in_a_browser_tabs_switch_with_keys_it_lets_through_and_the_hints_say_them(
        demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path, in_browser=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.table.pods, what="the pods")
        table_keys = [key for key, _text in await help_rows(pilot)]
        # the pod table's page left/right (Ctrl+PgUp/PgDn) switch the browser's tabs: not offered
        assert not [key for key in table_keys if "Ctrl+PgUp" in key or "Ctrl+PgDn" in key], table_keys
        first, second = await two_panes(pilot)
        tabs = app.browser.sessions
        # the hint follows the focus once the tabs have handled its move (a message later)
        await wait_for(pilot, lambda: hint(app) == HINT_TERMINAL_IN_BROWSER, what="the pane's hint")
        assert "Ctrl+Shift+←/→ switch tab" in hint(app)
        # from inside the pane: the focus stays in a terminal
        await pilot.press("ctrl+shift+right")
        await wait_for(pilot, lambda: tabs.current is first and app.focused is first.terminal, what="tab 1")
        await pilot.press("ctrl+shift+left")
        await wait_for(pilot, lambda: tabs.current is second and app.focused is second.terminal, what="tab 2")
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: app.focused is tabs.tab_bar, what="the tab bar")
        rows = dict(await help_rows(pilot))
        assert rows["Ctrl+Shift+← / →"] == "previous / next tab, also from inside a pane"
        assert "Ctrl+PgUp / PgDn" not in rows
        assert {key for key, text in rows.items() if text == "Close"} == {"x"}  # Ctrl+W closes the browser's tab
        assert {key for key, text in rows.items() if text == "Next tab"} == {"→, ], l, Ctrl+Shift+→"}
        # the palette names the keys that work here
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"next session")
        await wait_for(pilot, lambda: "Next session tab" in palette_entry(app), what="the entry")
        assert "(→, Ctrl+Shift+→ on the tab bar)" in palette_entry(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette closed")
        # the theme: T (Ctrl+T opens a browser tab)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the theme picker on T")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the picker closed")
        await pilot.press("x")
        await wait_for(pilot, lambda: len(panes(pilot)) == 1, what="the tab closed by x")


async def test_in_a_terminal_the_hints_name_ctrl_pgup_pgdn(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.in_browser  # run_test's headless driver, as a real terminal's, is no web driver
        pane = await attach_first(pilot, SLIM)
        await wait_for(pilot, lambda: hint(app) == HINT_TERMINAL, what="the pane's hint")
        await pilot.press("ctrl+right_square_bracket")
        await wait_for(pilot, lambda: app.focused is app.browser.sessions.tab_bar, what="the tab bar")
        rows = dict(await help_rows(pilot))
        assert "Ctrl+PgUp / PgDn" in rows and "Ctrl+Shift+← / →" not in rows
        assert {key for key, text in rows.items() if text == "Close"} == {"x, Ctrl+W"}
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is pane.terminal, what="back in the pane")
