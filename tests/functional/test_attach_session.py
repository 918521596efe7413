"""AttachSession against the real demo cluster: a debug container's shell, as the user sees it."""

from __future__ import annotations

import pytest

from helpers.attach import NAMESPACE, POD, Screen, add_debug_container, attach, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube.attach_session import AttachSession
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]



def test_attach_run_ps_and_see_the_output(conn: ClusterConnection) -> None:
    add_debug_container(conn)
    screen = Screen()
    session = attach(conn, screen)
    try:
        assert session.status.state == "live"
        session.write(b"ps\r")
        wait_for(lambda: "nginx" in screen.text() and "PID" in screen.text(), what="ps output")
        assert "USER" in screen.text()
    finally:
        session.close()


def test_exit_code_after_exit_3(conn: ClusterConnection) -> None:
    add_debug_container(conn)
    screen = Screen()
    session = attach(conn, screen)
    session.write(b"exit 3\r")
    wait_for(lambda: screen.state == "ended", what="the end of the session")
    assert screen.last().exit_code == 3
    assert "3" in screen.last().message


def test_cut_stream_is_connection_lost_and_reattach_works(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    add_debug_container(conn)
    screen = Screen()
    session = attach(conn, screen)
    session.write(b"echo before-cut\r")
    wait_for(lambda: "before-cut" in screen.text().split("echo before-cut", 1)[-1], what="echo")
    demo_cluster.faults.cut_streams(namespace=NAMESPACE, pod=POD)
    wait_for(lambda: screen.state == "lost", what="connection lost")
    assert "connection lost" in screen.last().message
    assert screen.last().exit_code is None

    again = Screen()
    session2 = attach(conn, again)
    try:
        assert session2.status.state == "live"
        session2.write(b"echo after-reattach\r")
        wait_for(lambda: "after-reattach" in again.text().split("echo after-reattach", 1)[-1], what="echo")
    finally:
        session2.close()
    assert again.state == "ended"


def test_resize_reaches_the_shell(conn: ClusterConnection) -> None:
    add_debug_container(conn)
    screen = Screen(cols=100, rows=30)
    session = attach(conn, screen)
    try:
        session.write(b"stty size\r")
        wait_for(lambda: "30 100" in screen.text(), what="the initial size")
        session.resize(132, 43)
        session.write(b"stty size\r")
        wait_for(lambda: "43 132" in screen.text(), what="the new size")
    finally:
        session.close()


def test_exec_a_command_and_its_exit_code(conn: ClusterConnection) -> None:
    screen = Screen()
    session = AttachSession(conn, NAMESPACE, POD, "worker", kind="exec", command=["sh", "-c", "echo hi; exit 7"],
                            tty=False, stdin=False, on_output=screen.output, on_status=screen.status)
    session.start()
    wait_for(lambda: screen.state == "ended", what="exec to end")
    assert "hi" in screen.text()
    assert screen.last().exit_code == 7


def test_attach_to_a_missing_pod_fails_with_a_clear_message(conn: ClusterConnection) -> None:
    screen = Screen()
    session = AttachSession(conn, NAMESPACE, "no-such-pod", "debugger", on_output=screen.output,
                            on_status=screen.status)
    session.start()
    wait_for(lambda: screen.state == "failed", what="failure")
    status = screen.last()
    assert status.error is not None and status.error.status == 404
    assert "no-such-pod" in status.message


def test_attach_to_a_container_that_is_not_running_fails_with_400(conn: ClusterConnection) -> None:
    screen = Screen()
    session = AttachSession(conn, NAMESPACE, POD, "no-such-container", on_output=screen.output,
                            on_status=screen.status)
    session.start()
    wait_for(lambda: screen.state == "failed", what="failure")
    assert screen.last().error is not None
    assert screen.last().error.status in (400, 404)


def test_first_resize_is_one_column_wider_then_the_real_size(conn: ClusterConnection,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """As kubectl: the shell sees a size change even when the terminal already had the right size,
    so it redraws its prompt on attach."""
    from tui.demo.container.stdio import ProcessIO

    sizes: list[tuple[int, int]] = []
    original = ProcessIO.resize

    def recording(self: ProcessIO, cols: int, rows: int) -> None:
        sizes.append((cols, rows))
        original(self, cols, rows)

    monkeypatch.setattr(ProcessIO, "resize", recording)  # the demo server's side: what arrived on channel 4
    add_debug_container(conn)
    screen = Screen(cols=90, rows=20)
    session = attach(conn, screen)
    try:
        wait_for(lambda: len(sizes) >= 2, what="the two initial resizes")
        assert sizes[:2] == [(91, 20), (90, 20)]
        session.write(b"stty size\r")
        wait_for(lambda: "20 90" in screen.text(), what="the real size in the shell")
    finally:
        session.close()
