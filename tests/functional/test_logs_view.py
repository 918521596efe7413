"""`l` / `p`: the logs view against the demo cluster (issue 13, "Logs of any container").

The CrashLoopBackOff pod's previous run (`previous=true`), a followed log showing a line the demo
writes later (an exec'd request lands in nginx's access log: no sleeps), search highlights, the
timestamps toggle, saving to a private file, a hostile log line shown sanitised, and the errors
said on screen (no previous run, the pod gone, not allowed)."""

from __future__ import annotations

import asyncio
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import CoreV1Api
from kubernetes.config import new_client_from_config
from textual.pilot import Pilot

from helpers.browser import make_app, screen_text, wait_for
from helpers.debug_ui import select
from helpers.demo_http import pod_json
from helpers.demo_http import wait_for as wait_until
from helpers.exec_stream import run_exec
from helpers.hostile_pods import OSC52, hostile, unsafe_output
from tui.demo.cluster import DemoCluster
from tui.kube.requests import send
from tui.screens.logs_screen import LogsScreen
from tui.screens.picker_modal import PickerModal

CRASHLOOP = ("default", "payments-api-7c9d8f6b5-x2kqp")
SLIM = ("default", "slim-79487d6484-h4rss")
SHARED_PID = ("default", "shared-pid-demo")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")


async def open_logs(pilot: Pilot, key: tuple[str, str], letter: str, container: str | None = None) -> LogsScreen:
    """Select `key`, press `letter` (l or p), pick `container` when a picker asks; the logs view."""
    app: Any = pilot.app
    await select(pilot, key)
    await pilot.press(letter)
    if container is not None:
        await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the container picker")
        picker = app.screen
        await pilot.press(*container)
        await wait_for(pilot, lambda: container in str(picker.query_one("#picker-list").get_option_at_index(0).prompt),
                       what=f"{container} first in the picker")
        await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), what="the logs view")
    return app.screen


async def read(pilot: Pilot, screen: LogsScreen, what: str = "the log read") -> None:
    await wait_for(pilot, lambda: screen.state in ("shown", "following", "ended", "failed"), timeout=30, what=what)


def shown(screen: LogsScreen) -> str:
    return "\n".join(screen.view.visible_text())


async def test_p_on_the_crashloop_pod_shows_the_previous_runs_output(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.hold_crash_loops()  # the restart count read below stays the one shown
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        assert screen.state == "shown", screen.error_text
        stored = demo_cluster.run(lambda: demo_cluster.store.get("pods", *CRASHLOOP))
        restarts = stored["status"]["containerStatuses"][0]["restartCount"]  # the server's, as the log's
        text = screen_text(app)
        assert "FATAL could not connect to the database after 3 attempts, exiting" in text
        assert f"starting (attempt {restarts})" in text  # the run before the current one
        assert "previous run" in text
        # l in the view: the current run
        await pilot.press("l")
        await read(pilot, screen)
        await wait_for(pilot, lambda: f"(attempt {restarts + 1})" in shown(screen), what="the current run")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser, what="back in the browser")


async def test_l_opens_the_logs_when_the_table_is_wider_than_the_screen(shared_cluster: DemoCluster) -> None:
    """On a narrow screen the pod table scrolls sideways (its last columns are off screen): `l` is
    still the logs key (the table's own sideways keys are ← and →), and the help says so."""
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(60, 24)) as pilot:
        await select(pilot, CRASHLOOP)
        table = app.browser.table
        await wait_for(pilot, lambda: table.max_scroll_x > 0, what="a table wider than the screen")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen is not app.browser, what="the help")
        rows = dict(app.screen.keys)
        assert "l" in rows and "log" in rows["l"].lower(), rows
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser, what="the help closed")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), what="the logs view")
        assert table.scroll_x == 0


