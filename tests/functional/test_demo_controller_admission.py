"""The ReplicaSet controller's pod creates go through the API server's admission, as a real
cluster's do: a Deployment whose template breaks the namespace's Pod Security level (hostNetwork in
`staging`, which enforces baseline) gets no pod, its ReplicaSet a Warning FailedCreate event "Error
creating: pods ... is forbidden: violates PodSecurity ..." and the ReplicaFailure condition (copied
onto the Deployment, as syncRolloutStatus does), the Deployment stays 0 available; the create is retried with the work queue's back-off (5 ms doubling),
moved here with the simulated clock (`faults.freeze_clock` / `advance_clock`), never waited for.
The same Deployment in `default` (privileged) runs."""

from __future__ import annotations

import re
from typing import Any

from helpers.demo_http import Raw, wait_for
from tui.demo.cluster import DemoCluster

HOST_NETWORK_REFUSAL = 'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)'


def hostnet_deployment(namespace: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hostnet", "namespace": namespace},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "hostnet"}},
                     "template": {"metadata": {"labels": {"app": "hostnet"}},
                                  "spec": {"hostNetwork": True,
                                           "containers": [{"name": "main", "image": "busybox:1.36",
                                                           "command": ["sleep", "3600"]}]}}}}


def get(cluster: DemoCluster, path: str) -> dict[str, Any]:
    status, body = Raw(cluster).json("GET", path)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def create_hostnet(cluster: DemoCluster, namespace: str) -> None:
    status, body = Raw(cluster).json("POST", f"/apis/apps/v1/namespaces/{namespace}/deployments",
                                     hostnet_deployment(namespace))
    assert status == 201, body


def hostnet_replica_set(cluster: DemoCluster, namespace: str) -> dict[str, Any] | None:
    listed = get(cluster, f"/apis/apps/v1/namespaces/{namespace}/replicasets?labelSelector=app%3Dhostnet")
    return listed["items"][0] if listed["items"] else None


def hostnet_pods(cluster: DemoCluster, namespace: str) -> list[dict[str, Any]]:
    return list(get(cluster, f"/api/v1/namespaces/{namespace}/pods?labelSelector=app%3Dhostnet")["items"])


def failed_creates(cluster: DemoCluster, namespace: str, rs_name: str) -> list[dict[str, Any]]:
    listed = get(cluster, f"/api/v1/namespaces/{namespace}/events?fieldSelector=involvedObject.name%3D{rs_name}")
    return [event for event in listed["items"] if event["reason"] == "FailedCreate"]


