"""The demo cluster's resource registry and the OpenAPI documents generated from it and from the
protobuf descriptors: discovery entries, definitions, paths, the v2 protobuf encoding (decoded
back with the descriptors), strict field validation, server-side apply's field sets, the Tables of
the new kinds and the events.k8s.io/v1 conversion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.demo.api import apply, openapi, registry
from tui.demo.api.protobuf import decode_message
from tui.demo.api.status import ApiError
from tui.demo.api.table import format_label_selector, to_table

POD = "io.k8s.api.core.v1.Pod"
DEPLOYMENT = "io.k8s.api.apps.v1.Deployment"


def test_discovery_comes_from_the_registry() -> None:
    core = {r["name"]: r for r in registry.api_resource_list("v1")["resources"]}
    for name in ("pods", "pods/ephemeralcontainers", "pods/status", "services", "configmaps", "secrets",
                 "namespaces", "nodes", "events"):
        assert name in core
    assert core["services"]["shortNames"] == ["svc"] and core["services"]["categories"] == ["all"]
    assert "create" in core["namespaces"]["verbs"]
    apps = {r["name"]: r for r in registry.api_resource_list("apps/v1")["resources"]}
    assert apps["deployments"]["shortNames"] == ["deploy"] and apps["deployments"]["kind"] == "Deployment"
    assert apps["deployments/scale"]["group"] == "autoscaling" and apps["deployments/scale"]["kind"] == "Scale"
    assert apps["replicasets"]["shortNames"] == ["rs"]
    groups = [g["name"] for g in registry.api_group_list()["groups"]]
    assert groups == ["apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io"]
    assert set(registry.STORED) == {"pods", "namespaces", "nodes", "events", "deployments", "replicasets",
                                    "services", "configmaps", "secrets"}


def test_every_stored_resource_has_a_table_and_a_schema() -> None:
    definitions = openapi.v2_document()["definitions"]
    for resource in registry.RESOURCES:
        if resource.stored:
            assert resource.table is not None, resource.name
        name = openapi.definition_name(resource.message)
        gvk = definitions[name]["x-kubernetes-group-version-kind"]
        assert gvk == [{"group": resource.group, "kind": resource.kind, "version": resource.version}]


def test_the_pod_schema_has_the_structure_kubectl_explain_walks() -> None:
    definitions = openapi.v2_document()["definitions"]
    pod = definitions[POD]["properties"]
    assert set(pod) == {"apiVersion", "kind", "metadata", "spec", "status"}
    assert pod["spec"]["$ref"] == "#/definitions/io.k8s.api.core.v1.PodSpec"
    ephemeral = definitions["io.k8s.api.core.v1.PodSpec"]["properties"]["ephemeralContainers"]
    assert ephemeral["type"] == "array" and ephemeral["x-kubernetes-patch-merge-key"] == "name"
    assert ephemeral["items"]["$ref"] == "#/definitions/io.k8s.api.core.v1.EphemeralContainer"
    container = definitions["io.k8s.api.core.v1.EphemeralContainer"]
    # EphemeralContainerCommon is embedded inline: its fields are the container's own
    assert {"name", "image", "command", "targetContainerName", "securityContext"} <= set(container["properties"])
    assert "ephemeralContainerCommon" not in container["properties"]
    assert container["required"] == ["name"]
    probe = definitions["io.k8s.api.core.v1.Probe"]["properties"]
    assert "exec" in probe and "handler" not in probe  # ProbeHandler inline
    assert definitions["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] == {
        "description": openapi.SPECIAL_TYPES["k8s.io.apimachinery.pkg.apis.meta.v1.Time"]["description"],
        "type": "string", "format": "date-time"}
    labels = definitions["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"]
    assert labels == {"description": openapi.FIELD_DOCS["ObjectMeta.labels"], "type": "object",
                      "additionalProperties": {"type": "string"}}
    ports = definitions["io.k8s.api.core.v1.ServiceSpec"]["properties"]["ports"]
    assert ports["x-kubernetes-patch-merge-key"] == "port"
    secret_data = definitions["io.k8s.api.core.v1.Secret"]["properties"]["data"]
    assert secret_data["additionalProperties"] == {"type": "string", "format": "byte"}


def test_v3_documents_per_group_version_with_the_field_validation_parameter() -> None:
    index = openapi.v3_index()["paths"]
    assert set(index) == {"api/v1", "apis/apps/v1", "apis/events.k8s.io/v1", "apis/authentication.k8s.io/v1",
                          "apis/authorization.k8s.io/v1"}
    assert index["apis/apps/v1"]["serverRelativeURL"].endswith("?hash=" + openapi.v3_hash("apps/v1"))
    apps = openapi.v3_document("apps/v1")
    patch = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert {"name": "fieldValidation", "in": "query"}.items() <= next(
        p for p in patch["parameters"] if p["name"] == "fieldValidation").items()
    assert "application/apply-patch+yaml" in patch["requestBody"]["content"]
    schemas = apps["components"]["schemas"]
    template = schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["template"]
    assert template["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"}]
    assert "io.k8s.api.core.v1.PodSpec" in schemas and POD not in schemas
    core = openapi.v3_document("v1")
    assert "/api/v1/namespaces" in core["paths"] and "post" in core["paths"]["/api/v1/namespaces"]
    whoami = openapi.v3_document("authentication.k8s.io/v1")["paths"]
    assert "post" in whoami["/apis/authentication.k8s.io/v1/selfsubjectreviews"]


def test_v2_protobuf_decodes_back_to_the_document() -> None:
    """The gnostic openapi_v2.Document kubectl reads, checked with the same descriptors."""
    decoded = decode_message("openapi.v2.Document", openapi.v2_protobuf())
    assert decoded["swagger"] == "2.0" and decoded["info"]["version"] == openapi.KUBERNETES_VERSION
    definitions = {d["name"]: d["value"] for d in decoded["definitions"]["additional_properties"]}
    assert set(definitions) == set(openapi.v2_document()["definitions"])
    pod = definitions[POD]
    assert pod["type"]["value"] == ["object"]
    properties = {p["name"]: p["value"] for p in pod["properties"]["additional_properties"]}
    assert properties["spec"]["_ref"] == "#/definitions/io.k8s.api.core.v1.PodSpec"
    gvk = next(e for e in pod["vendor_extension"] if e["name"] == "x-kubernetes-group-version-kind")
    assert '"kind":"Pod"' in gvk["value"]["yaml"]
    paths = {p["name"] for p in decoded["paths"]["path"]}
    assert "/apis/apps/v1/namespaces/{namespace}/deployments/{name}" in paths


def test_strict_validation_names_unknown_fields() -> None:
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labelz": {}},
                  "spec": {"template": {"spec": {"containers": [{"name": "a", "imag": "b"}]}},
                           "selector": {"matchLabels": {"a": "b"}}}}
    assert openapi.unknown_fields(deployment, "k8s.io.api.apps.v1.Deployment") == [
        "metadata.labelz", "spec.template.spec.containers[0].imag"]
    assert openapi.unknown_fields({"kind": "Pod", "spec": {"containers": []}}, "k8s.io.api.core.v1.Pod") == []


def test_server_side_apply_merges_owns_and_conflicts() -> None:
    applied = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"a": "1"}},
               "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "v1"}]}}}}
    created = apply.apply(None, applied, "kubectl", False, "apps/v1")
    entry = created["metadata"]["managedFields"][0]
    assert (entry["manager"], entry["operation"]) == ("kubectl", "Apply")
    containers = entry["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert containers == {'k:{"name":"app"}': {".": {}, "f:image": {}, "f:name": {}}}
    scaled = {**created, "spec": {**created["spec"], "replicas": 5}}
    apply.record_update(created, scaled, "kubectl-scale", "apps/v1")
    managers = {(e["manager"], e["operation"]) for e in scaled["metadata"]["managedFields"]}
    assert managers == {("kubectl", "Apply"), ("kubectl-scale", "Update")}
    with pytest.raises(ApiError) as conflict:
        apply.apply(scaled, applied, "kubectl", False, "apps/v1")
    assert conflict.value.code == 409
    assert conflict.value.message == ('Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: '
                                      ".spec.replicas")
    forced = apply.apply(scaled, applied, "kubectl", True, "apps/v1")
    assert forced["spec"]["replicas"] == 2
    # a field this manager stops applying is removed; another's stays
    smaller = {**applied, "metadata": {"name": "web"}}
    again = apply.apply(forced, smaller, "kubectl", False, "apps/v1")
    assert "labels" not in again["metadata"] or "a" not in again["metadata"]["labels"]
    assert again["spec"]["template"]["spec"]["containers"] == [{"name": "app", "image": "v1"}]


def test_tables_of_the_new_kinds() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    created = {"creationTimestamp": "2026-01-01T11:00:00Z"}
    template = {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "side", "image": "envoy"}]}}
    selector = {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In",
                                                                     "values": ["b", "a"]}]}
    deployment = {"metadata": {"name": "web", **created},
                  "spec": {"replicas": 3, "selector": selector, "template": template},
                  "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
    table = to_table("deployments", [deployment], now=now)
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]
    assert table["rows"][0]["cells"] == ["web", "2/3", 3, 2, "60m", "app,side", "nginx:1.27,envoy",
                                         "app=web,tier in (a,b)"]
    replica_set = {"metadata": {"name": "web-1", **created}, "spec": {"replicas": 2, "template": template},
                   "status": {"replicas": 2, "readyReplicas": 1}}
    assert to_table("replicasets", [replica_set], now=now)["rows"][0]["cells"][:5] == ["web-1", 2, 2, 1, "60m"]
    service = {"metadata": {"name": "front", **created},
               "spec": {"type": "NodePort", "clusterIP": "10.96.0.10", "selector": {"app": "front"},
                        "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"},
                                  {"port": 53, "protocol": "UDP"}]}}
    assert to_table("services", [service], now=now)["rows"][0]["cells"] == [
        "front", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP,53/UDP", "60m", "app=front"]
    balancer = {"metadata": {"name": "lb", **created}, "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.11"}}
    assert to_table("services", [balancer], now=now)["rows"][0]["cells"][3:5] == ["<pending>", "<none>"]
    config_map = {"metadata": {"name": "c", **created}, "data": {"a": "1"}, "binaryData": {"b": "AA=="}}
    assert to_table("configmaps", [config_map], now=now)["rows"][0]["cells"] == ["c", 2, "60m"]
    secret = {"metadata": {"name": "s", **created}, "type": "kubernetes.io/tls", "data": {"tls.crt": "", "tls.key": ""}}
    assert to_table("secrets", [secret], now=now)["rows"][0]["cells"] == ["s", "kubernetes.io/tls", 2, "60m"]
    assert format_label_selector(None) == "<none>" and format_label_selector({}) == "<none>"
    assert format_label_selector({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}) == "!x"


def test_events_k8s_io_shows_a_core_event_converted() -> None:
    core = {"kind": "Event", "apiVersion": "v1", "metadata": {"name": "e", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Pulled", "message": "pulled",
            "type": "Normal", "source": {"component": "kubelet", "host": "n1"}, "count": 3,
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z"}
    event = registry.core_event_to_events_v1(core)
    assert event["apiVersion"] == "events.k8s.io/v1" and event["regarding"] == {"kind": "Pod", "name": "p"}
    assert (event["note"], event["reportingController"], event["deprecatedCount"]) == ("pulled", "kubelet", 3)
    assert event["deprecatedSource"] == {"component": "kubelet", "host": "n1"}
    assert event["deprecatedLastTimestamp"] == "2026-01-01T00:01:00Z"
