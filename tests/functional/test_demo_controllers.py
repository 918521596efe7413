"""The demo's control plane and kubelet as Kubernetes v1.32 has them (issue 14), over real HTTP:
the slim Deployment and its ReplicaSet, a rollout after a template change, a deleted pod replaced,
events from the scheduler, kubelet and controllers, Succeeded/Failed phases, graceful deletion and
the crash-loop back-off. Time the kubelet counts in seconds or minutes (back-off, grace periods) is
moved with `faults.advance_clock` / `finish_deletions`, never waited for; steps of the kubelet's
short delay are waited on as conditions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from kubernetes import client

from helpers.demo_http import Raw, api_client, core_v1, pod_json, wait_for
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
SLIM_RS = "slim-79487d6484"
CRASHLOOP = "payments-api-7c9d8f6b5-x2kqp"
SHARE_PATCH = {"spec": {"template": {"spec": {"shareProcessNamespace": True}}}}


def apps_v1(cluster: DemoCluster) -> client.AppsV1Api:
    return client.AppsV1Api(api_client(cluster))


def get(cluster: DemoCluster, path: str) -> dict[str, Any]:
    status, body = Raw(cluster).json("GET", path)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def slim_pods(cluster: DemoCluster) -> dict[str, dict[str, Any]]:
    listed = get(cluster, "/api/v1/namespaces/default/pods?labelSelector=app%3Dslim")
    return {pod["metadata"]["name"]: pod for pod in listed["items"]}


def events_about(cluster: DemoCluster, name: str, namespace: str = "default") -> list[dict[str, Any]]:
    listed = get(cluster, f"/api/v1/namespaces/{namespace}/events?fieldSelector=involvedObject.name%3D{name}")
    return list(listed["items"])


def reasons(events: list[dict[str, Any]]) -> list[str]:
    return [event["reason"] for event in events]


def container_state(cluster: DemoCluster, name: str, container: str) -> dict[str, Any]:
    pod = pod_json(cluster, "default", name) or {}
    for entry in pod.get("status", {}).get("containerStatuses", []):
        if entry["name"] == container:
            return dict(entry)
    return {}


def create_pod(cluster: DemoCluster, name: str, command: list[str], restart_policy: str = "Always",
               grace: int | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"restartPolicy": restart_policy,
                            "containers": [{"name": "main", "image": "busybox:1.36", "command": command}]}
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = grace
    status, body = Raw(cluster).json("POST", "/api/v1/namespaces/default/pods",
                                     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})
    assert status == 201, body
    return body  # type: ignore[no-any-return]


# ---- Deployment and ReplicaSet ---------------------------------------------------------------

def test_slim_is_a_deployment_owning_its_replica_set_and_pod(demo_cluster: DemoCluster) -> None:
    apps = apps_v1(demo_cluster)
    deployment = apps.read_namespaced_deployment("slim", "default")
    assert deployment.spec.replicas == 1 and deployment.spec.selector.match_labels == {"app": "slim"}
    status = deployment.status
    assert (status.observed_generation, status.replicas, status.updated_replicas, status.ready_replicas,
            status.available_replicas) == (deployment.metadata.generation, 1, 1, 1, 1)
    assert {c.type: c.reason for c in status.conditions} == {"Available": "MinimumReplicasAvailable",
                                                             "Progressing": "NewReplicaSetAvailable"}
    rs = apps.read_namespaced_replica_set(SLIM_RS, "default")
    assert [(ref.kind, ref.name, ref.uid, ref.controller) for ref in rs.metadata.owner_references] == [
        ("Deployment", "slim", deployment.metadata.uid, True)]
    assert rs.metadata.labels["pod-template-hash"] == "79487d6484"
    pod = pod_json(demo_cluster, "default", SLIM)
    assert pod is not None
    assert [(ref["kind"], ref["name"], ref["uid"]) for ref in pod["metadata"]["ownerReferences"]] == [
        ("ReplicaSet", SLIM_RS, rs.metadata.uid)]
    # the controllers found the seeded objects as they are: nothing was rewritten when they started
    changed = demo_cluster.run(lambda: [e.resource for e in demo_cluster.store.history
                                        if e.resource in ("deployments", "replicasets")])
    assert changed == []
    assert list(slim_pods(demo_cluster)) == [SLIM]


def test_a_deleted_replica_set_pod_is_replaced(demo_cluster: DemoCluster) -> None:
    core_v1(demo_cluster).delete_namespaced_pod(SLIM, "default")
    replacement = wait_for(lambda: [name for name in slim_pods(demo_cluster) if name != SLIM], timeout=30,
                           what="a new slim pod")[0]
    assert re.fullmatch(rf"{SLIM_RS}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", replacement)
    pod = wait_for(lambda: (p := pod_json(demo_cluster, "default", replacement))
                   and p["status"].get("phase") == "Running" and p, timeout=30, what="the new pod running")
    assert pod["metadata"]["labels"] == {"app": "slim", "pod-template-hash": "79487d6484"}
    assert pod["metadata"]["generateName"] == f"{SLIM_RS}-"
    owner = pod["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("ReplicaSet", SLIM_RS, True)
    wait_for(lambda: pod_json(demo_cluster, "default", SLIM) is None, timeout=30, what="the old pod gone")
    created = [e for e in events_about(demo_cluster, SLIM_RS) if e["reason"] == "SuccessfulCreate"]
    assert [e["message"] for e in created] == [f"Created pod: {replacement}"]
    assert created[0]["source"] == {"component": "replicaset-controller"}
    scheduled = [e for e in events_about(demo_cluster, replacement) if e["reason"] == "Scheduled"]
    assert scheduled[0]["message"] == f"Successfully assigned default/{replacement} to demo-node-1"
    assert scheduled[0]["reportingComponent"] == "default-scheduler" and scheduled[0]["eventTime"]


def test_a_template_change_rolls_the_pods_to_a_new_replica_set(demo_cluster: DemoCluster) -> None:
    apps = apps_v1(demo_cluster)
    generation = apps.read_namespaced_deployment("slim", "default").metadata.generation
    apps.patch_namespaced_deployment("slim", "default", SHARE_PATCH)

    def rolled_out() -> Any:
        d = apps.read_namespaced_deployment("slim", "default")
        s = d.status
        done = (s.observed_generation == d.metadata.generation and s.updated_replicas == 1 and s.replicas == 1
                and s.available_replicas == 1)
        return done and len(slim_pods(demo_cluster)) == 1 and d

    deployment = wait_for(rolled_out, timeout=30, what="the rollout to finish")
    assert deployment.metadata.generation == generation + 1
    assert deployment.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    progressing = {c.type: c for c in deployment.status.conditions}["Progressing"]
    sets = {rs.metadata.name: rs for rs in apps.list_namespaced_replica_set("default").items}
    new_name = next(name for name in sets if name.startswith("slim-") and name != SLIM_RS)
    assert (progressing.reason, progressing.message) == (
        "NewReplicaSetAvailable", f'ReplicaSet "{new_name}" has successfully progressed.')
    new = sets[new_name]
    assert new.spec.replicas == 1 and new.spec.template.spec.share_process_namespace is True
    assert new.metadata.labels["pod-template-hash"] == new_name.removeprefix("slim-")
    assert sets[SLIM_RS].spec.replicas == 0
    (pod,) = slim_pods(demo_cluster).values()
    assert pod["metadata"]["name"].startswith(f"{new_name}-") and pod["spec"]["shareProcessNamespace"] is True
    scaling = [e["message"] for e in events_about(demo_cluster, "slim") if e["reason"] == "ScalingReplicaSet"]
    assert scaling == [f"Scaled up replica set {new_name} from 0 to 1",
                       f"Scaled down replica set {SLIM_RS} from 1 to 0"]


def test_rolling_update_keeps_within_max_surge_and_max_unavailable(demo_cluster: DemoCluster) -> None:
    """4 replicas, 25% each way: never more than 5 pods, never fewer than 3 available."""
    apps = apps_v1(demo_cluster)
    apps.patch_namespaced_deployment("slim", "default", {"spec": {"replicas": 4}})
    wait_for(lambda: (apps.read_namespaced_deployment("slim", "default").status.available_replicas or 0) == 4,
             timeout=30, what="4 slim pods available")
    seen: list[tuple[int, int]] = []

    def watch(event: Any) -> None:
        if event.resource == "pods":
            pods = [p for p in demo_cluster.store.values("pods") if p["metadata"].get("labels", {}).get("app") == "slim"]
            live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
            ready = [p for p in live if any(c["type"] == "Ready" and c["status"] == "True"
                                            for c in p["status"].get("conditions", []))]
            seen.append((len(live), len(ready)))

    demo_cluster.run(lambda: demo_cluster.store.listeners.append(watch))
    apps.patch_namespaced_deployment("slim", "default", SHARE_PATCH)

    def done() -> bool:
        s = apps.read_namespaced_deployment("slim", "default").status
        return s.updated_replicas == 4 and s.replicas == 4 and s.available_replicas == 4

    wait_for(done, timeout=30, what="the rollout of 4 replicas")
    demo_cluster.run(lambda: demo_cluster.store.listeners.remove(watch))
    assert seen and max(live for live, _ in seen) <= 5 and min(ready for _, ready in seen) >= 3


# ---- events ----------------------------------------------------------------------------------

def test_a_debuggers_failed_pull_is_in_the_events(demo_cluster: DemoCluster) -> None:
    body = {"spec": {"ephemeralContainers": [{"name": "debugger", "image": "example.com/doesnotexist:1",
                                               "stdin": True, "tty": True}]}}
    status, _ = Raw(demo_cluster).json("PATCH", f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers", body,
                                       "application/strategic-merge-patch+json")
    assert status == 200

    def pull_events() -> list[dict[str, Any]]:
        found = [e for e in events_about(demo_cluster, SLIM)
                 if e["involvedObject"].get("fieldPath") == "spec.ephemeralContainers{debugger}"]
        return found if "BackOff" in reasons(found) else []

    found = wait_for(pull_events, timeout=30, what="the debugger's pull events")
    assert [(e["type"], e["reason"], e["message"]) for e in found][:5] == [
        ("Normal", "Pulling", 'Pulling image "example.com/doesnotexist:1"'),
        ("Warning", "Failed", 'Failed to pull image "example.com/doesnotexist:1": failed to pull and unpack image '
                              '"example.com/doesnotexist:1": failed to resolve reference "example.com/doesnotexist:1": '
                              "example.com/doesnotexist:1: not found"),
        ("Warning", "Failed", "Error: ErrImagePull"),
        ("Normal", "BackOff", 'Back-off pulling image "example.com/doesnotexist:1"'),
        ("Warning", "Failed", "Error: ImagePullBackOff"),
    ]
    event = found[0]
    assert event["source"] == {"component": "kubelet", "host": "demo-node-1"}
    assert event["count"] == 1 and event["firstTimestamp"] == event["lastTimestamp"]
    assert event["involvedObject"]["kind"] == "Pod" and event["involvedObject"]["uid"]
    assert event["reportingComponent"] == "kubelet" and event["eventTime"] is None


def test_repeated_events_are_counted_not_repeated(demo_cluster: DemoCluster) -> None:
    demo_cluster.run(lambda: setattr(demo_cluster.kubelet, "image_pull_backoff", 0.05))
    body = {"spec": {"ephemeralContainers": [{"name": "debugger", "image": "example.com/doesnotexist:1"}]}}
    Raw(demo_cluster).json("PATCH", f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers", body,
                           "application/strategic-merge-patch+json")

    def counted() -> dict[str, Any] | None:
        for event in events_about(demo_cluster, SLIM):
            if event["message"] == "Error: ErrImagePull" and event["count"] >= 2:
                return event
        return None

    event = wait_for(counted, timeout=30, what="ErrImagePull counted twice")
    assert sum(e["message"] == "Error: ErrImagePull" for e in events_about(demo_cluster, SLIM)) == 1
    assert event["lastTimestamp"] >= event["firstTimestamp"]


def test_a_new_pod_gets_scheduler_and_kubelet_events(demo_cluster: DemoCluster) -> None:
    create_pod(demo_cluster, "sleeper", ["sleep", "3600"])
    found = wait_for(lambda: (e := events_about(demo_cluster, "sleeper")) and "Started" in reasons(e) and e,
                     timeout=30, what="sleeper's events")
    assert reasons(found) == ["Scheduled", "Pulled", "Created", "Started"]
    assert [e["message"] for e in found[1:]] == ['Container image "busybox:1.36" already present on machine',
                                                 "Created container: main", "Started container main"]


# ---- phases ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("policy", "code", "phase"), [("Never", 0, "Succeeded"), ("Never", 3, "Failed"),
                                                       ("OnFailure", 0, "Succeeded")])
def test_finished_pods_reach_their_phase(demo_cluster: DemoCluster, policy: str, code: int, phase: str) -> None:
    create_pod(demo_cluster, "job", ["sh", "-c", f"echo done; exit {code}"], restart_policy=policy)
    pod = wait_for(lambda: (p := pod_json(demo_cluster, "default", "job")) and p["status"].get("phase") == phase
                   and p, timeout=30, what=f"phase {phase}")
    (entry,) = pod["status"]["containerStatuses"]
    assert entry["state"]["terminated"]["exitCode"] == code and entry["restartCount"] == 0
    ready = {c["type"]: c for c in pod["status"]["conditions"]}["Ready"]
    assert (ready["status"], ready["reason"]) == ("False", "PodCompleted")
    listed = get(demo_cluster, f"/api/v1/namespaces/default/pods?fieldSelector=status.phase%3D{phase}")
    assert [p["metadata"]["name"] for p in listed["items"]] == ["job"]


def test_on_failure_restarts_a_failed_container_and_the_pod_stays_running(demo_cluster: DemoCluster) -> None:
    create_pod(demo_cluster, "retry", ["sleep", "3600"], restart_policy="OnFailure")
    wait_for(lambda: "running" in container_state(demo_cluster, "retry", "main").get("state", {}), timeout=30,
             what="retry running")
    demo_cluster.faults.crash_now("default", "retry", "main")
    entry = wait_for(lambda: (s := container_state(demo_cluster, "retry", "main")) and s["restartCount"] == 1
                     and "running" in s["state"] and s, timeout=30, what="restarted once")
    assert entry["lastState"]["terminated"]["exitCode"] == 1
    assert (pod_json(demo_cluster, "default", "retry") or {})["status"]["phase"] == "Running"


# ---- graceful deletion -----------------------------------------------------------------------

def test_graceful_delete_waits_for_the_grace_period_on_a_slow_node(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.freeze_clock()
    create_pod(demo_cluster, "slow", ["sleep", "3600"], grace=45)
    wait_for(lambda: "running" in container_state(demo_cluster, "slow", "main").get("state", {}), timeout=30,
             what="slow running")
    demo_cluster.faults.pause_kubelet()  # the kubelet does not confirm the deletion
    status, body = Raw(demo_cluster).json("DELETE", "/api/v1/namespaces/default/pods/slow")
    assert status == 200 and body["metadata"]["deletionGracePeriodSeconds"] == 45
    assert body["metadata"]["deletionTimestamp"]
    stopped = wait_for(lambda: "terminated" in container_state(demo_cluster, "slow", "main").get("state", {})
                       and container_state(demo_cluster, "slow", "main"), what="the container stopped")
    assert stopped["state"]["terminated"]["exitCode"] == 143
    assert "Killing" in reasons(events_about(demo_cluster, "slow"))
    demo_cluster.faults.advance_clock(44)
    assert pod_json(demo_cluster, "default", "slow") is not None  # Terminating for the grace period
    demo_cluster.faults.advance_clock(1)
    assert pod_json(demo_cluster, "default", "slow") is None
    demo_cluster.faults.resume_kubelet()


def test_finish_deletions_ends_what_is_terminating(demo_cluster: DemoCluster) -> None:
    create_pod(demo_cluster, "slow", ["sleep", "3600"])
    wait_for(lambda: "running" in container_state(demo_cluster, "slow", "main").get("state", {}), timeout=30,
             what="slow running")
    demo_cluster.faults.pause_kubelet()
    Raw(demo_cluster).json("DELETE", "/api/v1/namespaces/default/pods/slow")
    assert (pod_json(demo_cluster, "default", "slow") or {})["metadata"]["deletionTimestamp"]
    assert demo_cluster.faults.finish_deletions() == 1
    assert pod_json(demo_cluster, "default", "slow") is None
    demo_cluster.faults.resume_kubelet()


def test_grace_period_zero_deletes_at_once(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3D{SLIM}")
    assert stream.next_event()["type"] == "ADDED"
    status, _ = raw.json("DELETE", f"/api/v1/namespaces/default/pods/{SLIM}?gracePeriodSeconds=0",
                         {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0})
    assert status == 200
    assert stream.next_event()["type"] == "DELETED"
    assert pod_json(demo_cluster, "default", SLIM) is None
    stream.close()


# ---- crash-loop back-off ---------------------------------------------------------------------

def _waiting_message(cluster: DemoCluster, name: str) -> str:
    state = container_state(cluster, name, "main").get("state", {})
    return str((state.get("waiting") or {}).get("message", ""))


def test_crash_loop_back_off_doubles_to_five_minutes_and_resets_after_ten(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.freeze_clock()
    create_pod(demo_cluster, "crasher", ["sleep", "3600"])

    def running_with(restarts: int) -> Any:
        entry = container_state(demo_cluster, "crasher", "main")
        return entry.get("restartCount") == restarts and "running" in entry.get("state", {}) and entry

    wait_for(lambda: running_with(0), timeout=30, what="crasher running")
    demo_cluster.faults.crash_now("default", "crasher", "main")
    wait_for(lambda: running_with(1), timeout=30, what="the first restart, at once")
    uid = (pod_json(demo_cluster, "default", "crasher") or {})["metadata"]["uid"]
    shown = []
    for restarts, delay in enumerate((10, 20, 40, 80, 160, 300, 300), start=1):
        demo_cluster.faults.crash_now("default", "crasher", "main")
        message = wait_for(lambda: _waiting_message(demo_cluster, "crasher"), what="CrashLoopBackOff")
        shown.append(message.split()[1])
        assert message == (f"back-off {shown[-1]} restarting failed container=main "
                           f"pod=crasher_default({uid})")
        demo_cluster.faults.advance_clock(delay - 1)
        assert container_state(demo_cluster, "crasher", "main")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        demo_cluster.faults.advance_clock(1)
        wait_for(lambda r=restarts: running_with(r + 1), timeout=30, what=f"restart {restarts + 1} after {delay}s")
    assert shown == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"]
    backoffs = [e for e in events_about(demo_cluster, "crasher") if e["reason"] == "BackOff"]
    assert len(backoffs) == 1 and backoffs[0]["count"] == 7 and backoffs[0]["type"] == "Warning"
    assert backoffs[0]["message"] == f"Back-off restarting failed container main in pod crasher_default({uid})"
    # ten minutes running: the back-off is forgotten, the restart is immediate, then 10 s again
    demo_cluster.faults.advance_clock(601)
    demo_cluster.faults.crash_now("default", "crasher", "main")
    wait_for(lambda: running_with(9), timeout=30, what="an immediate restart after 10 minutes running")
    demo_cluster.faults.crash_now("default", "crasher", "main")
    message = wait_for(lambda: _waiting_message(demo_cluster, "crasher"), what="CrashLoopBackOff again")
    assert message.startswith("back-off 10s restarting failed container=main")


def test_the_demo_crash_loop_restarts_when_its_back_off_is_over(demo_cluster: DemoCluster) -> None:
    def api() -> dict[str, Any]:
        pod = pod_json(demo_cluster, "default", CRASHLOOP) or {}
        return dict(pod["status"]["containerStatuses"][0])

    seeded = {e["reason"]: e.get("count") for e in events_about(demo_cluster, CRASHLOOP)}  # the scenario's
    demo_cluster.faults.freeze_clock()
    demo_cluster.faults.hold_crash_loops()
    demo_cluster.faults.resume_crash_loops()  # the back-off it shows counts from now
    first = api()
    restarts = first["restartCount"]
    assert first["state"]["waiting"]["message"].startswith("back-off 2m40s restarting failed container=api")
    demo_cluster.faults.advance_clock(159)
    assert api()["restartCount"] == restarts
    demo_cluster.faults.advance_clock(1)
    after = api()
    assert after["restartCount"] == restarts + 1
    assert after["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert after["state"]["waiting"]["message"].startswith("back-off 5m0s restarting failed container=api")
    demo_cluster.faults.crash_now("default", CRASHLOOP, "api")  # the back-off ends now: restart, fail
    assert api()["restartCount"] == restarts + 2
    demo_cluster.faults.advance_clock(299)
    assert api()["restartCount"] == restarts + 2
    demo_cluster.faults.advance_clock(1)
    assert api()["restartCount"] == restarts + 3
    events = {e["reason"]: e for e in events_about(demo_cluster, CRASHLOOP)}
    assert events["BackOff"]["count"] == seeded["BackOff"] + 3 and events["Started"]["count"] == seeded["Started"] + 3


def test_held_crash_loops_do_not_restart(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.freeze_clock()
    demo_cluster.faults.hold_crash_loops()
    before = (pod_json(demo_cluster, "default", CRASHLOOP) or {})["status"]["containerStatuses"][0]
    demo_cluster.faults.advance_clock(3600)
    after = (pod_json(demo_cluster, "default", CRASHLOOP) or {})["status"]["containerStatuses"][0]
    assert after == before
    demo_cluster.faults.resume_crash_loops()
    demo_cluster.faults.advance_clock(160)
    assert (pod_json(demo_cluster, "default", CRASHLOOP) or {})["status"]["containerStatuses"][0][
        "restartCount"] == before["restartCount"] + 1

