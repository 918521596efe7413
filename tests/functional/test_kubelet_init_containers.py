"""The demo kubelet runs init containers as a kubelet does (issue 13): each in order, to
completion (terminated Completed, exit 0, its output in its log), before the regular containers;
`kubectl get -w` shows Init:0/2, Init:1/2, PodInitializing, Running. A failing init container is
restarted with the crash-loop back-off (Init:Error, Init:CrashLoopBackOff) under restartPolicy
Always and fails the pod under Never."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from helpers.demo_http import core_v1, pod_json, wait_for
from tui.demo.cluster import DemoCluster
from tui.pods.status import pod_status_reason

pytestmark = pytest.mark.kubectl
WAIT = 60.0


def _pod_yaml(name: str, init: list[tuple[str, str]], policy: str = "Always") -> str:
    lines = ["apiVersion: v1", "kind: Pod", "metadata:", f"  name: {name}", "  namespace: default", "spec:",
             f"  restartPolicy: {policy}", "  initContainers:"]
    for container, script in init:
        lines += [f"  - name: {container}", "    image: busybox", f"    command: [sh, -c, '{script}']"]
    lines += ["  containers:", "  - name: app", "    image: busybox", "    command: [sh, -c, 'sleep 3600']"]
    return "\n".join(lines) + "\n"


def _kubectl(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), *args], input=stdin,
                            capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Watch:
    """`kubectl get pod NAME -w`: the STATUS column of every row it prints, in order."""

    def __init__(self, kubectl: str, cluster: DemoCluster, name: str) -> None:
        self.process = subprocess.Popen(
            [kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "get", "pod", name, "-w", "--no-headers"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def until(self, status: str) -> list[str]:
        """Read rows until one shows `status`; every status seen so far (repeats dropped)."""
        while not self.seen or self.seen[-1] != status:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"kubectl get -w never showed {status}; it showed {self.seen}") from None
            shown = line.split()[2]
            if not self.seen or self.seen[-1] != shown:
                self.seen.append(shown)
        return self.seen

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture()
def watches() -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for watch in started:
        watch.close()


def _history(cluster: DemoCluster, name: str) -> list[str]:
    """The STATUS column of every stored version of the pod, in order (repeats dropped): the
    server's watch history, which kubectl get -w reads."""
    def statuses() -> list[str]:
        return [pod_status_reason(event.obj) for event in cluster.store.history
                if event.resource == "pods" and event.obj["metadata"]["name"] == name]
    shown: list[str] = []
    for status in cluster.run(statuses):
        if not shown or shown[-1] != status:
            shown.append(status)
    return shown


def _in_order(seen: list[str], expected: list[str]) -> bool:
    """`seen` is `expected` with some steps left out (a loaded machine may print fewer rows)."""
    steps = iter(expected)
    return all(status in steps for status in seen)


def _init_status(cluster: DemoCluster, name: str, container: str) -> dict[str, Any]:
    pod = pod_json(cluster, "default", name) or {}
    return next((s for s in pod.get("status", {}).get("initContainerStatuses", []) if s["name"] == container), {})


def test_init_containers_run_in_order_then_the_pod_runs(demo_cluster: DemoCluster, kubectl: str,
                                                        watches: list[Watch]) -> None:
    demo_cluster.faults.pause_kubelet()  # the pod waits at Init:0/2 until kubectl watches it
    _kubectl(kubectl, demo_cluster, "apply", "-f", "-", stdin=_pod_yaml(
        "two-inits", [("first", "echo first-init-ran"), ("second", "echo second-init-ran; echo second-line")]))
    watch = Watch(kubectl, demo_cluster, "two-inits")
    watches.append(watch)
    assert watch.until("Init:0/2") == ["Init:0/2"]
    demo_cluster.faults.resume_kubelet()
    expected = ["Init:0/2", "Init:1/2", "PodInitializing", "Running"]
    assert _in_order(watch.until("Running"), expected), watch.seen
    assert _history(demo_cluster, "two-inits") == ["Pending", *expected]  # created, then the kubelet's

    pod = pod_json(demo_cluster, "default", "two-inits") or {}
    for entry in pod["status"]["initContainerStatuses"]:
        terminated = entry["state"]["terminated"]
        assert (terminated["reason"], terminated["exitCode"], entry["ready"]) == ("Completed", 0, True)
    first = pod["status"]["initContainerStatuses"][0]["state"]["terminated"]
    second = pod["status"]["initContainerStatuses"][1]["state"]["terminated"]
    assert first["finishedAt"] <= second["startedAt"]  # one after the other
    assert second["finishedAt"] <= pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    conditions = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
    assert conditions["Initialized"] == "True"
    assert _kubectl(kubectl, demo_cluster, "logs", "two-inits", "-c", "first") == "first-init-ran\n"
    assert _kubectl(kubectl, demo_cluster, "logs", "two-inits", "-c", "second") == "second-init-ran\nsecond-line\n"
    events = core_v1(demo_cluster).list_namespaced_event(
        "default", field_selector="involvedObject.name=two-inits").items
    started = [e.involved_object.field_path for e in events if e.reason == "Started"]
    assert started == ["spec.initContainers{first}", "spec.initContainers{second}", "spec.containers{app}"]


