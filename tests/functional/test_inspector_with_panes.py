"""At 80x24 with a session pane open, the inspector fits the room it has (nothing of it is clipped
away, so its last lines can be reached) and G reaches the ephemeral containers at its end."""

from __future__ import annotations

from typing import Any

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, screen_lines, wait_for
from tui.demo.cluster import DemoCluster

SLIM = ("default", "slim-79487d6484-h4rss")


async def _slim_pane_then_the_table(pilot: Any, app: Any) -> None:
    """A live pane attached to slim's debugger, then the focus back in the table."""
    browser = app.browser
    await wait_for(pilot, lambda: SLIM in browser.table.pods, what="the slim pod listed")
    browser.table.select_key(SLIM)
    await pilot.press("a")
    await wait_for(pilot, lambda: browser.sessions.panes and browser.sessions.panes[-1].badge.state == "live",
                   what="a live pane")
    await pilot.press("ctrl+right_square_bracket", "escape")
    await wait_for(pilot, lambda: app.focused is browser.table, what="back in the table")


async def test_inspector_is_not_clipped_and_g_reaches_its_end_at_80x24(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = app.browser
        await _slim_pane_then_the_table(pilot, app)
        body = browser.query_one("#body")
        inspector = browser.inspector
        for step in ("beside the table", "inspecting"):
            if step == "inspecting":
                await pilot.press("enter")
                await wait_for(pilot, lambda: app.focused is inspector, what="the inspector focused")
                await pilot.press("G")
            await wait_for(pilot, lambda: body.region.contains_region(inspector.region),
                           what=f"the inspector inside the browser, {step} ({body.region}, {inspector.region})")
        await wait_for(pilot, lambda: inspector.max_scroll_y > 0 and inspector.scroll_y == inspector.max_scroll_y,
                       what="the inspector at its end")
        visible = inspector.scrollable_content_region.height
        assert visible >= 8, visible  # inside the inspector the browser takes most of the room


async def test_the_inspector_shows_the_focused_panes_pod_then_the_tables_again(demo_cluster: DemoCluster) -> None:
    """Issue 12 item 7: with the cursor on one pod and a pane of another focused, the inspector
    shows the pod the keys go to; back in the table it follows the cursor again."""
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await _slim_pane_then_the_table(pilot, app)
        web = next(key for key in browser.table.pods if key[1].startswith("web-"))
        browser.table.select_key(web)
        await wait_for(pilot, lambda: browser.inspected == web, what="the cursor's pod in the inspector")
        browser.sessions.action_focus_terminal()
        await wait_for(pilot, lambda: browser.inspected == SLIM and SLIM[1] in browser.inspector.text,
                       what="the focused pane's pod in the inspector")
        await pilot.press("ctrl+right_square_bracket", "escape")
        await wait_for(pilot, lambda: browser.inspected == web, what="the cursor's pod again")


async def test_a_new_debugger_is_in_view_in_the_inspector(demo_cluster: DemoCluster) -> None:
    """Issue 12 item 7: after the form creates a debugger, the inspector shows its pod scrolled to
    the new debugger's entry (the last container; WORKLOAD and EVENTS come below it), at 80x24
    too, where the attach pane leaves the inspector a few rows."""
    from helpers.debug_ui import open_form

    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = app.browser
        form = await open_form(pilot, SLIM)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is browser, timeout=30, what="the form created it")
        inspector = browser.inspector
        await wait_for(pilot, lambda: "EPHEMERAL CONTAINERS (1)" in inspector.text, timeout=30,
                       what="the debugger in the inspector")
        assert form.pod_name == SLIM[1] and form.plan is not None
        debugger = form.plan.container_name
        # on screen: the debugger's own entry, even once WORKLOAD and EVENTS (below it) have come
        await wait_for(pilot, lambda: "EVENTS" in inspector.text, what="the events read")
        await pilot.pause()
        await wait_for(pilot, lambda: any(debugger in line and "busybox" in line for line in screen_lines(app)),
                       what=f"{debugger}'s entry on screen")