async def test_follow_shows_a_line_written_later_and_stops_when_the_view_closes(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    api = CoreV1Api(new_client_from_config(config_file=str(demo_cluster.kubeconfig_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, SHARED_PID, "l", container="web")
        assert screen.container == "web" and screen.follow
        await wait_for(pilot, lambda: "start worker processes" in "\n".join(line.text for line in screen.view.lines),
                       timeout=30, what="nginx's first lines")
        follower = screen.follower
        assert follower is not None and screen.state == "following"
        # the worker shares the pod's network: its request lands in nginx's access log, later
        await asyncio.to_thread(run_exec, api, "worker", ["wget", "-qO-", "localhost/followed-line"],
                                pod=SHARED_PID[1])
        await wait_for(pilot, lambda: "GET /followed-line HTTP/1.1" in shown(screen), timeout=30,
                       what="the live line at the bottom of the view")
        assert "following" in str(screen.query_one("#logs-status").render())
        screen.max_followed_lines = 2  # a followed log is kept to a bound: the oldest lines go
        await asyncio.to_thread(run_exec, api, "worker", ["wget", "-qO-", "localhost/second-line"],
                                pod=SHARED_PID[1])
        await wait_for(pilot, lambda: "GET /second-line HTTP/1.1" in shown(screen), timeout=30,
                       what="the second live line")
        assert screen.view.line_count <= 2
        assert "the oldest lines dropped" in str(screen.query_one("#logs-status").render())
        await pilot.press("f")  # follow off: the stream stops, the lines stay
        assert follower.stopped and screen.follower is None
        assert "GET /second-line" in shown(screen)
        await pilot.press("f")  # on again: a new stream
        await wait_for(pilot, lambda: screen.follower is not None and screen.state == "following", what="following")
        second = screen.follower
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.browser, what="back in the browser")
        assert second is not None and second.stopped


async def test_search_highlights_and_timestamps_toggle(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        view = screen.view
        assert not any(STAMP.match(line) for line in view.visible_text())
        await pilot.press("t")
        stamped = [line for line in view.visible_text() if line.strip()]
        assert stamped and all(STAMP.match(line) for line in stamped)
        assert "timestamps on" in str(screen.query_one("#logs-status").render())
        await pilot.press("t")
        assert not any(STAMP.match(line) for line in view.visible_text())

        await pilot.press("slash", *"connect", "enter")
        await wait_for(pilot, lambda: view.search_term == "connect", what="the search applied")
        assert len(view.matches) == 3  # connecting to..., connect: connection refused, could not connect
        status = str(screen.query_one("#logs-status").render())
        assert "/connect: match 1 of 3" in status
        base = view.rich_style.bgcolor

        def highlighted(line: int) -> list[str]:
            """The texts drawn with a background of their own on the row of line `line`."""
            row = line - view.top_line
            return [segment.text for segment in view.render_line(row) if segment.style and
                    segment.style.bgcolor is not None and segment.style.bgcolor != base]

        first, second = view.matches[0], view.matches[1]
        assert highlighted(first) == ["connect"]
        assert "connect" in highlighted(second)
        current = view.render_line(first - view.top_line)
        other = view.render_line(second - view.top_line)
        style_of = {s.text: s.style for s in current if s.text == "connect"}
        assert style_of["connect"] != next(s.style for s in other if s.text == "connect")  # the current one stands out
        await pilot.press("n")
        assert view.current_match == 1
        await pilot.press("N", "N")
        assert view.current_match == 2  # wraps around
        await pilot.press("escape")  # the search first
        assert view.search_term == "" and isinstance(app.screen, LogsScreen)


async def test_save_writes_a_private_file_and_says_where(shared_cluster: DemoCluster,
                                                         private_state_home: Path) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        await pilot.press("t", "ctrl+s")
        await wait_for(pilot, lambda: screen.saved_to is not None, what="the log saved")
        path = screen.saved_to
        assert path is not None and path.parent == private_state_home / "ephemera" / "logs"
        assert path.name.startswith(f"default_{CRASHLOOP[1]}_api_previous_") and path.suffix == ".log"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        content = path.read_text()
        assert "FATAL could not connect to the database" in content
        assert all(STAMP.match(line) for line in content.splitlines())  # as shown: with timestamps
        assert any(str(path) in n.message for n in app._notifications)


async def test_a_hostile_log_line_is_shown_sanitised(demo_cluster: DemoCluster,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # OSC 52 only: no local clipboard
    line = hostile("before").replace("'", "") + " after"
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "loud", "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "busybox",
                                 "command": ["sh", "-c", f"echo '{line}'; sleep 3600"]}]},
    })
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, ("default", "loud"))
        browser = app.browser
        await wait_for(pilot, lambda: "Running" in str(browser.pod(("default", "loud"))["status"]), timeout=30,
                       what="loud running")
        screen = await open_logs(pilot, ("default", "loud"), "l")
        await wait_for(pilot, lambda: "before" in shown(screen), timeout=30, what="the hostile line")
        await pilot.press("w")  # wrapped: the whole line on screen
        await wait_for(pilot, lambda: "after" in shown(screen), what="the end of the line")
        text = shown(screen).replace("\n", "")
        assert "before␛]52;c;aGFja2VkIGNsaXBib2FyZA==␇" in text  # the escape made visible
        assert "[/][link=https://evil.example/]click" in text  # markup shown as it is, never parsed
        assert OSC52 not in text
        assert unsafe_output(app) == []
        await pilot.press("y")  # what is copied is what is shown
        await wait_for(pilot, lambda: any("Copied" in n.message for n in app._notifications), what="copied")
        assert "before␛]52;c;" in app.clipboard and "\x1b" not in app.clipboard


