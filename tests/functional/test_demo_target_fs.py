"""The planner's "target filesystem" option on the real demo cluster: the debug container's
`sh -c '... cd /proc/<pid>/root ...; exec sh'` starts an interactive shell in the target's root
filesystem, with the debugger's busybox tools still on PATH (targeted and copy-and-share modes)."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.stream import stream

from helpers.exec_stream import read_until
from tui.debug import CopyOptions, DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube import debug_runner
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection

POD = "slim-79487d6484-h4rss"


def _start(conn: ClusterConnection, request: DebugRequest) -> tuple[str, str]:
    """Plan, create and wait for the debug container as the UI and `ephemera debug` do."""
    facts = debug_runner.gather_facts(conn, request, with_dry_run=False)
    assert facts.plan is not None, facts.plan_error
    assert facts.plan.target_fs is not None
    execution = debug_runner.execute(conn, facts.plan)
    outcome = debug_runner.wait_for_container(conn, execution.namespace, execution.pod_name,
                                              execution.container, timeout=30)
    assert outcome.running, outcome
    return execution.pod_name, execution.container


@pytest.mark.parametrize("mode", [Mode.TARGET, Mode.COPY])
def test_target_filesystem_shell_starts_in_the_targets_root_with_busybox_tools(
        demo_cluster: DemoCluster, mode: Mode) -> None:
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    request = DebugRequest(namespace="default", pod=POD, mode=mode, container_name="fsdebug", target_fs=True,
                           target="app" if mode is Mode.TARGET else None,
                           copy=CopyOptions(name="slim-fs-copy") if mode is Mode.COPY else CopyOptions(),
                           target_fs_container="app" if mode is Mode.COPY else None)
    pod, container = _start(conn, request)
    api = client.CoreV1Api(conn.api_client)
    ws = stream(api.connect_get_namespaced_pod_attach, pod, "default", container=container, stdin=True,
                stdout=True, stderr=False, tty=True, _preload_content=False, binary=True)
    try:
        ws.write_stdin(b"echo ROOT=$EPHEMERA_TARGET_ROOT; pwd; ls; echo T=$(ls usr/bin | grep -c python) D=$(ls /usr/bin | grep -c python); which wget; "
                       b"echo EN\"\"D\r")
        seen = read_until(ws, b"END\r\n", timeout=30).decode(errors="replace")
    finally:
        ws.close()
    lines = seen.split("\r\n")
    root = next(line[len("ROOT="):] for line in lines if line.startswith("ROOT="))
    assert root.startswith("/proc/") and root.endswith("/root")
    assert root in lines, "pwd shows the target's root"
    assert any(line.split() == ["dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var"] for line in lines)
    assert "T=3 D=0" in lines, "relative paths are the target's files (its python), absolute ones the debugger's"
    assert "/bin/wget" in lines, "the debugger's busybox tools are still on PATH"
    assert "not found" not in seen and "cannot enter" not in seen
    assert debug_runner.container_status(debug_runner.fetch_pod(conn, "default", pod), container)["state"].get(
        "running") is not None, "the shell keeps running (exec sh did not end it)"
