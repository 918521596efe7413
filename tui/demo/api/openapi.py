"""The demo API server's OpenAPI documents, generated from the resource registry and the type
descriptors (never hand-written): `/openapi/v2` (Swagger 2.0, JSON or gnostic's protobuf as the
client asks; kubectl 1.32 asks for protobuf) and `/openapi/v3` (the index and one document per
group/version, JSON), what `kubectl explain`, `kubectl apply|create -f` (the fieldValidation
check, client-side validation and apply's strategic-merge metadata) read.

Where the parts come from:
- the structure of every type: the protobuf descriptors kubectl v1.32 embeds
  (`k8s_proto_schema.json`, `tui.demo.api.protobuf`): a message is a definition
  `io.k8s.api.core.v1.Pod`, a field a property (scalar types, `$ref`s, arrays, maps as
  `additionalProperties`, Go structs embedded inline merged into their parent), with the
  JSON-only types (Time, Quantity, IntOrString, RawExtension, FieldsV1) as Kubernetes defines them;
- the strategic-merge keys (`x-kubernetes-patch-merge-key`): `tui.demo.api.patch.MERGE_KEYS` and
  the registry's per-kind keys;
- `x-kubernetes-group-version-kind`, the kinds' descriptions and the paths with their operations
  (what each resource's verbs allow, with the query parameters kubectl looks for such as
  `fieldValidation`): the registry;
- field and type descriptions: `k8s_descriptions.json` (Kubernetes' own wording, taken from the
  official Python client's models by `tools/gen_k8s_descriptions.py`; the demo never imports the
  client), with the modest `FIELD_DOCS` table below first; required fields: `REQUIRED` below.

`unknown_fields` checks an object against the same schema (the server's `fieldValidation=Strict`).
"""

from __future__ import annotations

import hashlib
import json
import struct
from functools import lru_cache
from importlib import resources
from typing import Any

from tui.demo.api import registry
from tui.demo.api.patch import MERGE_KEYS, PRIMITIVE_MERGE_LISTS
from tui.demo.api.protobuf import INLINE_FIELDS, schema
from tui.demo.api.registry import Resource

KUBERNETES_VERSION = "v1.32.4"
V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
V2_PROTOBUF_OLD = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
META = "k8s.io.apimachinery.pkg.apis.meta.v1"
_STRING, _BOOL, _INT32, _INT64, _UINT32, _DOUBLE, _FLOAT, _BYTES, _MESSAGE = 9, 8, 5, 3, 13, 1, 2, 12, 11
_SCALARS: dict[int, dict[str, str]] = {
    _STRING: {"type": "string"}, _BOOL: {"type": "boolean"}, _INT32: {"type": "integer", "format": "int32"},
    _INT64: {"type": "integer", "format": "int64"}, _UINT32: {"type": "integer", "format": "int32"},
    _DOUBLE: {"type": "number", "format": "double"}, _FLOAT: {"type": "number", "format": "float"},
    _BYTES: {"type": "string", "format": "byte"},
}
_TIME_DOC = ("Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are "
             "provided for many of the factory methods that the time package offers.")
# The types whose JSON form Kubernetes defines by hand (not their protobuf fields).
SPECIAL_TYPES: dict[str, dict[str, Any]] = {
    f"{META}.Time": {"description": _TIME_DOC, "type": "string", "format": "date-time"},
    f"{META}.MicroTime": {"description": "MicroTime is version of Time with microsecond level precision.",
                          "type": "string", "format": "date-time"},
    "k8s.io.apimachinery.pkg.api.resource.Quantity": {
        "description": "Quantity is a fixed-point representation of a number. It provides convenient "
                       "marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.",
        "type": "string"},
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": {
        "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML "
                       "marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to "
                       "have, for example, a JSON field that can accept a name or number.",
        "type": "string", "format": "int-or-string"},
    f"{META}.FieldsV1": {"description": "FieldsV1 stores a set of fields in a data structure like a Trie, in "
                                        "JSON format.", "type": "object"},
    "k8s.io.apimachinery.pkg.runtime.RawExtension": {
        "description": "RawExtension is used to hold extensions in external versions.", "type": "object"},
    f"{META}.Patch": {"description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH "
                                     "request body.", "type": "object"},
}
# meta types every group/version document has (the bodies and answers of its operations)
_COMMON_TYPES = (f"{META}.DeleteOptions", f"{META}.Status", f"{META}.Patch", f"{META}.WatchEvent")
_TYPE_META_KINDS = frozenset({f"{META}.DeleteOptions", f"{META}.Status"})
_META_GVKS: dict[str, list[dict[str, str]]] = {
    f"{META}.DeleteOptions": [{"group": g, "kind": "DeleteOptions", "version": "v1"}
                              for g in ("", "apps", "authentication.k8s.io", "authorization.k8s.io", "events.k8s.io")],
    f"{META}.Status": [{"group": "", "kind": "Status", "version": "v1"}],
    f"{META}.WatchEvent": [{"group": g, "kind": "WatchEvent", "version": "v1"}
                           for g in ("", "apps", "authentication.k8s.io", "authorization.k8s.io", "events.k8s.io")],
}
_API_VERSION_DOC = ("APIVersion defines the versioned schema of this representation of an object. Servers should "
                    "convert recognized schemas to the latest internal value, and may reject unrecognized values. "
                    "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
                    "api-conventions.md#resources")
