"""Attach/exec terminal panes in the app, against the real demo cluster (pilot).

What a user sees: `a` on a pod attaches to its debug container, `ps` shows the target's process,
the tab badge follows the session (live, ended with exit code, connection lost), `r` re-attaches
to the still-running shell, `s` opens a shell (or explains a distroless container), several tabs
run at once, the pane's size reaches the container (channel 4), closing says the shell keeps
running, copy and .cast saving work.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.attach import add_debug_container, container_state, request
from helpers.browser import make_app, wait_for
from helpers.session_panes import attach_first, panes, run_line, select, text_of, type_line, wait_badge, wait_text
from tui.app import EphemeraApp
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.screens.session_pane import SessionPane
from tui.screens.session_tabs import ACTIVITY_MARK
from widgets.terminal.asciicast import read_asciicast
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")
SHARED = ("default", "shared-pid-demo")
SIZE = (120, 40)



def _app(cluster: DemoCluster) -> EphemeraApp:
    return make_app(cluster.kubeconfig_path, demo=True)  # type: ignore[attr-defined]


async def test_attach_ps_sees_target_then_exit_code_on_the_badge(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await attach_first(pilot, SLIM)
        tabs = pilot.app.browser.sessions  # type: ignore[attr-defined]
        assert "slim-79487d6484-h4rss/debugger" in tabs.tab_bar.text
        await wait_for(pilot, lambda: "● live" in tabs.tab_bar.text, what="the tab's badge")
        assert "Ctrl+] leave pane" in str(tabs.query_one("#session-hint").render())
        await run_line(pilot, pane, "ps", "python -m http.server 8080")
        await type_line(pilot, "exit 3")
        await wait_badge(pilot, pane, "ended (exit 3)")
        await wait_for(pilot, lambda: "ended (exit 3)" in tabs.tab_bar.text, what="the tab's badge")
        assert "exited with code 3" in pane.banner_text


async def test_ctrl_c_in_a_pane_interrupts_the_shell_not_the_app(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await attach_first(pilot, SLIM)
        await type_line(pilot, "sleep 30")
        await pilot.press("ctrl+c")
        await wait_text(pilot, pane, "^C")
        await type_line(pilot, "echo still-here")
        await wait_for(
            pilot,
            lambda: any(line.strip() == "still-here" for line in text_of(pane).splitlines()),
            what="the shell's answer after the interrupt",
        )
        assert pilot.app.is_running


async def test_connection_lost_then_reattach_finds_the_same_shell(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await attach_first(pilot, SLIM)
        await run_line(pilot, pane, "ps", "http.server")
        shell_lines = [line for line in text_of(pane).splitlines() if line.rstrip().endswith(" sh")]
        assert shell_lines, text_of(pane)
        shell_pid = shell_lines[0].split()[0]

        cut = await asyncio.to_thread(demo_cluster.faults.cut_streams, "default", SLIM[1], "debugger")
        assert cut >= 1
        await wait_badge(pilot, pane, "connection lost")
        tabs = pilot.app.browser.sessions  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "connection lost" in tabs.tab_bar.text, what="the tab's badge")
        assert "press r to re-attach" in pane.banner_text
        await wait_for(pilot, lambda: "r re-attach" in str(tabs.query_one("#session-hint").render()), what="hint")

        await pilot.press("r")  # typed into the dead terminal: re-attaches
        await wait_badge(pilot, pane, "live")
        await run_line(pilot, pane, "echo still-$((40+2))", "still-42")
        await type_line(pilot, "ps")
        await wait_for(pilot, lambda: text_of(pane).count("PID") >= 2, what="second ps")
        after = text_of(pane).split("re-attaching", 1)[1]
        assert any(line.split()[:1] == [shell_pid] and line.rstrip().endswith(" sh") for line in after.splitlines()), after


async def test_shell_into_distroless_container_explains_and_suggests_debug(demo_cluster: DemoCluster) -> None:
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        await select(pilot, SLIM)
        await pilot.press("s")  # two containers: a picker, the first (app) highlighted
        await wait_for(pilot, lambda: "PickerModal" in type(pilot.app.screen).__name__, what="container picker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: panes(pilot), what="a pane")
        pane = panes(pilot)[0]
        await wait_badge(pilot, pane, "no shell")
        assert pane.target.container == "app"
        assert "has no shell" in pane.banner_text
        assert "distroless" in pane.banner_text
        assert "press d" in pane.banner_text and "target container app" in pane.banner_text
        tab_bar = pilot.app.browser.sessions.tab_bar  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "✕ no shell" in tab_bar.text, what="the tab's badge")
        hint = pilot.app.browser.sessions.query_one("#session-hint")  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "d debug it with an ephemeral container" in str(hint.render()), what="the d hint")
        assert str(hint.render()).startswith("Esc or Ctrl+] leave pane")
        await pilot.press("escape")  # nothing runs in the pane: Esc leaves it for the tab bar
        await wait_for(pilot, lambda: pilot.app.focused is tab_bar, what="the tab bar focused")
        await pilot.press("enter")
        await pilot.press("d")  # in the pane: the debug form on that pod
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "DebugFormModal", what="the debug form")
        assert pilot.app.browser.table.selected_key == SLIM  # type: ignore[attr-defined]


async def shell_into_worker(pilot: Pilot) -> SessionPane:
    """`s` on the shared-pid pod, its busybox container chosen in the picker: the new pane."""
    await select(pilot, SHARED)
    await pilot.press("s")
    await wait_for(pilot, lambda: "PickerModal" in type(pilot.app.screen).__name__, what="container picker")
    await pilot.press("down", "enter")  # worker (busybox)
    await wait_for(pilot, lambda: panes(pilot), what="a pane")
    return panes(pilot)[0]


async def test_shell_into_busybox_container_falls_back_to_sh(demo_cluster: DemoCluster) -> None:
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await shell_into_worker(pilot)
        assert pane.target.container == "worker"
        await wait_badge(pilot, pane, "live")
        assert pane.argv == ["sh"]  # bash is not in busybox: sh was the fallback
        await wait_for(pilot, lambda: isinstance(pilot.app.focused, TerminalView), what="focus")
        await run_line(pilot, pane, "echo $0 in $(hostname)", "sh in shared-pid-demo")
        await type_line(pilot, "exit 5")
        await wait_badge(pilot, pane, "ended (exit 5)")
        assert "Press r for a new shell" in pane.banner_text
        await pilot.press("r")
        await wait_badge(pilot, pane, "live")


async def test_a_shell_that_exits_127_before_printing_anything_counts_as_missing(
        demo_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some runtimes (or a wrapper script in the image) report a missing shell as exit code 127."""
    import tui.screens.session_pane as session_pane

    monkeypatch.setattr(session_pane, "SHELL_COMMANDS", (("sh", "-c", "exit 127"), ("sh",)))
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await shell_into_worker(pilot)
        await wait_badge(pilot, pane, "live")
        assert pane.argv == ["sh"]  # the next shell was tried
        await type_line(pilot, "sh -c 'exit 127'")  # the user's own 127 later ends nothing
        await run_line(pilot, pane, "echo still-$((40+2))", "still-42")
        await type_line(pilot, "exit 127")
        await wait_badge(pilot, pane, "ended (exit 127)")  # a shell that printed its prompt: its real end


