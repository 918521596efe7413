"""Quitting lists everything the session leaves in the cluster, not only the panes open at exit:
a shell detached from (Ctrl+] x closes the pane, the shell keeps running), and the ephemeral
containers, pod copies and node debug pods this session created whose panes were closed or ended
(demo cluster, which the app takes for a real one)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, wait_for
from tui.debug.request import CopyOptions, DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube.debug_creation import create_debug
from tui.screens.confirm_modal import ConfirmModal

SLIM = ("default", "slim-79487d6484-h4rss")
WEB = ("default", "web-5d9c7b8f4-m4k8p")


def _modal_text(pilot: Pilot) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmModal), f"no confirmation (screen is {type(screen).__name__})"
    return " ".join([screen.title_text, *screen.reasons])


async def _quit_confirmed(pilot: Pilot) -> str:
    await pilot.press("q")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), what="the quit confirmation")
    text = _modal_text(pilot)
    await pilot.press("y")
    await wait_for(pilot, lambda: not pilot.app.is_running, what="the app quit")
    return text


async def test_a_shell_detached_from_is_in_the_question_and_the_summary(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in app.browser.table.pods, what="the slim pod listed")
        app.browser.table.select_key(SLIM)
        await wait_for(pilot, lambda: app.browser.table.selected_key == SLIM, what="selection")
        await pilot.press("a")
        panes = app.browser.sessions.panes
        await wait_for(pilot, lambda: panes and panes[-1].badge.state == "live", what="a live pane")
        await pilot.press("ctrl+right_square_bracket", "x")  # close the pane: the shell keeps running
        await wait_for(pilot, lambda: not app.browser.sessions.panes, what="the pane closed")
        assert app.open_sessions() == []
        question = await _quit_confirmed(pilot)
    assert "default/slim-79487d6484-h4rss/debugger (detached)" in question
    summary = app.exit_summary()
    assert ("default/slim-79487d6484-h4rss/debugger  detached (its shell keeps running); re-attach: "
            "kubectl attach -it -n default slim-79487d6484-h4rss -c debugger --context ephemera-demo") in summary


async def test_what_the_session_created_is_listed_with_how_to_reach_or_remove_it(demo_cluster: DemoCluster) -> None:
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in app.browser.table.pods, what="the slim pod listed")
        conn = app.browser.connection
        # as the debug form does (its creations go to the app's audit log), no pane opened after
        ephemeral = create_debug(conn, DebugRequest(*SLIM, container_name="dbg1"), seed=1, audit_log=app.audit_log)
        copied = create_debug(conn, DebugRequest(*WEB, container_name="dbg2", mode=Mode.COPY,
                                                 copy=CopyOptions(name="web-left")), seed=2, audit_log=app.audit_log)
        gone = create_debug(conn, DebugRequest(*WEB, container_name="dbg3", mode=Mode.COPY,
                                               copy=CopyOptions(name="web-gone")), seed=3, audit_log=app.audit_log)
        assert ephemeral.ok and copied.ok and gone.ok
        app.audit_log.record(context="ephemera-demo", namespace="default", pod="web-gone", action="copy-deleted",
                             request={}, result={"status": 200}, ok=True)  # as the cleanup view records it
        question = await _quit_confirmed(pilot)
    assert "Also left in the cluster by this session: default/slim-79487d6484-h4rss/dbg1, pod copy default/web-left" \
        in question
    assert "web-gone" not in question
    summary = app.exit_summary()
    assert "default/slim-79487d6484-h4rss/dbg1  created this session; if its shell still runs, re-attach: " \
           "kubectl attach -it -n default slim-79487d6484-h4rss -c dbg1" in summary
    assert "default/web-left/dbg2" in summary
    assert "the pod copy web-left (of default/web-5d9c7b8f4-m4k8p), which stays until it is deleted" in summary
    assert "ephemera cleanup -n default" in summary and "kubectl delete pod web-left -n default" in summary
    assert "web-gone" not in summary