_KIND_DOC = ("Kind is a string value representing the REST resource this object represents. Servers may infer this "
             "from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
             "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds")
_METADATA_DOC = ("Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/"
                 "sig-architecture/api-conventions.md#metadata")
_SPEC_DOC = ("Specification of the desired behavior of the {kind}. More info: https://git.k8s.io/community/"
             "contributors/devel/sig-architecture/api-conventions.md#spec-and-status")
_STATUS_DOC = ("Most recently observed status of the {kind}. This data may not be up to date. Populated by the "
               "system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
               "api-conventions.md#spec-and-status")

# Field descriptions (`<Message>.<field>`, the message without its package): a modest set, the
# fields a blog reader's `kubectl explain` visits. Kubernetes' own wording.
FIELD_DOCS: dict[str, str] = {
    "PodSpec.ephemeralContainers": (
        "List of ephemeral containers run in this pod. Ephemeral containers may be run in an existing pod to "
        "perform user-initiated actions such as debugging. This list cannot be specified when creating a pod, and "
        "it cannot be modified by updating the pod spec. In order to add an ephemeral container to an existing "
        "pod, use the pod's ephemeralcontainers subresource."),
    "PodSpec.containers": (
        "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be "
        "at least one container in a Pod. Cannot be updated."),
    "PodSpec.initContainers": (
        "List of initialization containers belonging to the pod. Init containers are executed in order prior to "
        "containers being started."),
    "PodSpec.shareProcessNamespace": (
        "Share a single process namespace between all of the containers in a pod. When this is set containers "
        "will be able to view and signal processes from other containers in the same pod, and the first process "
        "in each container will not be assigned PID 1. HostPID and ShareProcessNamespace cannot both be set. "
        "Optional: Default to false."),
    "PodSpec.nodeName": (
        "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling "
        "by the scheduler defined in schedulerName."),
    "PodSpec.restartPolicy": (
        "Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only "
        "a subset of those values may be permitted. Default to Always."),
    "PodSpec.securityContext": (
        "SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults "
        "to empty.  See type description for default values of each field."),
    "PodSpec.volumes": "List of volumes that can be mounted by containers belonging to the pod.",
    "PodSpec.hostPID": "Use the host's pid namespace. Optional: Default to false.",
    # typed by another model, these have no description in the Python client (k8s_descriptions.json)
    "PodSpec.affinity": "If specified, the pod's scheduling constraints",
    "PodSpec.dnsConfig": (
        "Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS "
        "configuration based on DNSPolicy."),
    "PodSpec.os": (
        "Specifies the OS of the containers in the pod. Some pod and container fields are restricted if this is "
        "set."),
    "PodSpec.resources": (
        "Resources is the total amount of CPU and Memory resources required by all containers in the pod. It "
        "supports specifying Requests and Limits for \"cpu\" and \"memory\" resource names only. ResourceClaims "
        "are not supported."),
    "PodSpec.hostNetwork": "Host networking requested for this pod. Use the host's network namespace.",
    "Pod.spec": _SPEC_DOC.format(kind="pod"),
    "Pod.status": _STATUS_DOC.format(kind="pod"),
    "EphemeralContainer.name": (
        "Name of the ephemeral container specified as a DNS_LABEL. This name must be unique among all containers, "
        "init containers and ephemeral containers."),
    "EphemeralContainer.image": "Container image name. More info: https://kubernetes.io/docs/concepts/containers/images",
    "EphemeralContainer.targetContainerName": (
        "If set, the name of the container from PodSpec that this ephemeral container targets. The ephemeral "
        "container will be run in the namespaces (IPC, PID, etc) of this container. If not set then the ephemeral "
        "container uses the namespaces configured in the Pod spec.\n\nThe container runtime must implement support "
        "for this feature. If the runtime does not support namespace targeting then the result of setting this "
        "field is undefined."),
    "EphemeralContainer.command": (
        "Entrypoint array. Not executed within a shell. The image's ENTRYPOINT is used if this is not provided."),
    "EphemeralContainer.args": (
        "Arguments to the entrypoint. The image's CMD is used if this is not provided."),
    "EphemeralContainer.stdin": (
        "Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, "
        "reads from stdin in the container will always result in EOF. Default is false."),
    "EphemeralContainer.tty": (
        "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is "
        "false."),
    "EphemeralContainer.securityContext": (
        "Optional: SecurityContext defines the security options the ephemeral container should be run with. If "
        "set, the fields of SecurityContext override the equivalent fields of PodSecurityContext."),
    "EphemeralContainer.ports": "Ports are not allowed for ephemeral containers.",
    "EphemeralContainer.livenessProbe": "Probes are not allowed for ephemeral containers.",
    "EphemeralContainer.readinessProbe": "Probes are not allowed for ephemeral containers.",
    "EphemeralContainer.startupProbe": "Probes are not allowed for ephemeral containers.",
    "EphemeralContainer.lifecycle": "Lifecycle is not allowed for ephemeral containers.",
    "EphemeralContainer.resources": (
        "Resources are not allowed for ephemeral containers. Ephemeral containers use spare resources already "
        "allocated to the pod."),
    "EphemeralContainer.volumeMounts": (
        "Pod volumes to mount into the container's filesystem. Subpath mounts are not allowed for ephemeral "
        "containers. Cannot be updated."),
    "EphemeralContainer.env": "List of environment variables to set in the container. Cannot be updated.",
    "EphemeralContainer.imagePullPolicy": (
        "Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, "
        "or IfNotPresent otherwise. Cannot be updated."),
    "Container.name": (
        "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name "
        "(DNS_LABEL). Cannot be updated."),
    "Container.image": "Container image name. More info: https://kubernetes.io/docs/concepts/containers/images",
    "Container.command": "Entrypoint array. Not executed within a shell.",
    "Container.args": "Arguments to the entrypoint.",
    "Container.ports": "List of ports to expose from the container.",
    "Container.securityContext": (
        "SecurityContext defines the security options the container should be run with. If set, the fields of "
        "SecurityContext override the equivalent fields of PodSecurityContext."),
    "ObjectMeta.name": (
        "Name must be unique within a namespace. Is required when creating resources, although some resources may "
        "allow a client to request the generation of an appropriate name automatically."),
    "ObjectMeta.namespace": (
        "Namespace defines the space within which each name must be unique. An empty namespace is equivalent to "
        "the \"default\" namespace, but \"default\" is the canonical representation."),
    "ObjectMeta.labels": (
        "Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
    "ObjectMeta.annotations": (
        "Annotations is an unstructured key value map stored with a resource that may be set by external tools to "
        "store and retrieve arbitrary metadata."),
    "Deployment.spec": "Specification of the desired behavior of the Deployment.",
    "Deployment.status": "Most recently observed status of the Deployment.",
    "DeploymentSpec.replicas": ("Number of desired pods. This is a pointer to distinguish between explicit zero "
                                "and not specified. Defaults to 1."),
    "DeploymentSpec.selector": (
        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected "
        "by this deployment. It must match the pod template's labels."),
    "DeploymentSpec.template": (
        "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "
        "\"Always\"."),
    "DeploymentSpec.strategy": "The deployment strategy to use to replace existing pods with new ones.",
    "ReplicaSetSpec.replicas": "Replicas is the number of desired pods. Defaults to 1.",
    "ReplicaSetSpec.selector": "Selector is a label query over pods that should match the replica count.",
    "ReplicaSetSpec.template": (
        "Template is the object that describes the pod that will be created if insufficient replicas are "
        "detected."),
    "ServiceSpec.ports": "The list of ports that are exposed by this service.",
    "ServiceSpec.selector": (
        "Route service traffic to pods with label keys and values matching this selector."),
    "ServiceSpec.type": "type determines how the Service is exposed. Defaults to ClusterIP.",
    "ConfigMap.data": "Data contains the configuration data.",
    "Secret.data": ("Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or "
                    "'.'. The serialized form of the secret data is a base64 encoded string."),
    "Secret.stringData": ("stringData allows specifying non-binary secret data in string form. It is provided as a "
                          "write-only input field for convenience."),
    "Secret.type": "Used to facilitate programmatic handling of secret data.",
}
# Required fields (`<Message>`), as the Kubernetes types mark them.
REQUIRED: dict[str, tuple[str, ...]] = {
    "PodSpec": ("containers",), "Container": ("name",), "EphemeralContainer": ("name",), "Volume": ("name",),
    "EnvVar": ("name",), "ContainerPort": ("containerPort",), "VolumeMount": ("name", "mountPath"),
    "VolumeDevice": ("name", "devicePath"), "KeyToPath": ("key", "path"), "ServicePort": ("port",),
    "DeploymentSpec": ("selector", "template"), "ReplicaSetSpec": ("selector",),
    "LabelSelectorRequirement": ("key", "operator"), "OwnerReference": ("apiVersion", "kind", "name", "uid"),
    "Toleration": (), "Event": ("metadata", "involvedObject"), "HostAlias": ("ip",), "Capabilities": (),
    "ExecAction": (), "HTTPGetAction": ("port",), "TCPSocketAction": ("port",), "Sysctl": ("name", "value"),
    "SeccompProfile": ("type",), "AppArmorProfile": ("type",), "ResourceClaim": ("name",),
    "PodResourceClaim": ("name",), "PodSchedulingGate": ("name",), "PodReadinessGate": ("conditionType",),
    "TopologySpreadConstraint": ("maxSkew", "topologyKey", "whenUnsatisfiable"), "ContainerResizePolicy": (
        "resourceName", "restartPolicy"), "SecretKeySelector": ("key",), "ConfigMapKeySelector": ("key",),
    "ObjectFieldSelector": ("fieldPath",), "ResourceFieldSelector": ("resource",),
}
# Strategic-merge keys that depend on the message, not only the field name.
_MERGE_KEY_OVERRIDES: dict[str, dict[str, str]] = {"ServiceSpec": {"ports": "port"},
                                                  "EphemeralContainer": {"ports": "containerPort"}}


@lru_cache(maxsize=1)
def descriptions() -> dict[str, dict[str, Any]]:
    """`{"types": {message: text}, "fields": {message: {field: text}}}` (k8s_descriptions.json)."""
    loaded: dict[str, dict[str, Any]] = json.loads(
        resources.files("tui.demo.api").joinpath("k8s_descriptions.json").read_text(encoding="utf-8"))
    return loaded


def field_doc(message: str, name: str) -> str:
    """A field's description: FIELD_DOCS first, else Kubernetes' own (generated data file)."""
    doc = FIELD_DOCS.get(f"{_short(message)}.{name}")
    if doc:
        return doc
    generated: str = descriptions()["fields"].get(message, {}).get(name, "")
    return generated


def definition_name(message: str) -> str:
    """io.k8s.api.core.v1.Pod for k8s.io.api.core.v1.Pod."""
    return "io.k8s." + message[len("k8s.io."):] if message.startswith("k8s.io.") else message


def _short(message: str) -> str:
    return message.rsplit(".", 1)[-1]


def _gvks() -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = dict(_META_GVKS)
    for resource in registry.RESOURCES:
        if not resource.message:
            continue
        found[resource.message] = [{"group": resource.group, "kind": resource.kind, "version": resource.version}]
        found[resource.message + "List"] = [{"group": resource.group, "kind": resource.list_kind,
                                             "version": resource.version}]
    return found


def _is_array_wrapper(message: str) -> bool:
    """gogo's wrappers of a repeated string (Verbs, ExtraValue): an array of strings in JSON."""
    fields = schema().get(message, {}).get("fields", {})
    return list(fields.values()) in ([["items", _STRING, True, ""]],)


class _Builder:
    """Definitions for one document flavour: `v3` refs live in components and sit in allOf."""

    def __init__(self, v3: bool) -> None:
        self.v3 = v3
        self.definitions: dict[str, dict[str, Any]] = {}
        self.gvks = _gvks()

    def ref(self, message: str) -> dict[str, Any]:
        self.add(message)
        prefix = "#/components/schemas/" if self.v3 else "#/definitions/"
        return {"$ref": prefix + definition_name(message)}

    def _field_ref(self, message: str, description: str) -> dict[str, Any]:
        if self.v3:
            result: dict[str, Any] = {"allOf": [self.ref(message)]}
            if message not in SPECIAL_TYPES:
                result["default"] = {}
        else:
            result = self.ref(message)
        if description:
            result["description"] = description
        return result

    def _value(self, kind: int, nested: str) -> dict[str, Any]:
        """The schema of one (non-repeated) value of a field."""
        if kind != _MESSAGE:
            return dict(_SCALARS.get(kind, {"type": "string"}))
        if _is_array_wrapper(nested):
            return {"type": "array", "items": {"type": "string", "default": ""}}
        target = schema().get(nested, {})
        if target.get("map"):
            _, value_kind, _, value_type = target["fields"]["2"]
            return {"type": "object", "additionalProperties": self._item(value_kind, value_type)}
        return self._field_ref(nested, "")

    def _item(self, kind: int, nested: str) -> dict[str, Any]:
        if kind == _MESSAGE and not schema().get(nested, {}).get("map") and not _is_array_wrapper(nested):
            if self.v3:
                item: dict[str, Any] = {"allOf": [self.ref(nested)]}
                if nested not in SPECIAL_TYPES:
                    item["default"] = {}
                return item
            return self.ref(nested)
        value = self._value(kind, nested)
        if self.v3 and value.get("type") in ("string", "integer", "boolean", "number"):
            value["default"] = {"string": "", "integer": 0, "boolean": False, "number": 0}[value["type"]]
        return value

    def properties(self, message: str) -> dict[str, dict[str, Any]]:
        short = _short(message)
        props: dict[str, dict[str, Any]] = {}
        for name, kind, repeated, nested in schema()[message]["fields"].values():
            if (message, name) in INLINE_FIELDS and kind == _MESSAGE:
                for inner_name, inner in self.properties(nested).items():
                    doc = field_doc(message, inner_name)
                    props[inner_name] = {**inner, "description": doc} if doc else inner
                continue
            doc = field_doc(message, name)
            if repeated and not (kind == _MESSAGE and schema().get(nested, {}).get("map")):
                prop: dict[str, Any] = {"type": "array", "items": self._item(kind, nested)}
                key = _MERGE_KEY_OVERRIDES.get(short, {}).get(name) or MERGE_KEYS.get(name)
                if key and kind == _MESSAGE:
                    prop["x-kubernetes-patch-merge-key"] = key
                    prop["x-kubernetes-patch-strategy"] = "merge"
                    prop["x-kubernetes-list-type"] = "map"
                    prop["x-kubernetes-list-map-keys"] = [key]
                elif name in PRIMITIVE_MERGE_LISTS:
                    prop["x-kubernetes-patch-strategy"] = "merge"
                    prop["x-kubernetes-list-type"] = "set"
                else:
                    prop["x-kubernetes-list-type"] = "atomic"
                if doc:
                    prop = {"description": doc, **prop}
            elif kind == _MESSAGE and not schema().get(nested, {}).get("map") and not _is_array_wrapper(nested):
                prop = self._field_ref(nested, doc)
            else:
                prop = self._value(kind, nested)
                if doc:
                    prop = {"description": doc, **prop}
            props[name] = prop
        return props

    def add(self, message: str) -> None:
        name = definition_name(message)
        if name in self.definitions:
            return
        if message in SPECIAL_TYPES:
            self.definitions[name] = dict(SPECIAL_TYPES[message])
            return
        self.definitions[name] = {}  # a placeholder while the fields are built (types refer to themselves)
        props = self.properties(message)
        gvk = self.gvks.get(message)
        if gvk or message in _TYPE_META_KINDS or (props.get("metadata") and message.endswith("List")):
            props["apiVersion"] = {"description": _API_VERSION_DOC, "type": "string"}
            props["kind"] = {"description": _KIND_DOC, "type": "string"}
            if "metadata" in props and gvk:
                props["metadata"] = {**props["metadata"], "description": _METADATA_DOC}
        definition: dict[str, Any] = {}
        description = _kind_description(message)
        if description:
            definition["description"] = description
        definition["type"] = "object"
        required = [f for f in REQUIRED.get(_short(message), ()) if f in props]
        if message.endswith("List") and "items" in props:
            required = ["items"]
        if required:
            definition["required"] = required
        definition["properties"] = dict(sorted(props.items()))
        if gvk:
            definition["x-kubernetes-group-version-kind"] = gvk
        self.definitions[name] = definition


def _kind_description(message: str) -> str:
    for resource in registry.RESOURCES:
        if resource.message == message:
            return resource.description
        if resource.message + "List" == message:
            return f"{resource.list_kind} is a list of {resource.kind} objects."
    generated: str = descriptions()["types"].get(message, "")
    return generated


# ---- paths --------------------------------------------------------------------------------------
_QUERY_DOCS = {
    "dryRun": "When present, indicates that modifications should not be persisted.",
    "fieldManager": "fieldManager is a name associated with the actor or entity that is making these changes.",
    "fieldValidation": ("fieldValidation instructs the server on how to handle objects in the request "
                        "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn "
                        "- Strict"),
    "force": "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned "
             "by other people.",
    "pretty": "If 'true', then the output is pretty printed.",
    "labelSelector": "A selector to restrict the list of returned objects by their labels.",
    "fieldSelector": "A selector to restrict the list of returned objects by their fields.",
    "limit": "limit is a maximum number of responses to return for a list call.",
    "continue": "The continue option should be set when retrieving more results from the server.",
    "resourceVersion": "resourceVersion sets a constraint on what resource versions a request may be served from.",
    "watch": "Watch for changes to the described resources and return them as a stream of add, update, and remove "
             "notifications.",
    "timeoutSeconds": "Timeout for the list/watch call.",
    "allowWatchBookmarks": "allowWatchBookmarks requests watch events with type \"BOOKMARK\".",
    "sendInitialEvents": "`sendInitialEvents=true` may be set together with `watch=true`.",
    "gracePeriodSeconds": "The duration in seconds before the object should be deleted.",
    "propagationPolicy": "Whether and how garbage collection will be performed.",
}
_QUERY_TYPES = {"limit": "integer", "timeoutSeconds": "integer", "gracePeriodSeconds": "integer", "watch": "boolean",
                "allowWatchBookmarks": "boolean", "sendInitialEvents": "boolean", "force": "boolean"}
_LIST_QUERY = ("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
               "sendInitialEvents", "timeoutSeconds", "watch")
_WRITE_QUERY = ("dryRun", "fieldManager", "fieldValidation")
_PATCH_TYPES = ("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json")
_ACTIONS = {"list": ("get", "list"), "create": ("post", "post"), "deletecollection": ("delete", "deletecollection"),
            "get": ("get", "get"), "update": ("put", "put"), "patch": ("patch", "patch"), "delete": ("delete", "delete")}
_OPERATION_VERBS = {"list": "list", "create": "create", "deletecollection": "delete", "get": "read",
                    "update": "replace", "patch": "patch", "delete": "delete"}


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.replace(".", "-").replace("/", "-").split("-"))


