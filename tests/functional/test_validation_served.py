"""The demo API server refuses what a v1.32 API server refuses, with its Status: ephemeral
containers with present-but-empty forbidden fields, out-of-range user ids, fields of the wrong JSON
type (decoding a body, converting a patched object), and strategic merge patches whose
`$setElementOrder` does not match their list (tui/demo/api/validation.py, patch.py)."""

from __future__ import annotations

from helpers.demo_http import Raw, pod_json
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
EC_PATH = f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers"
SMP = "application/strategic-merge-patch+json"
FORBIDDEN = "Forbidden: cannot be set for an Ephemeral Container"


def _debugger(**extra: object) -> dict[str, object]:
    return {"name": "dbg", "image": "busybox", "stdin": True, "tty": True, **extra}


def test_empty_forbidden_fields_and_bad_ids_are_422(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    status, body = raw.json("PATCH", EC_PATH, {"spec": {"ephemeralContainers": [_debugger(restartPolicy="", lifecycle={})]}}, SMP)
    assert status == 422 and body["reason"] == "Invalid"
    assert body["message"] == (f'Pod "{SLIM}" is invalid: [spec.ephemeralContainers[0].restartPolicy: {FORBIDDEN}, '
                               f"spec.ephemeralContainers[0].lifecycle: {FORBIDDEN}]")
    assert [cause["field"] for cause in body["details"]["causes"]] == [
        "spec.ephemeralContainers[0].restartPolicy", "spec.ephemeralContainers[0].lifecycle"]
    status, body = raw.json("PATCH", EC_PATH, {"spec": {"ephemeralContainers": [_debugger(securityContext={"runAsUser": -5})]}}, SMP)
    assert status == 422
    assert body["details"]["causes"] == [{
        "reason": "FieldValueInvalid", "message": "Invalid value: -5: must be between 0 and 2147483647, inclusive",
        "field": "spec.ephemeralContainers[0].securityContext.runAsUser"}]
    assert not pod_json(demo_cluster, "default", SLIM)["spec"].get("ephemeralContainers")


def test_a_wrong_json_type_is_refused_like_the_api_server(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    patch = {"spec": {"ephemeralContainers": [_debugger(securityContext={"runAsUser": "root"})]}}
    status, body = raw.json("PATCH", EC_PATH, patch, SMP)
    value = "map[spec:map[ephemeralContainers:[map[image:busybox name:dbg securityContext:map[runAsUser:root] stdin:true tty:true]]]]"
    assert status == 422 and body["reason"] == "Invalid"
    assert body["message"] == f' "" is invalid: patch: Invalid value: "{value}": unrecognized type: int64'
    assert body["details"] == {"causes": [{"reason": "FieldValueInvalid", "field": "patch",
                                           "message": f'Invalid value: "{value}": unrecognized type: int64'}]}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "root-user"},
           "spec": {"containers": [{"name": "app", "image": "busybox", "securityContext": {"runAsUser": "root"}}]}}
    status, body = raw.json("POST", "/api/v1/namespaces/default/pods", pod)
    assert status == 400 and body["reason"] == "BadRequest"
    assert body["message"] == ('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go '
                               "struct field SecurityContext.spec.containers.securityContext.runAsUser of type int64")


def test_a_set_element_order_that_does_not_match_its_list_fails(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    patch = {"spec": {"$setElementOrder/ephemeralContainers": [{"name": "other"}], "ephemeralContainers": [_debugger()]}}
    status, body = raw.json("PATCH", EC_PATH, patch, SMP)
    assert status == 500 and "reason" not in body  # StatusReasonUnknown: kubectl says "Error from server: ..."
    assert "doesn't match $setElementOrder list:" in body["message"]
