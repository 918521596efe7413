"""The legacy (1.16-1.21) ephemeral containers API: the demo cluster's legacy mode, Ephemera's
`debug` against it (planned and fallback paths), and the old kind on the wire."""

from __future__ import annotations

import json
import random

import pytest

from helpers.attach import request as http
from tui.cli import main
from tui.debug.planner import plan
from tui.debug.request import DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.demo.routes.legacy_api import enable_legacy_api
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import execute, fetch_pod, wait_for_container

SLIM = "slim-79487d6484-h4rss"
BASE = f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers"


def squeezed(text: str) -> str:
    """The output on one line, runs of spaces as one: the pre-flight's columns and wrapped lines read as words."""
    return " ".join(text.split())


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()


@pytest.fixture()
def legacy(demo_cluster: DemoCluster) -> DemoCluster:
    enable_legacy_api(demo_cluster)
    return demo_cluster


def test_legacy_server_speaks_the_old_kind(legacy: DemoCluster) -> None:
    conn = connect(legacy)
    assert conn.check()["gitVersion"] == "v1.21.14"
    status, body = http(conn, "GET", BASE)
    assert status == 200 and body["kind"] == "EphemeralContainers" and body["ephemeralContainers"] == []
    # a Pod-shaped strategic merge patch (what current kubectl sends first) changes nothing
    status, body = http(conn, "PATCH", BASE, {"spec": {"ephemeralContainers": [{"name": "x", "image": "busybox"}]}},
                        "application/strategic-merge-patch+json")
    assert status == 200 and body["kind"] == "EphemeralContainers" and body["ephemeralContainers"] == []
    # PUT of the old kind works
    put = {"apiVersion": "v1", "kind": "EphemeralContainers", "metadata": {"name": SLIM, "namespace": "default"},
           "ephemeralContainers": [{"name": "put-dbg", "image": "busybox", "terminationMessagePolicy": "File"}]}
    status, body = http(conn, "PUT", BASE, put)
    assert status == 200 and [c["name"] for c in body["ephemeralContainers"]] == ["put-dbg"]


def test_debug_command_uses_the_legacy_api(legacy: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = str(legacy.kubeconfig_path)
    assert main(["--kubeconfig", kubeconfig, "debug", SLIM, "--target=app", "-c", "old", "--dry-run"]) == 0
    requests = json.loads(capsys.readouterr().out)
    assert [(r["method"], r["content_type"]) for r in requests] == [
        ("PATCH", "application/json-patch+json"), ("GET", None)]
    assert requests[0]["body"][0]["path"] == "/ephemeralContainers/-"
    assert main(["--kubeconfig", kubeconfig, "debug", SLIM, "--target=app", "-c", "old", "--no-attach"]) == 0
    out, _err = capsys.readouterr()
    assert "WARN server version v1.21.14" in squeezed(out) and "legacy EphemeralContainers" in out
    assert "ok server dry run admitted" in squeezed(out)
    assert "container old is running in pod default/" + SLIM in out
    assert "WARN plan this server predates Kubernetes 1.22: using the legacy EphemeralContainers API" in squeezed(out)
    pod = fetch_pod(connect(legacy), "default", SLIM)
    assert [c["name"] for c in pod["spec"]["ephemeralContainers"]] == ["old"]


def test_current_plan_falls_back_like_kubectl(legacy: DemoCluster) -> None:
    """A plan made for a current server meets a legacy one: the EphemeralContainers answer makes
    execute() retry with the JSON patch, as kubectl does on IsNotRegisteredError."""
    conn = connect(legacy)
    pod = fetch_pod(conn, "default", SLIM)
    request = DebugRequest(namespace="default", pod=SLIM, mode=Mode.TARGET, target="app", container_name="fb")
    result = execute(conn, plan(request, pod, rng=random.Random(2)))
    assert result.api == "legacy"
    assert result.pod is not None and result.pod["kind"] == "Pod"
    assert wait_for_container(conn, "default", SLIM, "fb", timeout=30).running


def test_legacy_api_still_enforces_pod_security(legacy: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kubeconfig", str(legacy.kubeconfig_path), "debug", "vault-agent-0", "-n", "secure",
                 "--run-as-user=65532", "--no-attach"]) == 1
    out = capsys.readouterr().out
    assert 'FAIL server dry run refused: 403: pods "vault-agent-0" is forbidden: violates PodSecurity' in squeezed(out)


def test_real_kubectl_does_not_fall_back_but_ephemera_does(legacy: DemoCluster, kubectl: str) -> None:
    """kubectl v1.32 stops at client-go's not-registered error on the old kind (its fallback does
    not trigger here) and adds nothing; `ephemera debug` works on the same server."""
    import subprocess

    result = subprocess.run(
        [kubectl, "--kubeconfig", str(legacy.kubeconfig_path), "debug", SLIM, "--image=busybox", "-c", "kdbg",
         "--target=app", "--profile=general", "--attach=false"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert 'no kind "EphemeralContainers" is registered for version "v1"' in result.stderr
    assert fetch_pod(connect(legacy), "default", SLIM)["spec"].get("ephemeralContainers") in (None, [])
    assert main(["--kubeconfig", str(legacy.kubeconfig_path), "debug", SLIM, "--image=busybox", "-c", "kdbg",
                 "--target=app", "--no-attach", "-q"]) == 0