def _group_tag(resource: Resource) -> str:
    group = resource.group.replace(".k8s.io", "").replace(".", "_") if resource.group else "core"
    return f"{group}_{resource.version}"


def _operation_id(verb: str, resource: Resource, namespaced: bool, subresource: str = "") -> str:
    group = _camel(resource.group.replace(".k8s.io", "")) if resource.group else "Core"
    scope = "Namespaced" if namespaced else ""
    collection = "Collection" if verb == "deletecollection" else ""
    suffix = _camel(subresource) if subresource else ""
    all_namespaces = "ForAllNamespaces" if verb == "list" and resource.namespaced and not namespaced else ""
    return (f"{_OPERATION_VERBS[verb]}{group}{_camel(resource.version)}{collection}{scope}{resource.kind}{suffix}"
            f"{all_namespaces}")


def _operations(resource: Resource) -> list[tuple[str, str, str, str, bool]]:
    """(path, verb, subresource, body kind message, namespaced) of every operation of `resource`."""
    out: list[tuple[str, str, str, str, bool]] = []
    namespaced = resource.namespaced
    collection = resource.path("{namespace}" if namespaced else None)
    item = collection + "/{name}"
    verbs = set(resource.verbs)
    for verb in ("list", "create", "deletecollection"):
        if verb in verbs:
            out.append((collection, verb, "", resource.message, namespaced))
    if "list" in verbs and namespaced:
        out.append((resource.path(None), "list", "", resource.message, False))
    if resource.stored:
        for verb in ("get", "update", "patch", "delete"):
            if verb in verbs:
                out.append((item, verb, "", resource.message, namespaced))
        if any(sub.name == "status" for sub in resource.subresources):
            for verb in ("get", "update", "patch"):
                out.append((item + "/status", verb, "status", resource.message, namespaced))
    return out


