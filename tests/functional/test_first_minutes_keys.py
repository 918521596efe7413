"""Issue 12 item 8, keys: Esc leaving a pane keeps the filter, `d` acts on the pod the filter left
selected, an unbound key says so, the help scrolls and says there is more, the hints fit."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.widgets import Input

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, screen_lines, wait_for
from helpers.debug_ui import app_for, notifications, select
from helpers.session_panes import SLIM, attach_first, panes
from tui.actions import ACTIONS, BROWSER
from tui.demo.cluster import DemoCluster
from tui.keymap import key_label
from tui.screens.debug_form_modal import DebugFormModal
from tui.screens.help_modal import HelpModal
from tui.screens.picker_modal import PickerModal
from widgets.terminal.terminal_view import TerminalView


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


async def test_the_tab_bar_hint_keeps_esc_and_reattach_at_120_and_80_columns(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    for size in ((120, 40), (80, 24)):
        app: Any = make_app(demo_cluster.kubeconfig_path)
        async with app.run_test(size=size) as pilot:
            pane = await attach_first(pilot, SLIM)
            await asyncio.to_thread(demo_cluster.faults.cut_streams, "default", SLIM[1], "debugger")
            await wait_for(pilot, lambda: pane.badge.text == "connection lost", what="the session lost")
            await pilot.press("ctrl+right_square_bracket")
            tabs = app.browser.sessions
            await wait_for(pilot, lambda: app.focused is tabs.tab_bar, what="the tab bar")
            hint = tabs.query_one("#session-hint")
            shown = lambda: [line for line in screen_lines(app) if "Enter pane" in line]  # noqa: E731
            await wait_for(pilot, shown, what="the tab bar's hint on screen")
            line = shown()[0]
            assert "Esc browser" in line and "r re-attach" in line and "x close" in line, (size, line)
            assert line.rstrip().endswith(str(hint.render()).rstrip()), (size, line)  # nothing cut in a word
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.focused is pane.terminal, what="back in the pane")
            await wait_for(pilot, lambda: any("Esc or Ctrl+] leave pane · r re-attach" in line
                                              for line in screen_lines(app)), what="the pane's hint: r")


async def test_the_footer_shows_every_footer_key_at_80_columns(shared_cluster: DemoCluster) -> None:
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        ranked = sorted((a for a in ACTIONS if a.view == BROWSER and a.footer_rank is not None),
                        key=lambda a: a.footer_rank or 0)
        expected = " ".join(f"{key_label(a.keys)} {a.footer}" for a in ranked)
        await wait_for(pilot, lambda: expected in screen_lines(app)[-1], what=f"{expected!r} in the footer")


async def test_d_typed_right_after_the_filter_debugs_the_pod_the_filter_selected(shared_cluster: DemoCluster) -> None:
    """`/ nonroot Enter d` typed in one burst (as a fast typist, or a paste, reaches the app): the
    form is for nonroot-app, the pod the filter leaves selected, never the one selected before."""
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = app.browser
        await select(pilot, SLIM)
        await pilot.press("slash", *"nonroot")
        await wait_for(pilot, lambda: browser.query_one("#filter", Input).value == "nonroot", what="typed")
        # Enter and d queued together: d is routed before the submitted filter would be handled
        for key, character in (("enter", "\r"), ("d", "d")):
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="the debug form")
        form = app.screen
        assert (form.namespace, form.pod_name) == ("default", "nonroot-app"), form.pod_name
        # the form names the pod it will change, visibly at 80x24
        await wait_for(pilot, lambda: any("Debug default/nonroot-app" in line for line in screen_lines(app)),
                       what="the form's title on screen")
        assert browser.table.selected_key == ("default", "nonroot-app")


async def test_an_unbound_key_in_the_browser_says_so_once_in_a_while(shared_cluster: DemoCluster) -> None:
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.browser.header.state == "live", what="live")
        await pilot.press("x")
        hint = "x: no such key here; ? lists the keys"
        await wait_for(pilot, lambda: hint in notifications(app), what="the unbound key's hint")
        await pilot.press("x", "x")
        await pilot.pause()
        assert notifications(app).count(hint) == 1, notifications(app)  # rate-limited
        # typed into the filter field: no hint
        await pilot.press("slash", "y")
        await wait_for(pilot, lambda: app.browser.query_one("#filter", Input).value == "y", what="typed")
        assert not any("y: no such key" in n for n in notifications(app))


async def test_ctrl_bracket_esc_slash_filter_enter_d_in_one_burst(shared_cluster: DemoCluster) -> None:
    """The issue's `Ctrl+] Esc / nonroot Enter d`, typed fast from a pane (no shell in slim's app
    container): Esc leaves the tab bar without clearing the filter, the keys behind Ctrl+] are not
    the pane's, and the form is for nonroot-app, the pod the new filter selected."""
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = app.browser
        await pilot.press("slash", *"slim", "enter")
        await select(pilot, SLIM)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the container picker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: panes(pilot) and panes(pilot)[0].badge.state == "no-shell", what="the pane")
        await wait_for(pilot, lambda: isinstance(app.focused, TerminalView), what="the pane focused")
        cleared: list[object] = []
        clear_filter = browser.clear_filter
        browser.clear_filter = lambda: (cleared.append(app.focused), clear_filter())
        burst = [("ctrl+right_square_bracket", None), ("escape", "\x1b"), ("slash", "/"),
                 *[(c, c) for c in "nonroot"], ("enter", "\r"), ("d", "d")]
        for key, character in burst:  # queued at once: each is routed before the one before is done
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="the debug form")
        assert (app.screen.namespace, app.screen.pod_name) == ("default", "nonroot-app")
        assert not cleared, f"Esc cleared the filter (focus then: {cleared})"
        assert browser.pod_filter.text == "nonroot"
        await wait_for(pilot, lambda: any("Debug default/nonroot-app" in line for line in screen_lines(app)),
                       what="the form's title names the pod, at 80x24")