async def test_two_tabs_run_at_once_and_switch_from_inside_the_terminal(
    demo_cluster: DemoCluster, conn: ClusterConnection
) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        first = await attach_first(pilot, SLIM)
        await run_line(pilot, first, "echo first-tab", "first-tab")
        await pilot.press("ctrl+right_square_bracket", "escape")  # leave the pane, back to the table
        await select(pilot, SHARED)
        await pilot.press("s", "down", "enter")
        await wait_for(pilot, lambda: len(panes(pilot)) == 2, what="two panes")
        second = panes(pilot)[1]
        await wait_badge(pilot, second, "live")
        tabs: Any = pilot.app.browser.sessions  # type: ignore[attr-defined]
        assert tabs.current is second
        assert "slim-79487d6484-h4rss/debugger" in tabs.tab_bar.text and "shared-pid-demo/worker" in tabs.tab_bar.text
        await wait_for(pilot, lambda: pilot.app.focused is second.terminal, what="second terminal focused")
        await run_line(pilot, second, "echo second-tab", "second-tab")
        await type_line(pilot, "cat")  # prints each line it gets: output when the test says, no race with a clock

        await pilot.press("ctrl+pagedown")  # wraps to the first tab, focus stays in a terminal
        await wait_for(pilot, lambda: tabs.current is first and pilot.app.focused is first.terminal, what="tab 1")
        # The hidden tab prints something (its program gets a line, as from another client attached
        # to it): its tab is marked until it is shown again.
        assert second.runner.write(b"later-output\r")
        await wait_for(pilot, lambda: "later-output" in text_of(second), what="output in the hidden tab")
        await wait_for(pilot, lambda: f"worker ● live {ACTIVITY_MARK}" in tabs.tab_bar.text, what="the activity mark")
        assert f"debugger ● live {ACTIVITY_MARK}" not in tabs.tab_bar.text
        assert first.badge.text == "live" and second.badge.text == "live"  # the hidden one kept running
        await run_line(pilot, first, "echo back-in-first", "back-in-first")
        assert "back-in-first" not in text_of(second)
        await pilot.press("ctrl+pageup")
        await wait_for(pilot, lambda: tabs.current is second, what="tab 2")
        assert ACTIVITY_MARK not in tabs.tab_bar.text  # seen now

        # `a` on the first pod again shows its existing tab instead of opening another one
        await pilot.press("ctrl+right_square_bracket", "escape")
        await select(pilot, SLIM)
        await pilot.press("a")
        await wait_for(pilot, lambda: tabs.current is first, what="existing tab shown")
        assert len(panes(pilot)) == 2


