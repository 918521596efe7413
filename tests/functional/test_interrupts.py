"""Interrupting the command line (Ctrl+C) and losing the terminal (hangup) say what stays.

Real `ephemera` processes in a pty against a demo cluster: Ctrl+C is typed (the tty sends SIGINT
to the process), a hangup is the pty's master closing (as when the SSH connection drops: SIGHUP,
then EIO on every write). No traceback, exit code 130 (128+SIGINT) or 129 (128+SIGHUP), and the
message names what was created and how to reach or remove it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from helpers.attach import container_state
from helpers.pty_terminal import Terminal
from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig

SLIM = "slim-79487d6484-h4rss"


def _kubeconfig(cluster: DemoCluster) -> str:
    return str(cluster.kubeconfig_path)  # type: ignore[attr-defined]


def _slow_kubelet(cluster: DemoCluster) -> None:
    """Containers stay ContainerCreating (a paused kubelet): `ephemera debug` waits."""
    cluster.faults.pause_kubelet()


def _ctrl_c(term: Terminal, timeout: float = 10.0) -> None:
    """Type Ctrl+C once ephemera sleeps in a blocking call (the prompt's read, the watch's socket):
    the SIGINT then interrupts that call. (One arriving in the instant between printing and
    blocking would only be noticed when the call returns: a person is never that fast.)"""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{term.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "S":
        if time.monotonic() > deadline:
            raise AssertionError("ephemera never blocked waiting")
        term.drain(0.01)
    term.type("\x03")  # Ctrl+C: the tty sends SIGINT


def _text(term: Terminal) -> str:
    return term.output.decode("utf-8", "replace").replace("\r\n", "\n")


def _pod_exists(cluster: DemoCluster, name: str) -> bool:
    return cluster.run(lambda: cluster.store.get("pods", "default", name)) is not None


def test_ctrl_c_while_waiting_for_the_debug_container_says_it_stays(demo_cluster: DemoCluster) -> None:
    _slow_kubelet(demo_cluster)
    term = Terminal("--kubeconfig", _kubeconfig(demo_cluster), "debug", SLIM, "--target=app", "-c", "waiter",
                    "--image=busybox")
    term.read_until(lambda out: b"waiting for container waiter to start in pod default/" + SLIM.encode() in out)
    _ctrl_c(term)
    assert term.wait() == 130
    text = _text(term)
    assert (f"ephemera debug: interrupted: the ephemeral container waiter stays in pod default/{SLIM} "
            "(ephemeral containers cannot be removed)") in text
    assert f"attach once it runs: kubectl attach -it {SLIM} -c waiter -n default" in text
    assert "--reuse" in text
    assert "Traceback" not in text
    conn = KubeConfig.load(_kubeconfig(demo_cluster)).connect()
    try:
        assert container_state(conn, "waiter", pod=SLIM) == "waiting"  # it does stay, still starting
    finally:
        conn.close()


def test_ctrl_c_while_waiting_for_a_copy_says_how_to_remove_it(demo_cluster: DemoCluster) -> None:
    _slow_kubelet(demo_cluster)
    term = Terminal("--kubeconfig", _kubeconfig(demo_cluster), "debug", SLIM, "--copy-to=slim-copy", "-c", "waiter",
                    "--image=busybox")
    term.read_until(lambda out: b"waiting for container waiter to start in pod default/slim-copy" in out)
    _ctrl_c(term)
    assert term.wait() == 130
    text = _text(term)
    assert ("ephemera debug: interrupted: the pod copy slim-copy stays in namespace default "
            "(with its debug container waiter)") in text
    flags = f"--context ephemera-demo --kubeconfig {_kubeconfig(demo_cluster)}"
    assert (f"remove it: ephemera cleanup -n default {flags} (or kubectl delete pod slim-copy -n default "
            f"{flags})") in text.replace("\r", "").replace("\n", "")
    assert "Traceback" not in text
    assert _pod_exists(demo_cluster, "slim-copy")


def test_ctrl_c_at_the_confirmation_creates_nothing(demo_cluster: DemoCluster) -> None:
    term = Terminal("--kubeconfig", _kubeconfig(demo_cluster), "debug", SLIM, "--target=app", "-c", "priv",
                    "--privileged")
    term.read_until(lambda out: b"Continue? [y/N]" in out)
    _ctrl_c(term)
    assert term.wait() == 130
    text = _text(term)
    assert "ephemera debug: interrupted: nothing was created" in text
    assert "Traceback" not in text
    conn = KubeConfig.load(_kubeconfig(demo_cluster)).connect()
    try:
        assert container_state(conn, "priv", pod=SLIM) == "absent"
    finally:
        conn.close()


def test_ctrl_c_at_the_cleanup_prompt_deletes_nothing(demo_cluster: DemoCluster,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kubeconfig", _kubeconfig(demo_cluster), "debug", SLIM, "--copy-to=slim-copy",
                 "--image=busybox", "--no-attach", "-q"]) == 0
    capsys.readouterr()
    term = Terminal("--kubeconfig", _kubeconfig(demo_cluster), "cleanup")
    term.read_until(lambda out: b"delete 1 pod? [y/N]" in out)
    _ctrl_c(term)
    assert term.wait() == 130
    text = _text(term)
    assert "ephemera cleanup: interrupted: nothing was deleted" in text
    assert "Traceback" not in text
    assert _pod_exists(demo_cluster, "slim-copy")


def test_a_hangup_ends_the_tui_without_hanging(demo_cluster: DemoCluster) -> None:
    """The terminal goes away under the TUI with a live debug session: ephemera gets SIGHUP, every
    write fails with EIO; it must still quit (exit code 129), not hang or crash."""
    term = Terminal("--kubeconfig", _kubeconfig(demo_cluster), "debug", SLIM, "--target=app", "-c", "hup")
    term.read_until(lambda out: b"\x1b[?1049h" in out)  # the TUI took the screen
    term.read_until(lambda out: b"Ctrl+] leave pane" in out, timeout=30)  # the session pane is open
    os.close(term.fd)  # the terminal is gone (the SSH connection dropped)
    deadline = time.monotonic() + 20
    while True:
        pid, status = os.waitpid(term.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.kill(term.pid, 9)
            os.waitpid(term.pid, 0)
            raise AssertionError("ephemera did not exit after its terminal hung up")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 129
    conn = KubeConfig.load(_kubeconfig(demo_cluster)).connect()
    try:
        assert container_state(conn, "hup", pod=SLIM) == "running"  # the debug shell stays
    finally:
        conn.close()