def test_a_deployment_breaking_pod_security_gets_no_pod_and_a_failed_create(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.freeze_clock()  # the retries' back-off moves only with advance_clock
    create_hostnet(demo_cluster, "staging")
    rs = wait_for(lambda: hostnet_replica_set(demo_cluster, "staging"), timeout=30, what="hostnet's ReplicaSet")
    rs_name = rs["metadata"]["name"]
    (event,) = wait_for(lambda: failed_creates(demo_cluster, "staging", rs_name), timeout=30,
                        what="a FailedCreate event")
    assert (event["type"], event["source"], event["involvedObject"]["kind"]) == (
        "Warning", {"component": "replicaset-controller"}, "ReplicaSet")
    match = re.fullmatch(rf'Error creating: pods "{rs_name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}" is forbidden: '
                         + re.escape(HOST_NETWORK_REFUSAL), event["message"])
    assert match, event["message"]
    assert hostnet_pods(demo_cluster, "staging") == []

    def failure_condition() -> dict[str, Any] | None:
        found = hostnet_replica_set(demo_cluster, "staging") or {}
        return next((c for c in (found.get("status") or {}).get("conditions") or []
                     if c["type"] == "ReplicaFailure"), None)

    condition = wait_for(failure_condition, timeout=30, what="the ReplicaFailure condition")
    assert (condition["status"], condition["reason"]) == ("True", "FailedCreate")
    assert condition["message"] == event["message"].removeprefix("Error creating: ")

    def deployment_status() -> dict[str, Any]:
        return dict(get(demo_cluster, "/apis/apps/v1/namespaces/staging/deployments/hostnet").get("status") or {})

    def failure_copied() -> dict[str, Any] | None:
        found = deployment_status()
        return found if any(c["type"] == "ReplicaFailure" for c in found.get("conditions") or []) else None

    status = wait_for(failure_copied, timeout=30, what="the ReplicaSet's failure on the Deployment")
    copied = {c["type"]: c for c in status["conditions"]}["ReplicaFailure"]
    assert (copied["status"], copied["reason"], copied["message"]) == ("True", "FailedCreate", condition["message"])
    assert not status.get("availableReplicas") and not status.get("readyReplicas")
    assert status.get("unavailableReplicas") == 1
    available = {c["type"]: c for c in status["conditions"]}["Available"]
    assert (available["status"], available["reason"]) == ("False", "MinimumReplicasUnavailable")

    # the retry waits for the back-off (5 ms, then 10 ms, ...): no hot loop while the clock stands
    # (a millisecond either side of each due time: the simulated clock's seconds are floats)
    assert len(failed_creates(demo_cluster, "staging", rs_name)) == 1
    demo_cluster.faults.advance_clock(0.004)
    assert len(failed_creates(demo_cluster, "staging", rs_name)) == 1
    demo_cluster.faults.advance_clock(0.002)
    wait_for(lambda: len(failed_creates(demo_cluster, "staging", rs_name)) == 2, timeout=30, what="the first retry")
    demo_cluster.faults.advance_clock(0.009)
    assert len(failed_creates(demo_cluster, "staging", rs_name)) == 2
    demo_cluster.faults.advance_clock(0.002)
    wait_for(lambda: len(failed_creates(demo_cluster, "staging", rs_name)) == 3, timeout=30,
             what="the second retry, 10 ms later")
    assert hostnet_pods(demo_cluster, "staging") == []
    assert all(HOST_NETWORK_REFUSAL in e["message"] for e in failed_creates(demo_cluster, "staging", rs_name))
    assert not deployment_status().get("availableReplicas")


def test_the_same_deployment_runs_in_a_privileged_namespace(demo_cluster: DemoCluster) -> None:
    create_hostnet(demo_cluster, "default")

    def running() -> list[dict[str, Any]]:
        return [p for p in hostnet_pods(demo_cluster, "default") if p["status"].get("phase") == "Running"]

    (pod,) = wait_for(running, timeout=30, what="hostnet's pod running")
    assert pod["spec"]["hostNetwork"] is True
    wait_for(lambda: (get(demo_cluster, "/apis/apps/v1/namespaces/default/deployments/hostnet").get("status") or {})
             .get("availableReplicas") == 1, timeout=30, what="hostnet available")
    rs = hostnet_replica_set(demo_cluster, "default")
    assert rs is not None
    assert failed_creates(demo_cluster, "default", rs["metadata"]["name"]) == []
    assert not [c for c in (rs.get("status") or {}).get("conditions") or [] if c["type"] == "ReplicaFailure"]


def test_a_retry_after_the_namespace_allows_it_creates_the_pod_and_clears_the_failure(
        demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.freeze_clock()
    create_hostnet(demo_cluster, "staging")
    rs = wait_for(lambda: hostnet_replica_set(demo_cluster, "staging"), timeout=30, what="hostnet's ReplicaSet")
    rs_name = rs["metadata"]["name"]
    wait_for(lambda: failed_creates(demo_cluster, "staging", rs_name), timeout=30, what="a FailedCreate event")
    status, body = Raw(demo_cluster).json(
        "PATCH", "/api/v1/namespaces/staging",
        {"metadata": {"labels": {"pod-security.kubernetes.io/enforce": "privileged"}}},
        "application/merge-patch+json")
    assert status == 200, body
    assert hostnet_pods(demo_cluster, "staging") == []  # a namespace's change does not queue the ReplicaSet
    demo_cluster.faults.advance_clock(0.006)  # the back-off's retry: admitted now
    (pod,) = wait_for(lambda: hostnet_pods(demo_cluster, "staging"), timeout=30, what="hostnet's pod")
    assert pod["metadata"]["name"].startswith(f"{rs_name}-")

    def cleared() -> bool:
        found = hostnet_replica_set(demo_cluster, "staging") or {}
        deployment = get(demo_cluster, "/apis/apps/v1/namespaces/staging/deployments/hostnet")
        return not any(c["type"] == "ReplicaFailure"
                       for obj in (found, deployment) for c in (obj.get("status") or {}).get("conditions") or [])

    wait_for(cleared, timeout=30, what="ReplicaFailure gone from the ReplicaSet and the Deployment")
    assert len(failed_creates(demo_cluster, "staging", rs_name)) == 1
