"""`kubectl cp` both ways against the demo cluster (the real kubectl; skipped without it): it execs
`tar cf - PATH` / `tar -xmf - -C DIR` in the simulated shell over WebSocket (v5.channel.k8s.io).
And output channels the client did not ask for are not sent (client-go: 'Unknown stream id 2')."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from kubernetes.stream import stream

from helpers.demo_http import core_v1
from tui.demo.cluster import DemoCluster

WEB = "web-5d9c7b8f4-m4k8p"
BINARY = bytes(range(256)) * 300 + b"\xff\xfe\x80 not utf-8"


def _kubectl(kubectl: str, cluster: DemoCluster, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir",
                           str(tmp_path / "cache"), *args], capture_output=True, timeout=60, check=False)


def _container_fs(cluster: DemoCluster, pod: str, container: str):  # type: ignore[no-untyped-def]
    found = cluster.run(lambda: cluster.runtime.find("default", pod, container))
    assert found is not None
    return found.fs


@pytest.mark.kubectl
def test_kubectl_cp_out_of_a_pod_is_byte_for_byte(kubectl: str, demo_cluster: DemoCluster, tmp_path: Path) -> None:
    fs = _container_fs(demo_cluster, WEB, "nginx")
    demo_cluster.run(lambda: fs.write_bytes("/srv/data/blob.bin", BINARY))
    result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", f"default/{WEB}:/srv/data/blob.bin",
                      str(tmp_path / "blob.bin"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "blob.bin").read_bytes() == BINARY
    assert b"Unknown stream id" not in result.stderr
    # with --retries kubectl runs `sh -c 'tar cf - PATH | tail -c+OFFSET'`
    result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", "--retries=2", f"default/{WEB}:/srv/data/blob.bin",
                      str(tmp_path / "again.bin"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "again.bin").read_bytes() == BINARY
    # a directory comes out whole
    result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", f"default/{WEB}:/etc/nginx", str(tmp_path / "nginx"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nginx" / "conf.d" / "default.conf").read_text().startswith("server {")


@pytest.mark.kubectl
def test_kubectl_cp_into_a_pod_then_cat_shows_it(kubectl: str, demo_cluster: DemoCluster, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("copied in by kubectl cp\n")
    (tmp_path / "blob.bin").write_bytes(BINARY)
    for name in ("notes.txt", "blob.bin"):
        result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", str(tmp_path / name), f"default/{WEB}:/tmp/{name}")
        assert result.returncode == 0, result.stderr
        assert b"Unknown stream id" not in result.stderr
    shown = _kubectl(kubectl, demo_cluster, tmp_path, "exec", WEB, "--", "cat", "/tmp/notes.txt")
    assert (shown.returncode, shown.stdout) == (0, b"copied in by kubectl cp\n")
    shown = _kubectl(kubectl, demo_cluster, tmp_path, "exec", WEB, "--", "cat", "/tmp/blob.bin")
    assert shown.stdout == BINARY
    # into an existing directory: kubectl checks it with `test -d` and puts the file inside
    result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", str(tmp_path / "notes.txt"), f"default/{WEB}:/tmp")
    assert result.returncode == 0, result.stderr
    # and a whole local directory
    (tmp_path / "site" / "css").mkdir(parents=True)
    (tmp_path / "site" / "css" / "main.css").write_text("body {}\n")
    result = _kubectl(kubectl, demo_cluster, tmp_path, "cp", str(tmp_path / "site"), f"default/{WEB}:/tmp/site")
    assert result.returncode == 0, result.stderr
    fs = _container_fs(demo_cluster, WEB, "nginx")
    assert demo_cluster.run(lambda: fs.read("/tmp/site/css/main.css")) == "body {}\n"


@pytest.mark.kubectl
def test_kubectl_cp_from_an_image_without_tar_fails_as_on_a_real_cluster(
        kubectl: str, shared_cluster: DemoCluster, tmp_path: Path) -> None:
    result = _kubectl(kubectl, shared_cluster, tmp_path, "cp", "default/slim-79487d6484-h4rss:/etc/hostname",
                      str(tmp_path / "hostname"), "-c", "app")
    assert result.returncode == 1
    assert b'exec: "tar": executable file not found in $PATH' in result.stderr


def test_exec_sends_no_stderr_frames_when_the_client_asked_for_none(shared_cluster: DemoCluster) -> None:
    ws = stream(core_v1(shared_cluster).connect_get_namespaced_pod_exec, WEB, "default",
                command=["sh", "-c", "echo out; echo err >&2"], stdin=False, stdout=True, stderr=False, tty=False,
                _preload_content=False, binary=True)
    frames: dict[int, bytes] = {}
    while ws.is_open():
        ws.update(timeout=5)
        for channel in (1, 2):
            frames[channel] = frames.get(channel, b"") + (ws.read_channel(channel, timeout=0) or b"")
    assert frames == {1: b"out\n", 2: b""}
