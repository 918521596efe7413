"""The demo cluster through the clients a user has: the official Python client (log follow, attach
and exec with v5 and v4 on the real server) and the real kubectl on a pseudo-terminal (`exec -it`)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from kubernetes.client import CoreV1Api
from kubernetes.config import new_client_from_config
from kubernetes.stream import stream

from helpers.exec_stream import run_exec
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
SHARED_PID = "shared-pid-demo"


def core(cluster: DemoCluster) -> CoreV1Api:
    assert cluster.kubeconfig_path is not None
    return CoreV1Api(new_client_from_config(config_file=str(cluster.kubeconfig_path)))


@pytest.mark.parametrize("protocol", ["v5.channel.k8s.io", "v4.channel.k8s.io"])
def test_exec_on_the_real_server_with_v5_and_v4(shared_cluster: DemoCluster, protocol: str) -> None:
    api = core(shared_cluster)
    out, err, code, status = run_exec(api, "worker", ["sh", "-c", "echo out; echo err >&2; exit 4"], protocol,
                                      pod=SHARED_PID)
    assert (out, err, code) == (b"out\n", b"err\n", 4)
    assert status["reason"] == "NonZeroExitCode"
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "4"}]
    out, _, code, status = run_exec(api, "worker", ["ps"], protocol, pod=SHARED_PID)
    assert code == 0 and status["status"] == "Success"
    rows = {line.split(None, 3)[0]: line.split(None, 3)[3] for line in out.decode().splitlines()[1:]}
    assert rows["1"] == "/pause"  # shareProcessNamespace: the sandbox's pause process is PID 1


def test_log_follow_with_the_python_client_streams_new_lines_and_ends_when_the_pod_goes(
        demo_cluster: DemoCluster) -> None:
    api = core(demo_cluster)
    response = api.read_namespaced_pod_log(SHARED_PID, "default", container="web", follow=True,
                                           _preload_content=False, _request_timeout=20)
    seen: list[bytes] = []
    ended = threading.Event()

    def read() -> None:
        for chunk in response.stream(64):
            seen.append(chunk)
        ended.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # the worker shares the pod's network namespace: its request lands in nginx's access log
        run_exec(api, "worker", ["wget", "-qO-", "localhost/followed-line"], pod=SHARED_PID)
        deadline = time.monotonic() + 10
        while b"GET /followed-line HTTP/1.1" not in b"".join(seen):
            assert time.monotonic() < deadline, f"no live log line (got {b''.join(seen)!r})"
            time.sleep(0.05)
        demo_cluster.faults.delete_pod("default", SHARED_PID)
        assert ended.wait(10), "the follow did not end when the pod was deleted"
    finally:
        response.release_conn()


def _read_until(fd: int, wanted: bytes, buffer: bytearray, timeout: float = 10) -> bytes:
    deadline = time.monotonic() + timeout
    while wanted not in buffer:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{wanted!r} not seen; got {bytes(buffer)!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer.extend(chunk)
    return bytes(buffer)


@pytest.mark.kubectl
def test_kubectl_exec_it_on_a_terminal_gives_a_prompt_and_the_exit_code(shared_cluster: DemoCluster,
                                                                        kubectl: str, tmp_path: Path) -> None:
    assert shared_cluster.kubeconfig_path is not None
    master, slave = pty.openpty()
    process = subprocess.Popen([kubectl, "--kubeconfig", str(shared_cluster.kubeconfig_path), "--cache-dir",
                                str(tmp_path / "cache"), "exec", "-it", SHARED_PID, "-c", "worker", "--", "sh"],
                               stdin=slave, stdout=slave, stderr=slave, close_fds=True, start_new_session=True)
    os.close(slave)
    buffer = bytearray()
    try:
        _read_until(master, b"simulated busybox shell", buffer)
        _read_until(master, b"# ", buffer)
        os.write(master, b"hostname\r")
        _read_until(master, SHARED_PID.encode() + b"\r\n", buffer)  # a tty: CR LF line ends
        os.write(master, b"exit 3\r")
        assert process.wait(timeout=30) == 3  # kubectl exits with the shell's exit code...
        _read_until(master, b"command terminated with exit code 3", buffer)  # ...and says it
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        os.close(master)


@pytest.mark.kubectl
def test_kubectl_get_pod_yaml(shared_cluster: DemoCluster, kubectl: str, tmp_path: Path) -> None:
    assert shared_cluster.kubeconfig_path is not None
    result = subprocess.run([kubectl, "--kubeconfig", str(shared_cluster.kubeconfig_path), "--cache-dir",
                             str(tmp_path / "cache"), "get", "pod", SLIM, "-o", "yaml"],
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    pod = yaml.safe_load(result.stdout)
    assert (pod["apiVersion"], pod["kind"], pod["metadata"]["name"]) == ("v1", "Pod", SLIM)
    assert [c["name"] for c in pod["spec"]["containers"]] == ["app", "sidecar"]
    assert pod["status"]["phase"] == "Running"
    assert pod["metadata"]["resourceVersion"].isdigit()


def test_v5_close_signal_on_channel_255_ends_stdin(shared_cluster: DemoCluster) -> None:
    """v5 only: the client closes stdin (channel 255, then 0) and `cat` sees end of input and exits."""
    api = core(shared_cluster)
    ws = stream(api.connect_get_namespaced_pod_exec, SHARED_PID, "default", container="worker", command=["cat"],
                stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False, binary=True)
    try:
        assert ws.subprotocol == "v5.channel.k8s.io"
        ws.write_stdin(b"line one\nline two\n")
        ws.close_channel(0)
        out = b""
        deadline = time.monotonic() + 10
        while ws.is_open():
            assert time.monotonic() < deadline, f"cat did not end after stdin was closed (got {out!r})"
            ws.update(timeout=1)
            out += ws.read_stdout(timeout=0) or b""
        out += ws.read_stdout(timeout=0) or b""
        assert out == b"line one\nline two\n"
        assert ws.returncode == 0
    finally:
        ws.close()
