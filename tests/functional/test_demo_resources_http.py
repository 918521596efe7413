"""The demo cluster's generic resources over plain HTTP (no kubectl): the OpenAPI endpoints as
clients ask for them, CRUD of a Deployment with the API server's answers (409, 422, the Strict 400,
404/405 for what is not served), the status and scale subresources, watches of apps/v1 and
events.k8s.io/v1, the garbage collector and a namespace's deletion, SelfSubjectReview."""

from __future__ import annotations

from typing import Any

from helpers.demo_http import Raw, wait_for
from tui.demo.api import openapi
from tui.demo.cluster import DemoCluster

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def deployment(name: str = "shop", labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}


def test_openapi_endpoints(shared_cluster: DemoCluster) -> None:
    raw = Raw(shared_cluster)
    status, swagger = raw.json("GET", "/openapi/v2")
    assert status == 200 and swagger["swagger"] == "2.0" and "io.k8s.api.apps.v1.Deployment" in swagger["definitions"]
    protobuf = raw.request("GET", "/openapi/v2", headers={"Accept": openapi.V2_PROTOBUF})
    assert protobuf.headers["Content-Type"] == openapi.V2_PROTOBUF_OLD and protobuf.data == openapi.v2_protobuf()
    status, index = raw.json("GET", "/openapi/v3")
    url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
    document = raw.request("GET", url)
    assert document.status == 200 and document.headers["Cache-Control"] == "public, immutable"
    assert document.data == openapi.v3_bytes("apps/v1")
    assert raw.request("GET", "/openapi/v3/apis/batch/v1").status == 404


def test_deployment_crud_and_the_api_servers_answers(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    status, created = raw.json("POST", DEPLOYMENTS, deployment())
    assert status == 201 and created["metadata"]["generation"] == 1 and created["spec"]["replicas"] == 1
    assert created["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": "25%", "maxSurge": "25%"}
    status, body = raw.json("POST", DEPLOYMENTS, deployment())
    assert (status, body["reason"], body["message"]) == (409, "AlreadyExists", 'deployments.apps "shop" already exists')
    status, body = raw.json("POST", DEPLOYMENTS, deployment("bad", {"app": "other"}))
    assert status == 422 and body["details"]["group"] == "apps"
    assert "`selector` does not match template `labels`" in body["message"]
    typo = deployment("typo")
    typo["spec"]["replicaz"] = 2
    status, body = raw.json("POST", DEPLOYMENTS + "?fieldValidation=Strict", typo)
    assert status == 400 and body["message"].endswith('strict decoding error: unknown field "spec.replicaz"')
    status, body = raw.json("GET", DEPLOYMENTS + "/nope")
    assert (status, body["message"]) == (404, 'deployments.apps "nope" not found')
    assert raw.request("GET", "/apis/apps/v1/deployments/shop").status == 404
    assert raw.request("POST", "/apis/apps/v1/deployments", deployment("x")).status == 405

    status, current = raw.json("GET", DEPLOYMENTS + "/shop")
    current["metadata"].pop("resourceVersion")  # unconditional: the Deployment controller may write in between
    current["status"] = {"replicas": 1, "readyReplicas": 1}
    current["spec"]["replicas"] = 5
    status, updated = raw.json("PUT", DEPLOYMENTS + "/shop/status", current)
    assert status == 200 and updated["status"]["readyReplicas"] == 1 and updated["spec"]["replicas"] == 1
    status, scale = raw.json("PATCH", DEPLOYMENTS + "/shop/scale", {"spec": {"replicas": 3}},
                             content_type="application/merge-patch+json")
    assert status == 200 and scale["kind"] == "Scale" and scale["spec"]["replicas"] == 3
    assert scale["status"]["selector"] == "app=shop"
    status, after = raw.json("GET", DEPLOYMENTS + "/shop")
    assert after["spec"]["replicas"] == 3 and after["metadata"]["generation"] == 2
    stale = {**after, "metadata": {**after["metadata"], "resourceVersion": "1"}}
    status, body = raw.json("PUT", DEPLOYMENTS + "/shop", stale)
    assert status == 409 and body["reason"] == "Conflict"


def test_watches_of_deployments_and_events_k8s_io(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    deployments = raw.stream(DEPLOYMENTS + "?watch=true&resourceVersion=0")
    events = raw.stream("/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=0")
    raw.json("POST", DEPLOYMENTS, deployment("watched"))
    seen = deployments.events_until(lambda e: e["object"]["metadata"].get("name") == "watched")
    assert seen[-1]["type"] == "ADDED" and seen[-1]["object"]["kind"] == "Deployment"
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "watched.1"},
             "involvedObject": {"kind": "Deployment", "name": "watched", "namespace": "default"},
             "reason": "ScalingReplicaSet", "message": "Scaled up", "type": "Normal"}
    assert raw.json("POST", "/api/v1/namespaces/default/events", event)[0] == 201
    converted = events.events_until(lambda e: e["object"]["metadata"].get("name") == "watched.1")[-1]["object"]
    assert converted["apiVersion"] == "events.k8s.io/v1" and converted["note"] == "Scaled up"
    assert converted["regarding"]["name"] == "watched"


def test_deleting_an_owner_and_a_namespace(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    assert raw.json("POST", "/api/v1/namespaces", {"metadata": {"name": "team"}})[0] == 201
    status, owner = raw.json("POST", "/apis/apps/v1/namespaces/team/deployments", deployment("owner"))
    replica_set = deployment("owned")
    replica_set["kind"] = "ReplicaSet"
    replica_set["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "owner",
                                                   "uid": owner["metadata"]["uid"], "controller": True}]
    assert raw.json("POST", "/apis/apps/v1/namespaces/team/replicasets", replica_set)[0] == 201
    assert raw.json("DELETE", "/apis/apps/v1/namespaces/team/deployments/owner")[0] == 200
    assert raw.json("GET", "/apis/apps/v1/namespaces/team/replicasets/owned")[0] == 404
    raw.json("POST", "/api/v1/namespaces/team/configmaps", {"metadata": {"name": "c"}, "data": {"a": "b"}})
    status, terminating = raw.json("DELETE", "/api/v1/namespaces/team")
    assert status == 200 and terminating["status"]["phase"] == "Terminating"
    status, body = raw.json("POST", "/api/v1/namespaces/team/configmaps", {"metadata": {"name": "late"}})
    assert status == 403 and "because it is being terminated" in body["message"]
    wait_for(lambda: raw.json("GET", "/api/v1/namespaces/team")[0] == 404, what="the namespace gone")
    assert demo_cluster.run(lambda: demo_cluster.store.get("configmaps", "team", "c")) is None


def test_self_subject_review(shared_cluster: DemoCluster) -> None:
    status, review = Raw(shared_cluster).json("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                              {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    assert status == 201 and review["status"]["userInfo"] == {"username": "demo", "groups": ["system:authenticated"]}