async def test_errors_say_what_to_do(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        # no previous run: the API server's 400
        screen = await open_logs(pilot, SLIM, "p", container="app")
        await read(pilot, screen)
        assert screen.state == "failed"
        assert "Container app has no previous run" in screen.error_text and "Press l" in screen.error_text
        assert "has no previous run" in screen_text(app)
        # not allowed: 403
        demo_cluster.faults.deny("get", "pods", "log")
        await pilot.press("l")
        await wait_for(pilot, lambda: screen.state == "failed" and "Not allowed" in screen.error_text, timeout=30,
                       what="the 403 said")
        assert 'verb "get" on "pods/log"' in screen.error_text
        demo_cluster.faults.allow_all()
        # the pod gone: 404
        demo_cluster.faults.delete_pod(*SLIM)
        await pilot.press("p")
        await wait_for(pilot, lambda: screen.state == "failed" and "is gone" in screen.error_text, timeout=30,
                       what="the 404 said")
        assert "Esc goes back to the pod list" in screen.error_text
        assert "is gone (404 Not Found)" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24)])
async def test_wrap_toggle_keeps_long_lines_in_view(shared_cluster: DemoCluster, size: tuple[int, int]) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        long_line = "could not connect to the database after 3 attempts, exiting"
        assert long_line not in shown(screen)  # cut at 80 columns
        await pilot.press("w")
        assert screen.view.wrap
        assert long_line in "".join(line.rstrip() for line in screen.view.visible_text()) or \
            long_line in shown(screen).replace("\n", "")


async def test_limits_picker_reads_again_with_the_chosen_limit(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        for label in ("last 100 lines", "since 1h"):
            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(app.screen, PickerModal), what="the limits picker")
            await pilot.press(*["space" if c == " " else c for c in label])  # the picker narrows on it
            await wait_for(pilot, lambda: label in str(app.screen.query_one("#picker-list").get_option_at_index(0)
                                                       .prompt), what=f"{label} first")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is screen and screen.state == "shown", what="read again")
            assert label in str(screen.query_one("#logs-status").render())
            assert "FATAL could not connect" in shown(screen)


