"""`exit` in the debugger of a pod copy (issue 12, item 3): it is a regular container, which the kubelet
restarts (restartPolicy Always in the copy), not an ephemeral one. The pane says so, `r` attaches to
the new run, and the quit confirmation and summary say that the copy stays until it is deleted.

The kubelet's restart is held with the demo's fault API (`pause_kubelet` / `resume_kubelet`) so the
pane is seen in both states, and waited for through the watch (no sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from helpers.browser import make_app, row_of, wait_for
from helpers.session_panes import attach_first, run_line, text_of, type_line, wait_badge
from tui.debug.planner import plan
from tui.debug.request import DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import execute, wait_for_container
from tui.kube.requests import get_json
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.session_pane import SessionPane

SLIM = ("default", "slim-79487d6484-h4rss")



async def _copy_with_debugger(conn: ClusterConnection) -> str:
    """Copy and share the slim pod with a busybox debugger (the debug form's copy mode, planned and
    run by the same code); the copy's name once its debugger runs."""
    pod = get_json(conn, f"/api/v1/namespaces/default/pods/{SLIM[1]}")
    request = DebugRequest(namespace="default", pod=SLIM[1], mode=Mode.COPY, image="busybox", container_name="debugger")
    execution = await asyncio.to_thread(execute, conn, plan(request, pod))
    outcome = await asyncio.to_thread(wait_for_container, conn, "default", execution.pod_name, "debugger", timeout=30)
    assert outcome.state == "running"
    copy = get_json(conn, f"/api/v1/namespaces/default/pods/{execution.pod_name}")
    assert copy["spec"].get("restartPolicy", "Always") == "Always"
    return str(execution.pod_name)


@asynccontextmanager
async def _attached_to_copy(cluster: DemoCluster, conn: ClusterConnection) -> AsyncIterator[tuple[Any, Any, SessionPane, str]]:
    name = await _copy_with_debugger(conn)
    app: Any = make_app(cluster.kubeconfig_path)  # type: ignore[attr-defined]  # a real cluster to the app: quit asks
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await attach_first(pilot, ("default", name))
        assert pane.target.container == "debugger" and pane.container_kind == "container"
        yield app, pilot, pane, name


async def _exit_with_the_restart_held(cluster: DemoCluster, pilot: Any, pane: SessionPane) -> None:
    cluster.faults.pause_kubelet()  # the restart comes due but waits: the pane sees the exit first
    await type_line(pilot, "exit")
    await wait_badge(pilot, pane, "ended (exit 0)")
    banner = pane.banner_text
    assert "ephemeral container cannot be restarted" not in banner
    assert "regular container of the copy" in banner and "the kubelet restarts it" in banner
    assert "press r to attach to its new run" in banner
    assert "stays until it is deleted" in banner and "ephemera cleanup -n default" in banner
    assert pane.can_reattach


async def test_r_after_the_kubelet_restarted_the_copys_debugger_attaches_to_the_new_run(
        demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    async with _attached_to_copy(demo_cluster, conn) as (app, pilot, pane, name):
        await run_line(pilot, pane, "echo first-run", "first-run")
        await _exit_with_the_restart_held(demo_cluster, pilot, pane)
        demo_cluster.faults.resume_kubelet()
        # the runner learns it first; the pane shows it when its message arrives
        await wait_for(pilot, lambda: pane.restarted and "was restarted by the kubelet" in pane.banner_text,
                       what="the restart seen through the watch, on screen")
        assert "restarts: 1" in pane.banner_text
        await wait_for(pilot, lambda: pane.badge.text == "ended (exit 0), restarted", what="the badge")
        await wait_for(pilot, lambda: row_of(app, "default", name)["RESTARTS"].startswith("1"),
                       what="RESTARTS 1 in the browser")
        hint = str(app.browser.sessions.query_one("#session-hint").render())
        assert "r re-attach" in hint
        await pilot.press("r")
        await wait_badge(pilot, pane, "live")
        await type_line(pilot, "echo new-run-$((40+2))")
        await wait_for(pilot, lambda: any(line.strip() == "new-run-42" for line in text_of(pane).splitlines()),
                       what="a command answered by the new run")
        # Quitting says what is true of a copy: it stays until deleted, and how to remove it.
        await pilot.press("ctrl+right_square_bracket", "escape", "q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the quit confirmation")
        reasons = " ".join(app.screen.reasons)
        assert "pod copies keep running" in reasons and "stays until it is deleted" in reasons
        assert "ephemeral containers cannot be removed" not in reasons
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app quit")
    summary = app.exit_summary()
    assert "cannot be removed" not in summary
    assert f"default/{name}/debugger  re-attach: kubectl attach -it -n default {name} -c debugger" in summary
    assert f"in the pod copy {name} (of default/{SLIM[1]}), which stays until it is deleted" in summary
    assert "ephemera cleanup -n default --context ephemera-demo" in summary
    assert f"kubectl delete pod {name} -n default" in summary


async def test_r_before_the_restart_waits_for_the_new_run_then_attaches(
        demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    async with _attached_to_copy(demo_cluster, conn) as (_app, pilot, pane, _name):
        await _exit_with_the_restart_held(demo_cluster, pilot, pane)
        await pilot.press("r")  # the kubelet has not restarted it yet: the pane waits for the new run
        await wait_badge(pilot, pane, "waiting: restart")
        assert "Waiting for the kubelet to restart container debugger" in pane.banner_text
        demo_cluster.faults.resume_kubelet()
        await wait_badge(pilot, pane, "live")
        await run_line(pilot, pane, "echo after-restart", "after-restart")
        assert pane.restarted is False  # a live session: the next exit is announced afresh


async def test_exit_in_an_ephemeral_debugger_still_says_it_cannot_be_restarted(demo_cluster: DemoCluster) -> None:
    from helpers.session_panes import attached

    async with attached(demo_cluster) as (_app, pilot, pane):
        assert pane.container_kind == "ephemeral"
        await type_line(pilot, "exit 2")
        await wait_badge(pilot, pane, "ended (exit 2)")
        assert "an ephemeral container cannot be restarted" in pane.banner_text
        assert not pane.can_reattach
