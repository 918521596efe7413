"""Pod create/delete, the simulated kubelet, logs, ephemeral containers, SSAR, RBAC and faults."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from kubernetes.client import ApiException, AuthorizationV1Api, V1SelfSubjectAccessReview

from helpers.demo_http import Raw, api_client, core_v1, ephemeral_state, pod_json, wait_for
from tui.demo.cluster import DemoCluster
from tui.demo.routes import app as app_routes

SLIM = "slim-79487d6484-h4rss"
EC_PATH = f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers"


def _debugger(name: str = "debugger", image: str = "busybox", **extra: object) -> dict[str, object]:
    return {"name": name, "image": image, "stdin": True, "tty": True, "terminationMessagePolicy": "File", **extra}


def _smp(container: dict[str, object]) -> dict[str, object]:
    return {"spec": {"ephemeralContainers": [container]}}


def _patch(raw: Raw, body: object, content_type: str = "application/strategic-merge-patch+json",
           path: str = EC_PATH, query: str = "") -> tuple[int, dict]:
    return raw.json("PATCH", path + query, body, content_type)


# ---- create / delete ---------------------------------------------------------------------------

def test_create_fills_defaults_and_kubelet_runs_it(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    status, pod = raw.json("POST", "/api/v1/namespaces/default/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "copy-"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "sh", "image": "busybox", "command": ["sleep", "3600"]}]}})
    assert status == 201
    name = pod["metadata"]["name"]
    assert name.startswith("copy-") and len(name) == len("copy-") + 5
    assert pod["metadata"]["uid"] and pod["metadata"]["resourceVersion"] and pod["metadata"]["creationTimestamp"]
    app, shell = pod["spec"]["containers"]
    assert (app["imagePullPolicy"], shell["imagePullPolicy"]) == ("IfNotPresent", "Always")
    assert app["terminationMessagePath"] == "/dev/termination-log" and app["terminationMessagePolicy"] == "File"
    spec = pod["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["schedulerName"], spec["serviceAccountName"]) == (
        "Always", "ClusterFirst", "default-scheduler", "default")
    assert pod["status"]["phase"] == "Pending"
    running = wait_for(lambda: (p := pod_json(demo_cluster, "default", name)) and
                       p["status"]["phase"] == "Running" and p, what="pod running")
    assert running["spec"]["nodeName"] == "demo-node-1" and running["status"]["podIP"]
    ready = {c["type"]: c["status"] for c in running["status"]["conditions"]}
    assert ready["Ready"] == "True" and ready["PodScheduled"] == "True"


def test_create_conflicts_and_forbidden_ephemeral_containers(demo_cluster: DemoCluster) -> None:
    api = core_v1(demo_cluster)
    body = {"metadata": {"name": SLIM}, "spec": {"containers": [{"name": "a", "image": "busybox"}]}}
    with pytest.raises(ApiException) as error:
        api.create_namespaced_pod("default", body)
    assert error.value.status == 409
    assert json.loads(error.value.body)["message"] == f'pods "{SLIM}" already exists'
    body = {"metadata": {"name": "with-ec"}, "spec": {"containers": [{"name": "a", "image": "busybox"}],
                                                       "ephemeralContainers": [_debugger()]}}
    with pytest.raises(ApiException) as error:
        api.create_namespaced_pod("default", body)
    status = json.loads(error.value.body)
    assert error.value.status == 422 and status["reason"] == "Invalid"
    assert status["message"] == 'Pod "with-ec" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create'


def test_delete_is_graceful_then_gone(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3D{SLIM}")
    assert stream.next_event()["type"] == "ADDED"
    status, body = raw.json("DELETE", f"/api/v1/namespaces/default/pods/{SLIM}")
    assert status == 200 and body["metadata"]["deletionTimestamp"]
    assert body["metadata"]["deletionGracePeriodSeconds"] == 30
    modified = stream.next_event()
    assert modified["type"] == "MODIFIED" and modified["object"]["metadata"]["deletionTimestamp"]
    stopped = stream.next_event()  # the kubelet reports the containers it stopped
    assert stopped["type"] == "MODIFIED"
    states = [s["state"] for s in stopped["object"]["status"]["containerStatuses"]]
    assert [list(state) for state in states] == [["terminated"], ["terminated"]]
    assert not any(s["ready"] for s in stopped["object"]["status"]["containerStatuses"])
    assert stream.next_event()["type"] == "DELETED"
    assert pod_json(demo_cluster, "default", SLIM) is None
    stream.close()


# ---- logs --------------------------------------------------------------------------------------

def test_logs_need_a_container_name_for_multi_container_pods(demo_cluster: DemoCluster) -> None:
    api = core_v1(demo_cluster)
    with pytest.raises(ApiException) as error:
        api.read_namespaced_pod_log(SLIM, "default")
    assert error.value.status == 400
    assert json.loads(error.value.body)["message"] == (
        f"a container name must be specified for pod {SLIM}, choose one of: [app sidecar]")
    with pytest.raises(ApiException) as error:
        api.read_namespaced_pod_log(SLIM, "default", container="nope")
    assert json.loads(error.value.body)["message"] == f"container nope is not valid for pod {SLIM}"


def test_crashloop_logs_current_previous_and_tail(demo_cluster: DemoCluster) -> None:
    api = core_v1(demo_cluster)
    name = "payments-api-7c9d8f6b5-x2kqp"
    previous = api.read_namespaced_pod_log(name, "default", previous=True)
    assert "FATAL could not connect to the database" in previous
    tail = api.read_namespaced_pod_log(name, "default", tail_lines=1)
    assert tail.count("\n") == 1 and "FATAL" in tail
    with pytest.raises(ApiException) as error:
        api.read_namespaced_pod_log(SLIM, "default", container="app", previous=True)
    assert json.loads(error.value.body)["message"] == (
        f'previous terminated container "app" in pod "{SLIM}" not found')


# ---- ephemeral containers ------------------------------------------------------------------------

def test_strategic_merge_patch_adds_a_debug_container_that_starts(demo_cluster: DemoCluster) -> None:
    api = core_v1(demo_cluster)
    pod = api.patch_namespaced_pod_ephemeralcontainers(SLIM, "default", _smp(_debugger(targetContainerName="app")))
    added = pod.spec.ephemeral_containers[0]
    assert (added.name, added.target_container_name, added.image_pull_policy) == ("debugger", "app", "Always")
    assert ephemeral_state(demo_cluster, "default", SLIM, "debugger").get("waiting", {}).get("reason") in (
        "ContainerCreating", None)
    wait_for(lambda: "running" in ephemeral_state(demo_cluster, "default", SLIM, "debugger"), what="running")
    second = {"$setElementOrder/ephemeralContainers": [{"name": "debugger"}, {"name": "two"}],
              "ephemeralContainers": [_debugger("two")]}
    status, body = _patch(Raw(demo_cluster), {"spec": second})
    assert status == 200
    assert [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["debugger", "two"]


def test_json_patch_appends(demo_cluster: DemoCluster) -> None:
    status, body = _patch(Raw(demo_cluster), [{"op": "add", "path": "/spec/ephemeralContainers",
                                               "value": [_debugger("jp")]}], "application/json-patch+json")
    assert status == 200 and [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["jp"]
    status, body = _patch(Raw(demo_cluster), [{"op": "add", "path": "/spec/ephemeralContainers/-",
                                               "value": _debugger("jp2")}], "application/json-patch+json")
    assert status == 200 and [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["jp", "jp2"]


def test_merge_patch_replacing_the_list_is_refused(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    assert _patch(raw, _smp(_debugger("first")))[0] == 200
    status, body = _patch(raw, _smp(_debugger("second")), "application/merge-patch+json")
    assert status == 422
    assert 'existing ephemeral containers "first" may not be removed' in body["message"]


def test_dry_run_validates_but_stores_nothing(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    before = pod_json(demo_cluster, "default", SLIM)
    status, body = _patch(raw, _smp(_debugger()), query="?dryRun=All")
    assert status == 200 and body["spec"]["ephemeralContainers"][0]["name"] == "debugger"
    after = pod_json(demo_cluster, "default", SLIM)
    assert after == before


def test_validation_errors_are_422_with_the_api_server_messages(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    status, body = _patch(raw, _smp(_debugger(ports=[{"containerPort": 80}])))
    assert status == 422 and body["reason"] == "Invalid"
    assert body["message"] == (f'Pod "{SLIM}" is invalid: spec.ephemeralContainers[0].ports: '
                               "Forbidden: cannot be set for an Ephemeral Container")
    assert body["details"]["causes"][0]["field"] == "spec.ephemeralContainers[0].ports"
    status, body = _patch(raw, _smp(_debugger("app")))
    assert status == 422 and 'Duplicate value: "app"' in body["message"]
    status, body = _patch(raw, _smp(_debugger(targetContainerName="nope")))
    assert status == 422 and 'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"' in body["message"]


def test_static_pods_refuse_ephemeral_containers(demo_cluster: DemoCluster) -> None:
    path = "/api/v1/namespaces/kube-system/pods/kube-apiserver-demo-node-1/ephemeralcontainers"
    status, body = _patch(Raw(demo_cluster), _smp(_debugger()), path=path)
    assert status == 422
    assert "static pods do not support ephemeral containers" in body["message"]


def test_pod_security_refuses_a_privileged_debugger_in_restricted_namespace(demo_cluster: DemoCluster) -> None:
    path = "/api/v1/namespaces/secure/pods/vault-agent-0/ephemeralcontainers"
    status, body = _patch(Raw(demo_cluster), _smp(_debugger(securityContext={"privileged": True})), path=path)
    assert status == 403 and body["reason"] == "Forbidden"
    assert body["message"].startswith('pods "vault-agent-0" is forbidden: violates PodSecurity "restricted:latest": ')
    assert 'privileged (container "debugger" must not set securityContext.privileged=true)' in body["message"]


def test_missing_image_goes_err_image_pull_then_backoff(demo_cluster: DemoCluster) -> None:
    assert _patch(Raw(demo_cluster), _smp(_debugger(image="example.com/doesnotexist:1")))[0] == 200
    waiting = wait_for(lambda: ephemeral_state(demo_cluster, "default", SLIM, "debugger").get("waiting", {})
                       .get("reason") == "ImagePullBackOff"
                       and ephemeral_state(demo_cluster, "default", SLIM, "debugger")["waiting"], what="backoff")
    assert waiting["message"] == 'Back-off pulling image "example.com/doesnotexist:1"'


def test_root_image_in_non_root_pod_is_a_config_error(demo_cluster: DemoCluster) -> None:
    path = "/api/v1/namespaces/default/pods/nonroot-app/ephemeralcontainers"
    assert _patch(Raw(demo_cluster), _smp(_debugger()), path=path)[0] == 200
    pod = pod_json(demo_cluster, "default", "nonroot-app")
    waiting = wait_for(lambda: ephemeral_state(demo_cluster, "default", "nonroot-app", "debugger")
                       .get("waiting", {}).get("reason") == "CreateContainerConfigError"
                       and ephemeral_state(demo_cluster, "default", "nonroot-app", "debugger")["waiting"],
                       what="config error")
    assert waiting["message"] == (
        f'container has runAsNonRoot and image will run as root (pod: "default/nonroot-app'
        f'({pod["metadata"]["uid"]})", container: debugger)')


# ---- authorization and faults ---------------------------------------------------------------------

def _ssar(cluster: DemoCluster, verb: str, resource: str, subresource: str = "", namespace: str = "default"
          ) -> bool:
    review = V1SelfSubjectAccessReview(spec={"resourceAttributes": {
        "verb": verb, "resource": resource, "subresource": subresource, "namespace": namespace}})
    return AuthorizationV1Api(api_client(cluster)).create_self_subject_access_review(review).status.allowed


def test_rbac_denial_answers_ssar_and_the_real_route(demo_cluster: DemoCluster) -> None:
    assert _ssar(demo_cluster, "patch", "pods", "ephemeralcontainers")
    demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers", namespace="default")
    assert not _ssar(demo_cluster, "patch", "pods", "ephemeralcontainers")
    assert _ssar(demo_cluster, "patch", "pods", "ephemeralcontainers", namespace="staging")
    status, body = _patch(Raw(demo_cluster), _smp(_debugger()))
    assert status == 403
    assert body["message"] == (f'pods "{SLIM}" is forbidden: User "demo" cannot patch resource '
                               '"pods/ephemeralcontainers" in API group "" in the namespace "default"')
    demo_cluster.faults.allow_all()
    assert _patch(Raw(demo_cluster), _smp(_debugger()))[0] == 200


def test_list_denied_at_cluster_scope(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "pods")
    status, body = Raw(demo_cluster).json("GET", "/api/v1/pods")
    assert status == 403
    assert body["message"] == ('pods is forbidden: User "demo" cannot list resource "pods" in API group "" '
                               "at the cluster scope")


def test_injected_failures_and_latency(demo_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = Raw(demo_cluster)
    demo_cluster.faults.fail_requests(status=500, count=2, path_contains="/pods")
    assert raw.json("GET", "/api/v1/namespaces")[0] == 200
    assert raw.json("GET", "/api/v1/pods")[0] == 500
    status, body = raw.json("GET", "/api/v1/pods")
    assert status == 500 and body["kind"] == "Status" and body["reason"] == "InternalError"
    assert raw.json("GET", "/api/v1/pods")[0] == 200

    # latency: the server's loop waits that long before it answers; here the wait lasts until the
    # test lets it go, so a request is seen held, not timed
    waits: list[float] = []
    gate = threading.Event()

    async def held(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.to_thread(gate.wait)

    monkeypatch.setattr(app_routes, "asyncio", SimpleNamespace(sleep=held))
    demo_cluster.faults.set_latency(0.3)
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            answer = pool.submit(raw.json, "GET", "/version")
            wait_for(lambda: waits, what="the request's injected wait")
            assert waits == [0.3]
            assert not answer.done()  # held: no answer before the wait is over
        finally:
            gate.set()
        assert answer.result(timeout=10)[0] == 200
    demo_cluster.faults.set_latency(0)
    assert raw.json("GET", "/version")[0] == 200
    assert waits == [0.3]  # latency 0: answered without a wait


def test_container_state_helpers_and_add_pod(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.set_container_waiting("default", SLIM, "app", "CrashLoopBackOff", "back-off 10s")
    pod = pod_json(demo_cluster, "default", SLIM)
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert {c["type"]: c["status"] for c in pod["status"]["conditions"]}["Ready"] == "False"
    demo_cluster.faults.set_container_running("default", SLIM, "app")
    pod = pod_json(demo_cluster, "default", SLIM)
    assert {c["type"]: c["status"] for c in pod["status"]["conditions"]}["Ready"] == "True"
    added = demo_cluster.faults.add_pod({"metadata": {"name": "extra", "namespace": "staging"},
                                         "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert added["metadata"]["uid"]
    wait_for(lambda: (p := pod_json(demo_cluster, "staging", "extra")) and p["status"]["phase"] == "Running",
             what="added pod running")


def test_attach_to_a_missing_pod_is_404_before_upgrade(demo_cluster: DemoCluster) -> None:
    status, body = Raw(demo_cluster).json("GET", "/api/v1/namespaces/default/pods/gone/attach?container=x")
    assert status == 404 and body["message"] == 'pods "gone" not found'