async def test_a_selection_of_lines_is_copied(shared_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")  # OSC 52 only: no local clipboard
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, CRASHLOOP, "p")
        await read(pilot, screen)
        view = screen.view
        await pilot.press("slash", *"postgres", "enter")  # the current match: where the selection starts
        await wait_for(pilot, lambda: view.search_term == "postgres", what="the search")
        first = view.matches[0]
        await pilot.press("v", "j")
        assert "2 lines selected" in str(screen.query_one("#logs-status").render())
        await pilot.press("y")
        assert app.clipboard == "".join(line.text + "\n" for line in view.lines[first:first + 2])
        assert "connection refused" in app.clipboard
        await wait_for(pilot, lambda: any("Copied 2 lines with OSC 52" in n.message for n in app._notifications),
                       what="the notice")
        assert view.selection is None  # copied: the selection is done


async def test_init_and_ephemeral_containers_have_their_logs_too(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "with-init", "namespace": "default"},
        "spec": {"initContainers": [{"name": "setup", "image": "busybox",
                                     "command": ["sh", "-c", "echo init-says-hello"]}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await select(pilot, ("default", "with-init"))
        await wait_for(pilot, lambda: "Running" in str(browser.pod(("default", "with-init"))["status"]), timeout=30,
                       what="with-init running")
        screen = await open_logs(pilot, ("default", "with-init"), "l", container="setup")
        await read(pilot, screen)
        assert screen.state == "shown", screen.error_text
        assert "init container" in screen_text(app)
        assert "init-says-hello" in shown(screen)  # the demo's kubelet ran it to completion before app
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browser, what="back in the browser")

        path = f"/api/v1/namespaces/{SHARED_PID[0]}/pods/{SHARED_PID[1]}/ephemeralcontainers"
        debugger = {"name": "debugger-logs", "image": "busybox:1.36",
                    "command": ["sh", "-c", "echo hello-from-the-debugger; sleep 3600"]}
        answer = await asyncio.to_thread(send, browser.connection, "PATCH", path,
                                         body={"spec": {"ephemeralContainers": [debugger]}},
                                         content_type="application/strategic-merge-patch+json")
        assert answer.ok, answer.body

        def debugger_running() -> bool:
            pod = browser.pod(SHARED_PID) or {}
            statuses = (pod.get("status") or {}).get("ephemeralContainerStatuses") or []
            return any(s.get("name") == "debugger-logs" and "running" in (s.get("state") or {}) for s in statuses)

        await wait_for(pilot, debugger_running, timeout=30, what="the debugger running")
        screen = await open_logs(pilot, SHARED_PID, "l", container="debugger-logs")
        await wait_for(pilot, lambda: "hello-from-the-debugger" in shown(screen), timeout=30, what="its log")
        assert "ephemeral container" in screen_text(app) and screen.follow  # running: followed


async def test_an_empty_followed_log_says_so_and_follow_off_does_not_say_reading(demo_cluster: DemoCluster) -> None:
    """A running container that wrote nothing: once the follow stream opened the view says the log
    is empty so far (not "reading…" forever); f (follow off) says it is empty, not reading; a line
    written later takes the message away."""
    demo_cluster.faults.add_pod({"metadata": {"name": "quiet", "namespace": "default"},
                                 "spec": {"containers": [{"name": "c", "image": "busybox",
                                                          "command": ["sleep", "1d"]}]}})

    await asyncio.to_thread(wait_until, lambda: (pod := pod_json(demo_cluster, "default", "quiet"))
                            and pod["status"]["phase"] == "Running", what="the quiet pod running")
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, ("default", "quiet"), "l")
        assert screen.follow
        message = screen.query_one("#logs-message")
        status = screen.query_one("#logs-status")
        await wait_for(pilot, lambda: "The log is empty so far" in str(message.render()), timeout=30,
                       what="the empty log said so")
        assert "new lines appear here" in str(message.render())
        assert "reading" not in str(status.render()) and "following" in str(status.render())
        await pilot.press("f")
        await wait_for(pilot, lambda: "follow off" in str(status.render()), what="follow off")
        assert "reading" not in str(status.render())
        assert "The log is empty" in str(message.render()) and "f follows again" in str(message.render())