def _parameter(name: str, where: str = "query", v3: bool = False) -> dict[str, Any]:
    kind = "string" if where == "path" else _QUERY_TYPES.get(name, "string")
    description = _QUERY_DOCS.get(name, f"name of the {name}" if name != "namespace" else
                                  "object name and auth scope, such as for teams and projects")
    if v3:
        param: dict[str, Any] = {"name": name, "in": where, "description": description}
        if where == "path":
            param["required"] = True
        param["schema"] = {"type": kind, "uniqueItems": True}
        return param
    param = {"uniqueItems": True, "type": kind, "description": description, "name": name, "in": where}
    if where == "path":
        param["required"] = True
    return param


def _v2_operation(builder: _Builder, resource: Resource, verb: str, subresource: str, namespaced: bool,
                  message: str) -> dict[str, Any]:
    _, action = _ACTIONS[verb]
    list_message = message + "List"
    answer = builder.ref(list_message if verb == "list" else f"{META}.Status"
                         if verb == "deletecollection" else message)
    operation: dict[str, Any] = {
        "description": f"{_OPERATION_VERBS[verb]} {'status of ' if subresource else ''}the specified "
                       f"{resource.kind}" if verb not in ("list", "create", "deletecollection")
        else f"{verb} {'collection of ' if verb != 'create' else 'a '}{resource.kind}",
        "consumes": list(_PATCH_TYPES) if verb == "patch" else ["*/*"],
        "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
        + (["application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"]
           if verb == "list" else []),
        "schemes": ["https"],
        "tags": [_group_tag(resource)],
        "operationId": _operation_id(verb, resource, namespaced, subresource),
    }
    parameters: list[dict[str, Any]] = []
    if verb in ("create", "update"):
        parameters.append({"name": "body", "in": "body", "required": True, "schema": builder.ref(message)})
    if verb == "patch":
        parameters.append({"name": "body", "in": "body", "required": True, "schema": builder.ref(f"{META}.Patch")})
    if verb in ("delete", "deletecollection"):
        parameters.append({"name": "body", "in": "body", "schema": builder.ref(f"{META}.DeleteOptions")})
    query = {"list": _LIST_QUERY, "create": _WRITE_QUERY, "update": _WRITE_QUERY,
             "patch": (*_WRITE_QUERY, "force"), "delete": ("dryRun", "gracePeriodSeconds", "propagationPolicy"),
             "deletecollection": ("dryRun", "gracePeriodSeconds", "labelSelector", "propagationPolicy"),
             "get": ()}[verb]
    parameters += [_parameter(name) for name in query]
    if parameters:
        operation["parameters"] = parameters
    responses: dict[str, Any] = {"200": {"description": "OK", "schema": answer}}
    if verb in ("create", "update", "patch"):
        responses["201"] = {"description": "Created", "schema": answer}
    if verb in ("create", "delete"):
        responses["202"] = {"description": "Accepted", "schema": answer}
    responses["401"] = {"description": "Unauthorized"}
    operation["responses"] = responses
    operation["x-kubernetes-action"] = action
    operation["x-kubernetes-group-version-kind"] = {"group": resource.group, "kind": resource.kind,
                                                    "version": resource.version}
    return operation


