"""SessionRunner against the real demo cluster, without Textual: the states a session pane shows.

The runner is driven as the pane drives it (start, write, update_pod, reattach, close) and its
events are collected as the pane receives them: states in order, output bytes, answered pod checks.
"""

from __future__ import annotations

import threading
from typing import Any

from helpers.attach import NAMESPACE, POD, add_debug_container, request, wait_for
from tui.kube.connection import ClusterConnection
from tui.sessions.runner import (
    PodChecked,
    SessionEvent,
    SessionOutput,
    SessionRunner,
    SessionState,
    SessionTarget,
)
from widgets.terminal.engine import TerminalEngine


class Events:
    """What a UI gets from the runner's callback (any thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.states: list[SessionState] = []
        self.checks: list[PodChecked] = []
        self.engine = TerminalEngine(100, 30)

    def __call__(self, event: SessionEvent) -> None:
        with self.lock:
            if isinstance(event, SessionState):
                self.states.append(event)
            elif isinstance(event, SessionOutput):
                self.engine.feed(event.data)
            else:
                self.checks.append(event)

    @property
    def state(self) -> SessionState:
        with self.lock:
            return self.states[-1] if self.states else SessionState()

    def phases(self) -> list[str]:
        with self.lock:
            return [state.phase for state in self.states]

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.engine.all_text())


def get_pod(conn: ClusterConnection, pod: str = POD) -> dict[str, Any]:
    status, obj = request(conn, "GET", f"/api/v1/namespaces/{NAMESPACE}/pods/{pod}")
    assert status == 200
    return obj


def runner_for(conn: ClusterConnection, container: str, events: Events, **kwargs: Any) -> SessionRunner:
    return SessionRunner(conn, SessionTarget(NAMESPACE, POD, container), on_event=events,
                         pod=get_pod(conn), terminal_size=lambda: (100, 30), **kwargs)


def test_attach_is_live_then_ended_with_the_exit_code_then_terminated_with_its_logs(conn: ClusterConnection) -> None:
    add_debug_container(conn)
    events = Events()
    runner = runner_for(conn, "debugger", events)
    runner.start()
    wait_for(lambda: events.state.phase == "live", 10, "the attach to go live")
    assert events.phases() == ["connecting", "live"]
    assert runner.write(b"echo from-the-runner-$((6*7))\r")
    wait_for(lambda: "from-the-runner-42" in events.text(), what="the shell's output")
    runner.write(b"exit 3\r")
    wait_for(lambda: events.state.phase == "ended", 10, "the end of the session")
    ended = events.state
    assert ended.exit_code == 3 and runner.exit_code == 3
    wait_for(lambda: len(events.checks) == 1, 10, "the pod checked after the end")  # still there
    assert events.checks[0].found and events.state.phase == "ended"
    assert not runner.write(b"ignored\r")  # nothing runs to take it
    assert not runner.can_reattach  # an ephemeral container is not restarted: nothing to re-attach to
    recorded = b"".join(data for _, _, data in runner.recording().events if isinstance(data, bytes))
    assert b"from-the-runner-42" in recorded

    # The container has terminated: a new session on it shows its exit code and its logs.
    later = Events()
    again = runner_for(conn, "debugger", later)
    again.start()
    wait_for(lambda: later.state.logs is not None or later.state.logs_error != "", 10, "the logs read")
    terminated = later.state
    assert terminated.phase == "terminated" and terminated.exit_code == 3
    assert terminated.container_kind == "ephemeral" and terminated.logs_error == ""
    assert b"from-the-runner-42" in (terminated.logs or b"")
    assert f"--- logs of {POD}/debugger ---" in later.text() and "from-the-runner-42" in later.text()
    assert later.phases() == ["terminated", "terminated"]  # shown at once, then with the logs read
    assert again.session is None and again.finished


def test_a_shell_falls_back_from_bash_to_sh(conn: ClusterConnection) -> None:
    events = Events()
    runner = runner_for(conn, "worker", events, kind="exec")  # busybox: no bash
    runner.start()
    # bash's exec is upgraded, then ends with the runtime's "executable file not found": sh is next
    wait_for(lambda: events.state.phase == "live" and events.state.argv == ("sh",), 10, "sh to go live")
    assert runner.argv == ["sh"]
    assert events.state.shells_tried == (("bash",),) and events.state.argv == ("sh",)
    assert [s.argv for s in events.states if s.phase == "connecting"] == [("bash",), ("sh",)]
    runner.write(b"exit 5\r")
    wait_for(lambda: events.state.phase == "ended", 10, "the shell's end")
    assert events.state.exit_code == 5
    wait_for(lambda: len(events.checks) == 1, 10, "the pod checked after the end")
    assert runner.can_reattach and runner.reattach_plan() == "again"
    assert runner.reattach()
    wait_for(lambda: events.state.phase == "live", 10, "a new shell")
    assert runner.close() is True  # it was running
    assert events.state.phase == "closed"


def test_a_deleted_pod_makes_the_session_gone(demo_cluster: Any, conn: ClusterConnection) -> None:
    add_debug_container(conn)
    events = Events()
    runner = runner_for(conn, "debugger", events)
    runner.start()
    wait_for(lambda: events.state.phase == "live", 10, "the attach to go live")
    session = runner.session
    assert session is not None
    runner.update_pod(None, deleted=False)  # a pod that left the watch's scope: nothing to check
    assert events.checks == []
    runner.check_pod()  # still there: nothing changes
    wait_for(lambda: len(events.checks) == 1, 10, "the pod checked")
    assert events.checks[0].found and events.state.phase == "live"

    assert demo_cluster.faults.delete_pod(NAMESPACE, POD)
    runner.update_pod(None, deleted=True)  # what the watch's DELETED does
    wait_for(lambda: "gone" in events.phases(), 10, "the session gone")
    assert events.state.phase == "gone" and runner.gone and runner.session is None
    wait_for(lambda: session.status.finished, 10, "the stream closed")
    assert not runner.can_reattach and runner.reattach_plan() == "" and not runner.reattach()
    wait_for(lambda: any(not check.found for check in events.checks), 10, "the 404 reported")
    assert events.state.phase == "gone"  # late statuses of the closed stream change nothing