async def test_resize_reaches_the_container(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await attach_first(pilot, SLIM)
        cols, _ = await _wait_stty_size(pilot, pane)
        await pilot.resize_terminal(100, 32)
        await wait_for(pilot, lambda: pane.terminal.size_in_cells[0] != cols, what="the pane to resize")
        new_cols, _ = await _wait_stty_size(pilot, pane)
        assert new_cols < cols


async def _wait_stty_size(pilot: Pilot, pane: SessionPane) -> tuple[int, int]:
    """Ask the shell its size until it says the pane's (cols, rows): a resize is debounced, then
    travels on channel 4, and the pane's own size can still settle (its banner goes away) just
    after it went live."""
    def answers() -> list[str]:
        return [line.strip() for line in text_of(pane).splitlines() if re.fullmatch(r"\s*\d+ \d+\s*", line)]

    for _ in range(40):
        cols, rows = pane.terminal.size_in_cells
        asked = len(answers())
        await type_line(pilot, "stty size")
        await wait_for(pilot, lambda: len(answers()) > asked, what="the shell's answer to stty size")
        if answers()[-1] == f"{rows} {cols}" and pane.terminal.size_in_cells == (cols, rows):
            return cols, rows
    raise AssertionError(f"the shell never reported the pane's size {pane.terminal.size_in_cells}:\n"
                         f"{text_of(pane)[-400:]}")


async def test_close_says_the_shell_keeps_running(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        await attach_first(pilot, SLIM)
        await pilot.press("ctrl+right_square_bracket")
        tabs = app.browser.sessions
        await wait_for(pilot, lambda: app.focused is tabs.tab_bar, what="the tab bar focused")
        assert "x close" in str(tabs.query_one("#session-hint").render())
        await pilot.press("x")
        await wait_for(pilot, lambda: not panes(pilot), what="pane closed")
        notices = [n.message for n in app.notice_log]
        assert any("keeps running in the container" in n and "re-attach" in n for n in notices), notices
        assert not tabs.display
        assert await asyncio.to_thread(container_state, conn, "debugger", SLIM[1]) == "running"
        # and it can be re-attached
        await pilot.press("a")
        await wait_for(pilot, lambda: panes(pilot) and panes(pilot)[0].badge.text == "live", what="re-attached")


async def test_waits_for_the_container_then_attaches(tmp_path: Path) -> None:
    with DemoCluster(kubelet_delay=1.0) as cluster:
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        connection = KubeConfig.load(str(kubeconfig)).connect()
        app = make_app(kubeconfig, demo=True)
        async with app.run_test(size=SIZE) as pilot:
            await select(pilot, SLIM)
            await wait_for(pilot, lambda: app.browser.table.pods[SLIM]["status"].get("phase") == "Running", what="pod up")
            container = {"name": "slowpoke", "image": "busybox:1.36", "stdin": True, "tty": True,
                         "targetContainerName": "app"}
            cluster.faults.pause_kubelet()  # a slow node: the container stays ContainerCreating
            status, _ = await asyncio.to_thread(
                request, connection, "PATCH", f"/api/v1/namespaces/default/pods/{SLIM[1]}/ephemeralcontainers",
                {"spec": {"ephemeralContainers": [container]}}, "application/strategic-merge-patch+json")
            assert status == 200
            app.open_session("default", SLIM[1], "slowpoke")  # what the debug form does
            await wait_for(pilot, lambda: panes(pilot), what="a pane")
            pane = panes(pilot)[0]
            await wait_for(pilot, lambda: pane.badge.state == "waiting", what="waiting badge")
            assert "Waiting for container slowpoke" in pane.banner_text
            await wait_for(pilot, lambda: "ContainerCreating" in pane.banner_text, what="the live reason")
            assert pane.badge.state == "waiting"
            cluster.faults.resume_kubelet()
            await wait_badge(pilot, pane, "live")
            await run_line(pilot, pane, "ps", "http.server")
        connection.close()


async def test_terminated_container_shows_logs_and_exit_code(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        pane = await attach_first(pilot, SLIM)
        await run_line(pilot, pane, "echo goodbye-from-debugger", "goodbye-from-debugger")
        await type_line(pilot, "exit 7")
        await wait_badge(pilot, pane, "ended (exit 7)")
        await pilot.press("ctrl+right_square_bracket", "x")
        await wait_for(pilot, lambda: not panes(pilot), what="closed")
        await wait_for(pilot, lambda: "terminated" in json.dumps(app.browser.table.pods[SLIM]["status"]
                                                                   .get("ephemeralContainerStatuses")),
                       what="terminated in the watch")
        await select(pilot, SLIM)
        await pilot.press("a")
        await wait_for(pilot, lambda: panes(pilot), what="a pane")
        pane = panes(pilot)[0]
        await wait_badge(pilot, pane, "terminated (exit 7)")
        assert "has terminated with exit 7" in pane.banner_text
        await wait_text(pilot, pane, "--- logs of slim-79487d6484-h4rss/debugger ---")
        await wait_text(pilot, pane, "goodbye-from-debugger")


async def test_reopened_finished_debugger_with_long_logs_opens_at_their_header(
    demo_cluster: DemoCluster, conn: ClusterConnection
) -> None:
    """Issue 12 item 7: logs longer than the pane open at "--- logs of ..." (the banner above says
    "its logs are below"), not scrolled to their end with the header out of sight."""
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        pane = await attach_first(pilot, SLIM)
        await run_line(pilot, pane, "seq 1 300", "300")
        await type_line(pilot, "exit 3")
        await wait_badge(pilot, pane, "ended (exit 3)")
        await pilot.press("ctrl+right_square_bracket", "x")
        await wait_for(pilot, lambda: not panes(pilot), what="closed")
        await wait_for(pilot, lambda: "terminated" in json.dumps(app.browser.table.pods[SLIM]["status"]
                                                                   .get("ephemeralContainerStatuses")),
                       what="terminated in the watch")
        await select(pilot, SLIM)
        await pilot.press("a")
        await wait_for(pilot, lambda: panes(pilot), what="a pane")
        pane = panes(pilot)[0]
        await wait_badge(pilot, pane, "terminated (exit 3)")
        await wait_text(pilot, pane, "300")
        header = f"--- logs of {SLIM[1]}/debugger ---"
        await wait_for(pilot, lambda: pane.terminal.shown_text()[:1] == [header],
                       what=f"the header on the pane's top row: {pane.terminal.shown_text()[:3]}")
        assert "300" not in pane.terminal.shown_text()  # the end is below, a scroll away
        await pilot.press("shift+end")  # the keys that scroll the scrollback still reach the end
        await wait_for(pilot, lambda: "300" in pane.terminal.shown_text(), what="the last line")


async def test_copy_screen_and_save_cast(
    demo_cluster: DemoCluster, conn: ClusterConnection, tmp_path: Path, private_state_home: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # OSC 52 only: no local clipboard
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        pane = await attach_first(pilot, SLIM)
        await run_line(pilot, pane, "ps", "http.server")
        await pilot.press("ctrl+right_square_bracket", "y")
        await wait_for(pilot, lambda: "http.server" in (app.clipboard or ""), what="clipboard")
        assert "PID" in app.clipboard
        await pilot.press("w")
        casts = private_state_home / "ephemera" / "casts"  # never the current directory
        await wait_for(pilot, lambda: casts.is_dir() and list(casts.glob("*.cast")), what="a .cast file")
        cast = next(casts.glob("*.cast"))
        assert not list(tmp_path.glob("*.cast"))
        assert cast.name.startswith("slim-79487d6484-h4rss-debugger-")
        header, events = read_asciicast(cast)
        assert header["version"] == 2 and header["width"] > 0
        output = "".join(data for _, kind, data in events if kind == "o")
        assert "python -m http.server 8080" in output
        assert [t for t, _, _ in events] == sorted(t for t, _, _ in events)
        assert any(str(cast) in n.message for n in app.notice_log)


async def test_attach_without_ephemeral_container_says_press_d(demo_cluster: DemoCluster) -> None:
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        await select(pilot, SHARED)
        await pilot.press("a")
        await wait_for(pilot, lambda: any("press d" in n.message for n in app.notice_log), what="notice")
        assert not panes(pilot)


async def test_full_screen_and_beside_layouts(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn, "debugger", target="app", pod=SLIM[1])
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        app: Any = pilot.app
        browser = app.browser
        pane = await attach_first(pilot, SLIM)
        assert browser.has_class("-sessions") and not browser.has_class("-sessions-full")
        body = browser.query_one("#body")
        assert pane.terminal.region.y > body.region.y  # below the browser at 120 columns
        await pilot.press("ctrl+right_square_bracket", "z")
        await wait_for(pilot, lambda: browser.has_class("-sessions-full") and not body.display, what="full")
        await wait_for(pilot, lambda: app.focused is pane.terminal, what="terminal focused in full-screen")
        await pilot.press("ctrl+right_square_bracket", "escape")  # back to the browser: leaves full-screen
        await wait_for(pilot, lambda: not browser.has_class("-sessions-full") and app.focused is browser.table,
                       what="browser")
        hint = browser.sessions.query_one("#session-hint")
        await wait_for(pilot, lambda: str(hint.render()) == "t into the panes (Ctrl+] comes back out)",
                       what="the hint outside the panes")
        await pilot.press("t", "ctrl+right_square_bracket", "o")
        await wait_for(pilot, lambda: browser.has_class("-sessions-beside"), what="beside")
        await wait_for(pilot, lambda: pane.terminal.region.x > body.region.x and pane.terminal.region.y < body.region.bottom,
                       what=f"the pane beside the browser ({pane.terminal.region}, {body.region})")


async def test_attach_to_the_debugger_of_a_copy_sees_every_process(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    from tui.debug.planner import plan
    from tui.debug.request import DebugRequest, Mode
    from tui.kube.debug_runner import execute, wait_for_container
    from tui.kube.requests import get_json

    pod = get_json(conn, f"/api/v1/namespaces/default/pods/{SLIM[1]}")
    request_ = DebugRequest(namespace="default", pod=SLIM[1], mode=Mode.COPY, image="busybox",
                            container_name="debugger")
    execution = await asyncio.to_thread(execute, conn, plan(request_, pod))
    outcome = await asyncio.to_thread(wait_for_container, conn, "default", execution.pod_name, "debugger", timeout=30)
    assert outcome.state == "running"
    async with _app(demo_cluster).run_test(size=SIZE) as pilot:
        pane = await attach_first(pilot, ("default", execution.pod_name))  # a regular container of the copy
        assert pane.target.container == "debugger"
        await run_line(pilot, pane, "ps", "/pause")
        assert "python -m http.server 8080" in text_of(pane) and "/nodejs/bin/node" in text_of(pane)
