"""`s` (shell) on a crash-looping container (issue 13's audit): the pane waits for the container to
run and says it keeps crashing, pointing at `p` (the previous run's output) and `d` (a debugger)."""

from __future__ import annotations

from typing import Any

from helpers.browser import make_app, wait_for
from helpers.debug_ui import select
from helpers.session_panes import panes
from tui.demo.cluster import DemoCluster

CRASHLOOP = ("default", "payments-api-7c9d8f6b5-x2kqp")


async def test_s_on_a_crash_looping_container_points_at_previous_logs_and_debug(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.hold_crash_loops()
    demo_cluster.faults.set_container_waiting(*CRASHLOOP, "api", "CrashLoopBackOff",
                                              "back-off 40s restarting failed container")
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, CRASHLOOP)
        await pilot.press("s")
        await wait_for(pilot, lambda: panes(pilot) and "CrashLoopBackOff" in panes(pilot)[0].banner_text,
                       timeout=30, what="the pane waiting on the crash loop")
        banner = panes(pilot)[0].banner_text
        assert "The shell starts as soon as it is Running." in banner  # it still waits
        assert "It keeps crashing: p in the browser shows its previous run's output" in banner, banner
        assert "d adds a debugger" in banner, banner