def _to_v3_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """The same operation in OpenAPI 3 form (parameters with schemas, requestBody, content)."""
    result: dict[str, Any] = {k: v for k, v in operation.items()
                              if k not in ("consumes", "produces", "schemes", "parameters", "responses")}
    params, body = [], None
    for param in operation.get("parameters", []):
        if param["in"] == "body":
            body = param
        else:
            params.append({"name": param["name"], "in": param["in"], "description": param["description"],
                           **({"required": True} if param.get("required") else {}),
                           "schema": {"type": param["type"], "uniqueItems": True}})
    if params:
        result["parameters"] = params
    if body is not None:
        schema_ref = {"$ref": body["schema"]["$ref"].replace("#/definitions/", "#/components/schemas/")}
        media = operation["consumes"]
        result["requestBody"] = {"content": {m: {"schema": schema_ref} for m in media},
                                 **({"required": True} if body.get("required") else {})}
    responses: dict[str, Any] = {}
    for code, answer in operation["responses"].items():
        if "schema" in answer:
            ref = {"$ref": answer["schema"]["$ref"].replace("#/definitions/", "#/components/schemas/")}
            responses[code] = {"description": answer["description"],
                               "content": {m: {"schema": ref} for m in operation["produces"]}}
        else:
            responses[code] = {"description": answer["description"]}
    result["responses"] = responses
    return result


