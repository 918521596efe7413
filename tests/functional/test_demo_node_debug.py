"""`kubectl debug node/NAME` against the demo cluster (the real kubectl; skipped without it): the pod it
creates (hostPath `/` at /host, hostPID, hostNetwork) sees the simulated node's files and processes,
and `chroot /host` runs commands on the node's filesystem."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from helpers.demo_http import pod_json, wait_for
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl


def _kubectl(kubectl: str, cluster: DemoCluster, tmp_path: Path, *args: str, stdin: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir",
                           str(tmp_path / "cache"), *args], capture_output=True, text=True, timeout=60,
                          input=stdin, check=False)


def test_kubectl_debug_node_sees_the_nodes_files_and_processes(kubectl: str, demo_cluster: DemoCluster,
                                                               tmp_path: Path) -> None:
    created = _kubectl(kubectl, demo_cluster, tmp_path, "debug", "node/demo-node-1", "-it", "--attach=false",
                       "--image=busybox")
    assert created.returncode == 0, created.stderr
    match = re.search(r"Creating debugging pod (\S+) with container debugger on node demo-node-1", created.stdout)
    assert match, created.stdout
    pod = match.group(1)
    wait_for(lambda: (pod_json(demo_cluster, "default", pod) or {}).get("status", {}).get("phase") == "Running",
             timeout=30, what=f"{pod} running")
    shown = _kubectl(kubectl, demo_cluster, tmp_path, "exec", pod, "--", "sh", "-c",
                     "cat /host/etc/hostname /host/etc/os-release; ls /host/var/lib/kubelet; hostname")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "demo-node-1" and 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' in lines
    assert "config.yaml" in shown.stdout and lines[-1] == "demo-node-1"
    processes = _kubectl(kubectl, demo_cluster, tmp_path, "exec", pod, "--", "ps").stdout
    assert re.search(r"^\s+1 root .* /sbin/init$", processes, re.MULTILINE)
    assert "/usr/bin/kubelet --bootstrap-kubeconfig" in processes
    assert "python -m http.server 8080" in processes  # the slim pod's app, seen from the node
    # the interactive session of the issue: attach and look at /host
    attached = _kubectl(kubectl, demo_cluster, tmp_path, "debug", "node/demo-node-1", "-i", "--image=busybox",
                        stdin="ls /host/etc/kubernetes\nchroot /host cat /etc/os-release\nexit\n")
    assert attached.returncode == 0, attached.stderr
    assert "kubelet.conf" in attached.stdout and 'PRETTY_NAME="Debian GNU/Linux 12' in attached.stdout