async def test_esc_slash_filter_enter_d_in_one_burst_from_a_finished_pane(shared_cluster: DemoCluster) -> None:
    """Esc (not Ctrl+]) leaves a pane where nothing runs; keys typed right behind it are not the
    pane's: `d` there would open a debug form for the pane's pod, not the one the new filter picked."""
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = app.browser
        await pilot.press("slash", *"slim", "enter")
        await select(pilot, SLIM)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the container picker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: panes(pilot) and panes(pilot)[0].badge.state == "no-shell", what="the pane")
        await wait_for(pilot, lambda: isinstance(app.focused, TerminalView), what="the pane focused")
        burst = [("escape", "\x1b"), ("slash", "/"), *[(c, c) for c in "nonroot"], ("enter", "\r"), ("d", "d")]
        for key, character in burst:  # queued at once: each is routed before the one before is done
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormModal), what="the debug form")
        assert (app.screen.namespace, app.screen.pod_name) == ("default", "nonroot-app")
        assert browser.pod_filter.text == "nonroot"
        await wait_for(pilot, lambda: any("Debug default/nonroot-app" in line for line in screen_lines(app)),
                       what="the form's title names the pod, at 80x24")


async def test_esc_slash_in_one_burst_from_the_inspector_keeps_the_filter(shared_cluster: DemoCluster) -> None:
    """Esc in the inspector goes back to the table; a `/` typed right behind it opens the filter
    field with the filter as it was (the Esc, resolved late, used to clear it there)."""
    app: Any = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await pilot.press("slash", *"slim", "enter")
        await select(pilot, SLIM)
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is browser.inspector, what="the inspector focused")
        for key, character in [("escape", "\x1b"), ("slash", "/")]:
            app.post_message(events.Key(key, character))
        field = browser.query_one("#filter", Input)
        await wait_for(pilot, lambda: app.focused is field, what="the filter field focused")
        await pilot.pause()  # an Esc still on its way would be handled here
        assert (field.value, browser.pod_filter.text) == ("slim", "slim")


async def test_esc_in_a_live_pane_is_the_programs(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await attach_first(pilot, SLIM)
        sent: list[bytes] = []
        write = pane.runner.write
        pane.runner.write = lambda data: (sent.append(data), write(data))[1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: b"\x1b" in sent, what="Esc sent to the shell")
        assert app.focused is pane.terminal