def _paths(builder: _Builder, resources: list[Resource]) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for resource in resources:
        if not resource.message:
            continue
        for path, verb, subresource, message, namespaced in _operations(resource):
            item = paths.setdefault(path, {})
            method, _ = _ACTIONS[verb]
            item[method] = _v2_operation(builder, resource, verb, subresource, namespaced, message)
            path_params = []
            if "{name}" in path:
                path_params.append(_parameter("name", "path", builder.v3))
            if "{namespace}" in path:
                path_params.append(_parameter("namespace", "path", builder.v3))
            path_params.append(_parameter("pretty", "query", builder.v3))
            item["parameters"] = path_params
    if builder.v3:
        for item in paths.values():
            for method in ("get", "put", "post", "delete", "patch"):
                if method in item:
                    item[method] = _to_v3_operation(item[method])
    return dict(sorted(paths.items()))


# ---- documents ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def v2_document() -> dict[str, Any]:
    """The Swagger 2.0 document of everything the server serves."""
    builder = _Builder(v3=False)
    for message in _COMMON_TYPES:
        builder.add(message)
    paths = _paths(builder, [r for r in registry.RESOURCES if r.message])
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION}, "paths": paths,
            "definitions": dict(sorted(builder.definitions.items())),
            "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication", "type": "apiKey",
                                                    "name": "authorization", "in": "header"}},
            "security": [{"BearerToken": []}]}


