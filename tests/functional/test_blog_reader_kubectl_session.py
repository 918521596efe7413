"""Issue 14's "Done when": one blog reader's whole kubectl session against one demo cluster, in the
order a reader types it, with the real kubectl v1.32 (skipped, with the reason, when it is not on
PATH): `get deploy`; the shareProcessNamespace patch rolling slim's pods and `rollout status`
finishing; `events` after a debugger's image pull fails; `apply -f` without flags; `explain
pod.spec.ephemeralContainers`; `port-forward` then an HTTP GET through it; `cp` out of and into a
pod; `auth whoami`; `wait --for=jsonpath` on a finished pod's phase. Each step's own edge cases are
in the test_demo_kubectl_* / test_demo_cp / test_demo_port_forward files."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.demo_http import wait_for
from helpers.kubectl_peer import Forwarding, kubectl_ok, kubectl_run
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl

BAD_IMAGE = "busybox:doesnotexist"
FINISHED_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers: [{name: main, image: "busybox:1.36", command: ["sh", "-c", "echo finished"]}]
"""


@pytest.fixture()
def forwardings() -> Iterator[list[Forwarding]]:
    started: list[Forwarding] = []
    yield started
    for running in started:
        running.stop()


def _slim_pod(kubectl: str, cluster: DemoCluster) -> dict:
    listed = json.loads(kubectl_ok(kubectl, cluster, "get", "pods", "-l", "app=slim", "-o", "json"))["items"]
    running = [p for p in listed if not p["metadata"].get("deletionTimestamp")]
    assert len(running) == 1, [p["metadata"]["name"] for p in listed]
    return dict(running[0])


def test_a_blog_readers_kubectl_session(demo_cluster: DemoCluster, kubectl: str, tmp_path: Path,
                                        forwardings: list[Forwarding]) -> None:
    def k(*args: str, stdin: str | None = None, timeout: float = 70) -> str:
        return kubectl_ok(kubectl, demo_cluster, *args, stdin=stdin, timeout=timeout)

    # the Deployment behind slim, and the rollout trap: the template patch replaces its pod
    deployments = {line.split()[0]: line.split() for line in k("get", "deploy").splitlines()[1:]}
    assert deployments["slim"][1] == "1/1", deployments
    before = _slim_pod(kubectl, demo_cluster)["metadata"]["name"]
    assert k("patch", "deployment", "slim", "-p",
             '{"spec":{"template":{"spec":{"shareProcessNamespace":true}}}}').strip() == "deployment.apps/slim patched"
    assert "successfully rolled out" in k("rollout", "status", "deployment/slim", "--timeout=60s")
    pod = wait_for(lambda: (p := _slim_pod(kubectl, demo_cluster))["metadata"]["name"] != before and p,
                   what="slim's pod replaced by the rollout")
    assert pod["spec"]["shareProcessNamespace"] is True
    slim = pod["metadata"]["name"]

    # a debugger whose image cannot be pulled: the events say why
    wait_for(lambda: _slim_pod(kubectl, demo_cluster)["status"].get("phase") == "Running", what="the new pod running")
    result = kubectl_run(kubectl, demo_cluster, "debug", slim, f"--image={BAD_IMAGE}", "-c", "debugger")
    assert result.returncode == 0, result.stderr
    def pull_failed() -> str | None:
        out = k("events", "--for", f"pod/{slim}")
        return out if "ErrImagePull" in out else None

    events = wait_for(pull_failed, what="the debugger's pull failure in kubectl events")
    assert f'Failed to pull image "{BAD_IMAGE}"' in events, events

    # apply without --validate=false (the server's OpenAPI schema), explain from the same documents
    assert k("apply", "-f", "-", stdin=FINISHED_POD).strip() == "pod/once created"
    explained = k("explain", "pod.spec.ephemeralContainers")
    assert "targetContainerName" in explained and "<no description>" not in explained.split("FIELDS:", 1)[1]

    # port-forward to the nginx pod and a GET through it
    web = k("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}").strip()
    running = Forwarding(kubectl, demo_cluster, tmp_path, f"pod/{web}", "0:80")
    forwardings.append(running)
    with urllib.request.urlopen(f"http://127.0.0.1:{running.local_port()}/", timeout=30) as response:
        assert response.status == 200 and b"Welcome to nginx!" in response.read()

    # cp out of the pod, then into it, and back out to compare
    k("cp", f"default/{web}:/etc/nginx/conf.d/default.conf", str(tmp_path / "default.conf"))
    assert (tmp_path / "default.conf").read_text().startswith("server {")
    (tmp_path / "notes.txt").write_bytes(bytes(range(256)))
    k("cp", str(tmp_path / "notes.txt"), f"default/{web}:/tmp/notes.txt")
    k("cp", f"default/{web}:/tmp/notes.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_bytes() == bytes(range(256))

    # who am I, and the finished pod's phase
    assert "demo" in k("auth", "whoami")
    waited = k("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/once", "--timeout=60s")
    assert waited.strip() == "pod/once condition met"
    assert k("logs", "once").strip() == "finished"
