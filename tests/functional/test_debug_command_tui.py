"""`ephemera debug POD` opens the TUI straight into the new debug session: the pod selected in
the browser, the attach pane focused with the debugger's shell (pilot, and a real pty)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.browser import wait_for
from helpers.pty_terminal import Terminal
from tui.audit_log import AuditLog
from tui.cli import main
from tui.commands.debug_tui import build_debug_app
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.screens.session_pane import SessionPane

SLIM = "slim-79487d6484-h4rss"


def _screen(pane: SessionPane) -> str:
    return "\n".join(pane.terminal.engine.screen_text())


def _app(cluster: DemoCluster, container: str, **options: Any) -> Any:
    kubeconfig = KubeConfig.load(str(cluster.kubeconfig_path))  # type: ignore[attr-defined]
    return build_debug_app(kubeconfig, context=None, namespace="default", pod=SLIM, container=container, **options)


async def _the_pane(pilot: Pilot) -> SessionPane:
    browser: Any = pilot.app.browser  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: browser.sessions.panes, timeout=30, what="the session pane")
    (pane,) = browser.sessions.panes
    return pane


async def test_opens_straight_into_the_debug_session(demo_cluster: DemoCluster,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "--target=app", "-c", "live",
                 "--no-attach", "-q"]) == 0
    capsys.readouterr()
    app = _app(demo_cluster, "live")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _the_pane(pilot)
        assert (pane.target.namespace, pane.target.pod, pane.target.container) == ("default", SLIM, "live")
        await wait_for(pilot, lambda: pane.badge.state == "live", timeout=30, what="live")
        await wait_for(pilot, lambda: app.focused is pane.terminal, what="the pane focused")
        await wait_for(pilot, lambda: "/ #" in _screen(pane), what="the shell prompt")
        await pilot.press("p", "s", "enter")
        await wait_for(pilot, lambda: "http.server" in _screen(pane), what="ps shows the target's processes")
        await wait_for(pilot, lambda: app.browser.table.selected_key == ("default", SLIM), what="pod selected")
        assert app.browser.namespace == "default"


async def test_pane_waits_for_a_container_that_is_not_running_yet(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.pause_kubelet()  # a slow node: the container stays ContainerCreating until resumed
    conn = KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    api = conn.api_client
    body = {"spec": {"ephemeralContainers": [{"name": "late", "image": "busybox", "stdin": True, "tty": True}]}}
    serialized = api.param_serialize("PATCH", f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers",
                                     header_params={"Content-Type": "application/strategic-merge-patch+json",
                                                    "Accept": "application/json"},
                                     body=body, auth_settings=["BearerToken"])
    assert api.call_api(*serialized).status == 200
    conn.close()
    app = _app(demo_cluster, "late")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _the_pane(pilot)
        await wait_for(pilot, lambda: pane.badge.state == "waiting", what="waiting badge")
        await wait_for(pilot, lambda: "ContainerCreating" in pane.banner_text, what="the live reason")
        demo_cluster.faults.resume_kubelet()
        await wait_for(pilot, lambda: "/ #" in _screen(pane), timeout=30, what="the prompt once it runs")


def test_debug_in_a_terminal_opens_the_tui_and_records_the_change(demo_cluster: DemoCluster) -> None:
    term = Terminal("--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "--target=app", "-c", "tuidbg")
    term.read_until(lambda out: b"container tuidbg is running in pod default/" + SLIM.encode() in out)
    term.read_until(lambda out: b"\x1b[?1049h" in out)  # the TUI took the screen (alternate screen)
    term.read_until(lambda out: b"Ctrl+] leave pane" in out, timeout=30)  # the pane is shown, focused
    term.read_until(lambda out: b"/ # " in out.split(b"\x1b[?1049h", 1)[1])
    term.type("ps\r")
    term.read_until(lambda out: b"http.server" in out.split(b"\x1b[?1049h", 1)[1])
    mark = len(term.output)
    term.type("\x1d")  # Ctrl+] leaves the pane (the tab bar's keys show), then Ctrl+C quits the app
    term.read_until(lambda out: b"x close" in out[mark:])
    mark = len(term.output)
    term.type("\x03")  # a live session on a real cluster: the app asks first
    term.read_until(lambda out: b"Quit Ephemera?" in out[mark:])
    term.type("y")
    assert term.wait(15) == 0
    tail = term.output.split(b"\x1b[?1049l")[-1]
    assert tail.count(b"tuidbg keeps running in default/" + SLIM.encode()) == 1, "said once, after the TUI"
    entries = AuditLog().read()
    assert [(e.action, e.pod, e.ok, e.result["created"]) for e in entries] == [
        ("ephemeral-container-added", SLIM, True, ["tuidbg"])]


def test_leaving_after_the_shell_exited_says_it_has_ended_not_that_it_runs(demo_cluster: DemoCluster) -> None:
    term = Terminal("--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "-c", "gone")
    term.read_until(lambda out: b"\x1b[?1049h" in out)
    term.read_until(lambda out: b"/ # " in out.split(b"\x1b[?1049h", 1)[1], timeout=30)
    mark = len(term.output)
    term.type("exit 4\r")
    term.read_until(lambda out: b"exit 4" in out[mark:] and b"ended" in out[mark:], timeout=30)
    mark = len(term.output)
    term.type("\x1d")
    term.read_until(lambda out: b"x close" in out[mark:])
    term.type("\x03")
    assert term.wait(15) == 0
    tail = term.output.split(b"\x1b[?1049l")[-1]
    assert b"gone has ended (exit code 4) in default/" + SLIM.encode() in tail
    assert b"keeps running" not in tail