def test_the_initialized_condition_names_the_init_containers_not_done(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.pause_kubelet()
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "waits", "namespace": "default"},
        "spec": {"initContainers": [{"name": "setup", "image": "busybox", "command": ["true"]}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    pod = pod_json(demo_cluster, "default", "waits") or {}
    initialized = next(c for c in pod["status"]["conditions"] if c["type"] == "Initialized")
    assert (initialized["status"], initialized["reason"], initialized["message"]) == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [setup]")
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert pod_status_reason(pod) == "Init:0/1"
    demo_cluster.faults.resume_kubelet()
    wait_for(lambda: pod_status_reason(pod_json(demo_cluster, "default", "waits") or {}) == "Running",
             timeout=WAIT, what="waits running")


def test_a_failing_init_container_crash_loops_and_the_pod_never_runs(demo_cluster: DemoCluster, kubectl: str,
                                                                     watches: list[Watch]) -> None:
    demo_cluster.faults.freeze_clock()  # the back-off ends only when the test says so
    demo_cluster.faults.pause_kubelet()
    _kubectl(kubectl, demo_cluster, "apply", "-f", "-", stdin=_pod_yaml(
        "bad-init", [("migrate", "echo migration-failed; exit 3")]))
    watch = Watch(kubectl, demo_cluster, "bad-init")
    watches.append(watch)
    watch.until("Init:0/1")
    demo_cluster.faults.resume_kubelet()
    # fails, is restarted at once (not in a back-off yet), fails again: the back-off's wait
    expected = ["Init:0/1", "Init:Error", "Init:0/1", "Init:Error", "Init:CrashLoopBackOff"]
    assert _in_order(watch.until("Init:CrashLoopBackOff"), expected), watch.seen
    assert _history(demo_cluster, "bad-init") == ["Pending", *expected]  # created, then the kubelet's
    entry = _init_status(demo_cluster, "bad-init", "migrate")
    assert entry["restartCount"] == 1  # the restart ran (and failed) before the back-off
    assert entry["lastState"]["terminated"]["exitCode"] == 3
    assert entry["state"]["waiting"]["message"].startswith("back-off 10s restarting failed container=migrate")
    pod = pod_json(demo_cluster, "default", "bad-init") or {}
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert _kubectl(kubectl, demo_cluster, "logs", "bad-init", "-c", "migrate", "--previous") == "migration-failed\n"

    demo_cluster.faults.advance_clock(10)  # the back-off is over: restarted, fails, backs off 20 s
    wait_for(lambda: _init_status(demo_cluster, "bad-init", "migrate").get("restartCount") == 2
             and "waiting" in _init_status(demo_cluster, "bad-init", "migrate")["state"], timeout=WAIT,
             what="the second restart's back-off")
    message = _init_status(demo_cluster, "bad-init", "migrate")["state"]["waiting"]["message"]
    assert message.startswith("back-off 20s restarting failed container=migrate")
    assert "running" not in str(pod_json(demo_cluster, "default", "bad-init")["status"]["containerStatuses"])


def test_a_failing_init_container_fails_a_never_pod(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "once", "namespace": "default"},
        "spec": {"restartPolicy": "Never",
                 "initContainers": [{"name": "check", "image": "busybox", "command": ["sh", "-c", "exit 2"]}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    pod = wait_for(lambda: (p := pod_json(demo_cluster, "default", "once")) and p["status"]["phase"] == "Failed"
                   and p, timeout=WAIT, what="the pod failed")
    assert pod_status_reason(pod) == "Init:Error"
    entry = pod["status"]["initContainerStatuses"][0]
    assert (entry["state"]["terminated"]["exitCode"], entry["restartCount"]) == (2, 0)
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}


def test_a_sidecar_init_container_starts_and_keeps_running_beside_the_app(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "with-sidecar", "namespace": "default"},
        "spec": {"initContainers": [
                     {"name": "proxy", "image": "busybox", "restartPolicy": "Always",
                      "command": ["sh", "-c", "echo proxy-up; sleep 3600"]},
                     {"name": "setup", "image": "busybox", "command": ["sh", "-c", "echo setup-done"]}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    pod = wait_for(lambda: (p := pod_json(demo_cluster, "default", "with-sidecar"))
                   and pod_status_reason(p) == "Running" and p, timeout=WAIT, what="with-sidecar running")
    proxy, setup = pod["status"]["initContainerStatuses"]
    assert "running" in proxy["state"]  # the sidecar runs on
    assert setup["state"]["terminated"]["reason"] == "Completed"
    api = core_v1(demo_cluster)
    assert api.read_namespaced_pod_log("with-sidecar", "default", container="setup") == "setup-done\n"


def test_an_init_containers_missing_image_backs_off_and_the_pod_waits(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "no-image", "namespace": "default"},
        "spec": {"initContainers": [{"name": "fetch", "image": "registry.example/doesnotexist:1"}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    pod = wait_for(lambda: (p := pod_json(demo_cluster, "default", "no-image"))
                   and pod_status_reason(p) == "Init:ImagePullBackOff" and p, timeout=WAIT, what="the back-off")
    assert pod["status"]["phase"] == "Pending"
    events = core_v1(demo_cluster).list_namespaced_event(
        "default", field_selector="involvedObject.name=no-image").items
    assert {(e.reason, e.involved_object.field_path) for e in events} >= {
        ("Failed", "spec.initContainers{fetch}"), ("BackOff", "spec.initContainers{fetch}")}


def test_deleting_a_pod_stops_its_running_init_container(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.add_pod({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "slow-init", "namespace": "default"},
        "spec": {"initContainers": [{"name": "wait", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}],
                 "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]},
    })
    wait_for(lambda: "running" in _init_status(demo_cluster, "slow-init", "wait").get("state", {}), timeout=WAIT,
             what="the init container running")
    core_v1(demo_cluster).delete_namespaced_pod("slow-init", "default")
    wait_for(lambda: pod_json(demo_cluster, "default", "slow-init") is None, timeout=WAIT, what="the pod gone")
    events = core_v1(demo_cluster).list_namespaced_event(
        "default", field_selector="involvedObject.name=slow-init").items
    assert [(e.reason, e.involved_object.field_path) for e in events if e.reason == "Killing"] == [
        ("Killing", "spec.initContainers{wait}")]
