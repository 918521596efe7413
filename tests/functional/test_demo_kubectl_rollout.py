"""The real kubectl v1.32 through the walkthrough's control-plane steps on the demo cluster (issue
14): the shareProcessNamespace patch rolls slim's pods and `rollout status` finishes, `wait
--for=jsonpath` on a finished pod's phase, `events` / `get events` after a debugger's image pull
fails. Skipped (with the reason) when kubectl is not on PATH."""

from __future__ import annotations

import pytest

from helpers.demo_http import pod_json, wait_for
from helpers.kubectl_peer import kubectl_ok, kubectl_run
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl

SLIM = "slim-79487d6484-h4rss"
BAD_IMAGE = "example.com/doesnotexist:1"


def rows(text: str) -> dict[str, list[str]]:
    lines = [line.split() for line in text.splitlines() if line.strip()]
    return {cells[0]: cells for cells in lines[1:]}


def test_patch_the_slim_template_and_rollout_status_finishes(demo_cluster: DemoCluster, kubectl: str) -> None:
    deployments = rows(kubectl_ok(kubectl, demo_cluster, "get", "deploy"))
    assert deployments["slim"][1:4] == ["1/1", "1", "1"]
    patched = kubectl_ok(kubectl, demo_cluster, "patch", "deployment", "slim", "-p",
                         '{"spec":{"template":{"spec":{"shareProcessNamespace":true}}}}')
    assert patched.strip() == "deployment.apps/slim patched"
    status = kubectl_ok(kubectl, demo_cluster, "rollout", "status", "deployment/slim", "--timeout=60s", timeout=70)
    assert status.strip().endswith('deployment "slim" successfully rolled out')
    wait_for(lambda: pod_json(demo_cluster, "default", SLIM) is None, timeout=30, what="the old pod gone")
    pods = rows(kubectl_ok(kubectl, demo_cluster, "get", "pods", "-l", "app=slim"))
    (name,) = pods
    assert name != SLIM and pods[name][1:3] == ["2/2", "Running"]
    assert kubectl_ok(kubectl, demo_cluster, "get", "pod", name, "-o",
                      "jsonpath={.spec.shareProcessNamespace}") == "true"
    sets = rows(kubectl_ok(kubectl, demo_cluster, "get", "rs", "-l", "app=slim"))
    assert sets["slim-79487d6484"][1:3] == ["0", "0"]
    (new,) = [n for n in sets if n != "slim-79487d6484"]
    assert sets[new][1:4] == ["1", "1", "1"] and name.startswith(new + "-")
    history = kubectl_ok(kubectl, demo_cluster, "rollout", "history", "deployment/slim")
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]


def test_wait_for_the_phase_of_a_finished_pod(demo_cluster: DemoCluster, kubectl: str) -> None:
    kubectl_ok(kubectl, demo_cluster, "run", "once", "--image=busybox:1.36", "--restart=Never", "--",
               "sh", "-c", "echo finished")
    waited = kubectl_ok(kubectl, demo_cluster, "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/once",
                        "--timeout=30s", timeout=40)
    assert waited.strip() == "pod/once condition met"
    listed = rows(kubectl_ok(kubectl, demo_cluster, "get", "pods", "--field-selector", "status.phase=Succeeded"))
    assert list(listed) == ["once"] and listed["once"][1:3] == ["0/1", "Completed"]
    assert kubectl_ok(kubectl, demo_cluster, "logs", "once").strip() == "finished"


def test_events_after_a_debuggers_image_pull_fails(demo_cluster: DemoCluster, kubectl: str) -> None:
    result = kubectl_run(kubectl, demo_cluster, "debug", SLIM, f"--image={BAD_IMAGE}", "-c", "debugger")
    assert result.returncode == 0, result.stderr

    def backed_off() -> bool:
        pod = pod_json(demo_cluster, "default", SLIM) or {}
        states = [s["state"] for s in pod.get("status", {}).get("ephemeralContainerStatuses", [])]
        return any((state.get("waiting") or {}).get("reason") == "ImagePullBackOff" for state in states)

    wait_for(backed_off, timeout=30, what="the debugger in ImagePullBackOff")
    for command in (("events", "--for", f"pod/{SLIM}"),
                    ("get", "events", "--field-selector", f"involvedObject.name={SLIM}")):
        out = kubectl_ok(kubectl, demo_cluster, *command)
        assert out.splitlines()[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        lines = out.splitlines()[1:]
        assert any("Failed" in line and f'Failed to pull image "{BAD_IMAGE}"' in line for line in lines), out
        assert any("Error: ErrImagePull" in line for line in lines), out
        assert any("BackOff" in line and f'Back-off pulling image "{BAD_IMAGE}"' in line for line in lines), out
        assert any("Error: ImagePullBackOff" in line for line in lines), out
    warnings = kubectl_ok(kubectl, demo_cluster, "events", "--for", f"pod/{SLIM}", "--types=Warning")
    assert all(line.split()[1] == "Warning" for line in warnings.splitlines()[1:])
    described = kubectl_ok(kubectl, demo_cluster, "describe", "pod", SLIM)
    events = described[described.index("Events:"):]
    assert "Error: ImagePullBackOff" in events and "kubelet" in events


def test_force_delete_with_grace_period_zero(demo_cluster: DemoCluster, kubectl: str) -> None:
    demo_cluster.faults.pause_kubelet()  # no kubelet to confirm: only grace period 0 removes it at once
    try:
        result = kubectl_run(kubectl, demo_cluster, "delete", "pod", "shared-pid-demo", "--grace-period=0", "--force")
        assert result.returncode == 0, result.stderr
        assert "Immediate deletion does not wait for confirmation" in result.stderr
        assert result.stdout.strip() == 'pod "shared-pid-demo" force deleted'
        assert pod_json(demo_cluster, "default", "shared-pid-demo") is None
    finally:
        demo_cluster.faults.resume_kubelet()


def test_a_deleted_slim_pod_is_replaced(demo_cluster: DemoCluster, kubectl: str) -> None:
    assert kubectl_ok(kubectl, demo_cluster, "delete", "pod", SLIM, timeout=40).strip() == f'pod "{SLIM}" deleted'
    pods = wait_for(lambda: (found := rows(kubectl_ok(kubectl, demo_cluster, "get", "pods", "-l", "app=slim")))
                    and all(cells[2] == "Running" for cells in found.values()) and found,
                    timeout=30, what="a running replacement")
    (name,) = pods
    assert name != SLIM and name.startswith("slim-79487d6484-")
    created = kubectl_ok(kubectl, demo_cluster, "get", "events", "--field-selector",
                         "involvedObject.name=slim-79487d6484")
    assert f"Created pod: {name}" in created and "SuccessfulCreate" in created
    scheduled = [line.split() for line in kubectl_ok(kubectl, demo_cluster, "get", "events", "--field-selector",
                                                      f"involvedObject.name={name}").splitlines()[1:]
                 if "Scheduled" in line]
    assert scheduled and scheduled[0][0] != "<unknown>"  # the scheduler's event has only an eventTime