def v3_path(group_version: str) -> str:
    return f"api/{group_version}" if "/" not in group_version else f"apis/{group_version}"


@lru_cache(maxsize=8)
def v3_document(group_version: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of one group/version (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`)."""
    builder = _Builder(v3=True)
    for message in _COMMON_TYPES:
        builder.add(message)
    paths = _paths(builder, registry.resources_of(group_version))
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION}, "paths": paths,
            "components": {"schemas": dict(sorted(builder.definitions.items())),
                           "securitySchemes": {"BearerToken": {"type": "apiKey", "description":
                                                               "Bearer Token authentication",
                                                               "name": "authorization", "in": "header"}}}}


@lru_cache(maxsize=8)
def v3_bytes(group_version: str) -> bytes:
    return json.dumps(v3_document(group_version), separators=(",", ":")).encode()


def v3_hash(group_version: str) -> str:
    return hashlib.sha512(v3_bytes(group_version)).hexdigest().upper()


def v3_index() -> dict[str, Any]:
    """`/openapi/v3`: each group/version's document with its content hash (clients cache by it)."""
    return {"paths": {v3_path(gv): {"serverRelativeURL": f"/openapi/v3/{v3_path(gv)}?hash={v3_hash(gv)}"}
                      for gv in registry.GROUP_VERSIONS}}


def group_version_of(path: str) -> str | None:
    """The group/version of a `/openapi/v3/<path>` tail, or None."""
    for gv in registry.GROUP_VERSIONS:
        if v3_path(gv) == path.strip("/"):
            return gv
    return None


@lru_cache(maxsize=1)
def v2_json() -> bytes:
    return json.dumps(v2_document(), separators=(",", ":")).encode()


# ---- strict field validation ---------------------------------------------------------------------
def unknown_fields(obj: Any, message: str) -> list[str]:
    """The fields of `obj` its kind's schema does not have, as the API server names them
    (`spec.template.spec.containers[0].nmae`): what `fieldValidation=Strict` refuses."""
    definitions = v2_document()["definitions"]
    found: list[str] = []

    def walk(value: Any, definition: dict[str, Any], path: str) -> None:
        if "$ref" in definition:
            definition = definitions.get(definition["$ref"].rsplit("/", 1)[-1], {})
        if isinstance(value, dict) and "properties" in definition:
            properties = definition["properties"]
            for key, child in value.items():
                where = f"{path}.{key}" if path else key
                if key not in properties:
                    found.append(where)
                else:
                    walk(child, properties[key], where)
        elif isinstance(value, dict) and isinstance(definition.get("additionalProperties"), dict):
            for key, child in value.items():
                walk(child, definition["additionalProperties"], f"{path}.{key}" if path else key)
        elif isinstance(value, list) and isinstance(definition.get("items"), dict):
            for index, child in enumerate(value):
                walk(child, definition["items"], f"{path}[{index}]")

    walk(obj, {"$ref": definition_name(message)}, "")
    return found


# ---- OpenAPI v2 as gnostic's protobuf (openapi_v2.Document) ----------------------------------------
def _any(value: Any) -> dict[str, Any]:
    return {"yaml": json.dumps(value, separators=(",", ":")) + "\n"}


def _extensions(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": k, "value": _any(v)} for k, v in obj.items() if k.startswith("x-")]


def _schema_message(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key == "$ref":
            result["_ref"] = item
        elif key in ("format", "title", "description", "pattern", "discriminator"):
            result[key] = item
        elif key == "required":
            result["required"] = list(item)
        elif key == "type":
            result["type"] = {"value": [item] if isinstance(item, str) else list(item)}
        elif key == "items":
            result["items"] = {"schema": [_schema_message(i) for i in (item if isinstance(item, list) else [item])]}
        elif key == "allOf":
            result["all_of"] = [_schema_message(i) for i in item]
        elif key == "properties":
            result["properties"] = {"additional_properties": [{"name": name, "value": _schema_message(child)}
                                                              for name, child in item.items()]}
        elif key == "additionalProperties":
            result["additional_properties"] = ({"boolean": item} if isinstance(item, bool)
                                               else {"schema": _schema_message(item)})
        elif key == "default":
            result["default"] = _any(item)
        elif key == "uniqueItems":
            result["unique_items"] = item
    extensions = _extensions(value)
    if extensions:
        result["vendor_extension"] = extensions
    return result


def _parameter_message(param: dict[str, Any]) -> dict[str, Any]:
    if param["in"] == "body":
        body: dict[str, Any] = {"name": param["name"], "in": "body", "schema": _schema_message(param["schema"])}
        if param.get("required"):
            body["required"] = True
        if param.get("description"):
            body["description"] = param["description"]
        return {"parameter": {"body_parameter": body}}
    sub = {k: v for k, v in (("required", param.get("required")), ("in", param["in"]),
                             ("description", param.get("description")), ("name", param["name"]),
                             ("type", param.get("type")), ("unique_items", param.get("uniqueItems"))) if v}
    which = "path_parameter_sub_schema" if param["in"] == "path" else "query_parameter_sub_schema"
    return {"parameter": {"non_body_parameter": {which: sub}}}


def _operation_message(operation: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {k: operation[k] for k in ("tags", "description", "consumes", "produces", "schemes")
                              if k in operation}
    result["operation_id"] = operation["operationId"]
    result["parameters"] = [_parameter_message(p) for p in operation.get("parameters", [])]
    codes = []
    for code, answer in operation["responses"].items():
        response: dict[str, Any] = {"description": answer["description"]}
        if "schema" in answer:
            response["schema"] = {"schema": _schema_message(answer["schema"])}
        codes.append({"name": code, "value": {"response": response}})
    result["responses"] = {"response_code": codes}
    result["vendor_extension"] = _extensions(operation)
    return result


def _document_message(document: dict[str, Any]) -> dict[str, Any]:
    paths = []
    for path, item in document["paths"].items():
        value: dict[str, Any] = {m: _operation_message(item[m]) for m in ("get", "put", "post", "delete", "patch")
                                 if m in item}
        value["parameters"] = [_parameter_message(p) for p in item.get("parameters", [])]
        paths.append({"name": path, "value": value})
    return {
        "swagger": document["swagger"], "info": document["info"], "paths": {"path": paths},
        "definitions": {"additional_properties": [{"name": name, "value": _schema_message(definition)}
                                                  for name, definition in document["definitions"].items()]},
        "security_definitions": {"additional_properties": [
            {"name": "BearerToken", "value": {"api_key_security": {"type": "apiKey", "name": "authorization",
                                                                   "in": "header", "description":
                                                                   "Bearer Token authentication"}}}]},
        "security": [{"additional_properties": [{"name": "BearerToken", "value": {}}]}],
    }


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_message(type_name: str, value: dict[str, Any]) -> bytes:
    """`value` (field names as in the descriptor) as the protobuf message `type_name`."""
    fields = schema()[type_name]["fields"]
    by_name = {field[0]: (int(number), field) for number, field in fields.items()}
    out = bytearray()
    for key, item in value.items():
        number, (_, kind, repeated, nested) = by_name[key]
        for element in (item if repeated else [item]):
            if kind == _MESSAGE:
                payload = encode_message(nested, element)
                out += _varint(number << 3 | 2) + _varint(len(payload)) + payload
            elif kind in (_STRING, _BYTES):
                data = element.encode() if isinstance(element, str) else bytes(element)
                out += _varint(number << 3 | 2) + _varint(len(data)) + data
            elif kind == _DOUBLE:
                out += _varint(number << 3 | 1) + struct.pack("<d", float(element))
            else:
                out += _varint(number << 3) + _varint(int(element))
    return bytes(out)


@lru_cache(maxsize=1)
def v2_protobuf() -> bytes:
    return encode_message("openapi.v2.Document", _document_message(v2_document()))
