"""The demo API server's resources: one table from which discovery (`/api`, `/apis`, `/api/v1`,
`/apis/<group>/<version>`), the generic object routes (`tui.demo.routes.objects`), the store's
resources and the OpenAPI documents (`tui.demo.api.openapi`) all come.

A row (`Resource`) is what kube-apiserver v1.32 says about the resource in discovery (plural and
singular name, kind, group/version, namespaced, verbs, short names, categories, subresources),
plus what the demo needs to serve it: the store resource it lives in (`stored`: "" for the reviews,
which are only created), its server-side Table (`tui.demo.api.table`), field selectors, the
strategic-merge keys that differ from a pod's, and the protobuf message of its kind (whose
descriptor, extracted from kubectl, gives the OpenAPI schema its structure).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.demo.api.selectors import EVENT_FIELDS, GENERIC_FIELDS, POD_FIELDS, FieldGetter
from tui.demo.api.table import TABLE_SPECS, TableSpec

SECRET_FIELDS: dict[str, FieldGetter] = {**GENERIC_FIELDS, "type": lambda obj: str(obj.get("type") or "")}
# events.k8s.io/v1's field labels, on the stored core/v1 Event they are served from
EVENTS_V1_FIELDS: dict[str, FieldGetter] = {
    **GENERIC_FIELDS,
    **{"regarding." + key.split(".", 1)[1]: getter for key, getter in EVENT_FIELDS.items()
       if key.startswith("involvedObject.")},
    "reason": EVENT_FIELDS["reason"], "type": EVENT_FIELDS["type"],
    "reportingController": lambda obj: str(obj.get("reportingComponent") or (obj.get("source") or {}).get(
        "component") or ""),
}
ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
SUBRESOURCE_VERBS = ("get", "patch", "update")
STREAM_VERBS = ("create", "get")


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...] = SUBRESOURCE_VERBS
    group: str = ""  # the kind's group and version when it is not the resource's (Scale: autoscaling/v1)
    version: str = ""


@dataclass(frozen=True)
class Resource:
    name: str  # the plural, lowercase resource name: "deployments"
    singular: str
    kind: str
    group: str = ""  # "" for the core (legacy) group
    version: str = "v1"
    namespaced: bool = True
    verbs: tuple[str, ...] = ALL_VERBS
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    stored: str = ""  # the store resource holding the objects ("" : not stored)
    message: str = ""  # protobuf message of the kind: k8s.io.api.<group>.<version>.<Kind>
    merge_keys: tuple[tuple[str, str], ...] = ()  # strategic-merge keys that differ from a pod's
    description: str = ""  # the kind's description (OpenAPI, kubectl explain)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def api_version(self) -> str:
        return self.group_version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    @property
    def table(self) -> TableSpec | None:
        return TABLE_SPECS.get(self.stored) if self.stored else None

    @property
    def fields(self) -> dict[str, FieldGetter]:
        """The field selectors of a list or watch (getters on the stored object)."""
        if self.stored == "pods":
            return POD_FIELDS
        if self.stored == "events":
            return EVENTS_V1_FIELDS if self.group == "events.k8s.io" else EVENT_FIELDS
        if self.stored == "secrets":
            return SECRET_FIELDS
        return GENERIC_FIELDS

    @property
    def merge_key_map(self) -> dict[str, str]:
        return dict(self.merge_keys)

    def path(self, namespace: str | None = None, name: str = "") -> str:
        """The URL path of the collection (or of one object when `name` is given)."""
        root = f"/apis/{self.group}/{self.version}" if self.group else "/api/v1"
        scope = f"/namespaces/{namespace}" if self.namespaced and namespace else ""
        return f"{root}{scope}/{self.name}" + (f"/{name}" if name else "")

    def discovery(self) -> list[dict[str, Any]]:
        """The resource's entries in its APIResourceList (the resource, then its subresources)."""
        entry: dict[str, Any] = {"name": self.name, "singularName": self.singular, "namespaced": self.namespaced,
                                 "kind": self.kind, "verbs": list(self.verbs)}
        if self.short_names:
            entry["shortNames"] = list(self.short_names)
        if self.categories:
            entry["categories"] = list(self.categories)
        entries = [entry]
        for sub in self.subresources:
            item: dict[str, Any] = {"name": f"{self.name}/{sub.name}", "singularName": "",
                                    "namespaced": self.namespaced}
            if sub.group or sub.version:
                item["group"] = sub.group
                item["version"] = sub.version
            item["kind"] = sub.kind
            item["verbs"] = list(sub.verbs)
            entries.append(item)
        return entries


_SCALE = Subresource("scale", "Scale", group="autoscaling", version="v1")
_SERVICE_PORT_KEYS = (("ports", "port"),)  # ServiceSpec.ports merge on `port` (a container's on containerPort)

RESOURCES: tuple[Resource, ...] = (
    Resource("configmaps", "configmap", "ConfigMap", short_names=("cm",), stored="configmaps",
             message="k8s.io.api.core.v1.ConfigMap",
             description="ConfigMap holds configuration data for pods to consume."),
    Resource("events", "event", "Event", short_names=("ev",), stored="events", message="k8s.io.api.core.v1.Event",
             description="Event is a report of an event somewhere in the cluster.  Events have a limited retention "
                         "time and triggers and messages may evolve with time.  Event consumers should not rely on "
                         "the timing of an event with a given Reason reflecting a consistent underlying trigger, or "
                         "the continued existence of events with that Reason.  Events should be treated as "
                         "informative, best-effort, supplemental data."),
    Resource("namespaces", "namespace", "Namespace", namespaced=False, verbs=NO_COLLECTION_VERBS,
             short_names=("ns",), subresources=(Subresource("finalize", "Namespace", ("update",)),
                                                 Subresource("status", "Namespace")),
             stored="namespaces", message="k8s.io.api.core.v1.Namespace",
             description="Namespace provides a scope for Names. Use of multiple namespaces is optional."),
    Resource("nodes", "node", "Node", namespaced=False, short_names=("no",),
             subresources=(Subresource("proxy", "NodeProxyOptions", ("create", "delete", "get", "patch", "update")),
                           Subresource("status", "Node")),
             stored="nodes", message="k8s.io.api.core.v1.Node",
             description="Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache "
                         "(i.e. in etcd)."),
    Resource("pods", "pod", "Pod", short_names=("po",), categories=("all",),
             subresources=(Subresource("attach", "PodAttachOptions", STREAM_VERBS),
                           Subresource("ephemeralcontainers", "Pod"),
                           Subresource("exec", "PodExecOptions", STREAM_VERBS),
                           Subresource("log", "Pod", ("get",)),
                           Subresource("portforward", "PodPortForwardOptions", STREAM_VERBS),
                           Subresource("status", "Pod")),
             stored="pods", message="k8s.io.api.core.v1.Pod",
             description="Pod is a collection of containers that can run on a host. This resource is created by "
                         "clients and scheduled onto hosts."),
    Resource("secrets", "secret", "Secret", stored="secrets", message="k8s.io.api.core.v1.Secret",
             description="Secret holds secret data of a certain type. The total bytes of the values in the Data "
                         "field must be less than MaxSecretSize bytes."),
    Resource("services", "service", "Service", short_names=("svc",), categories=("all",),
             subresources=(Subresource("status", "Service"),), stored="services",
             message="k8s.io.api.core.v1.Service", merge_keys=_SERVICE_PORT_KEYS,
             description="Service is a named abstraction of software service (for example, mysql) consisting of "
                         "local port (for example 3306) that the proxy listens on, and the selector that "
                         "determines which pods will answer requests sent through the proxy."),
    Resource("deployments", "deployment", "Deployment", group="apps", short_names=("deploy",),
             categories=("all",), subresources=(_SCALE, Subresource("status", "Deployment")),
             stored="deployments", message="k8s.io.api.apps.v1.Deployment",
             description="Deployment enables declarative updates for Pods and ReplicaSets."),
    Resource("replicasets", "replicaset", "ReplicaSet", group="apps", short_names=("rs",), categories=("all",),
             subresources=(_SCALE, Subresource("status", "ReplicaSet")), stored="replicasets",
             message="k8s.io.api.apps.v1.ReplicaSet",
             description="ReplicaSet ensures that a specified number of pod replicas are running at any given time."),
    Resource("events", "event", "Event", group="events.k8s.io", short_names=("ev",), stored="events",
             message="k8s.io.api.events.v1.Event",
             description="Event is a report of an event somewhere in the cluster. It generally denotes some state "
                         "change in the system. Events have a limited retention time and triggers and messages may "
                         "evolve with time.  Event consumers should not rely on the timing of an event with a given "
                         "Reason reflecting a consistent underlying trigger, or the continued existence of events "
                         "with that Reason.  Events should be treated as informative, best-effort, supplemental "
                         "data."),
    Resource("selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", group="authentication.k8s.io",
             namespaced=False, verbs=("create",), message="k8s.io.api.authentication.v1.SelfSubjectReview",
             description="SelfSubjectReview contains the user information that the kube-apiserver has about the "
                         "user making this request. When using impersonation, users will receive the user info of "
                         "the user being impersonated.  If impersonation or request header authentication is used, "
                         "any extra keys will have their case ignored and returned as lowercase."),
    Resource("selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview",
             group="authorization.k8s.io", namespaced=False, verbs=("create",),
             message="k8s.io.api.authorization.v1.SelfSubjectAccessReview",
             description="SelfSubjectAccessReview checks whether or the current user can perform an action.  Not "
                         "filling in a spec.namespace means \"in all namespaces\".  Self is a special case, because "
                         "users should always be able to check whether they can perform an action"),
    Resource("selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview",
             group="authorization.k8s.io", namespaced=False, verbs=("create",),
             message="k8s.io.api.authorization.v1.SelfSubjectRulesReview",
             description="SelfSubjectRulesReview enumerates the set of actions the current user can perform within "
                         "a namespace."),
)

# the group/versions in the order /apis lists them (the core "v1" is /api's)
GROUP_VERSIONS: tuple[str, ...] = ("v1", "apps/v1", "events.k8s.io/v1", "authentication.k8s.io/v1",
                                   "authorization.k8s.io/v1")
# every store resource (the plural names CTL's controllers and the kubelet read and write)
# (the core/v1 Events are the stored form; events.k8s.io/v1 serves them converted)
STORED: dict[str, Resource] = {}
for _resource in RESOURCES:
    if _resource.stored:
        STORED.setdefault(_resource.stored, _resource)


def resources_of(group_version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group_version == group_version]


def lookup(group: str, version: str, name: str) -> Resource | None:
    """The resource `/api[s]/<group>/<version>/.../<name>` names, or None."""
    for resource in RESOURCES:
        if resource.group == group and resource.version == version and resource.name == name:
            return resource
    return None


def api_resource_list(group_version: str) -> dict[str, Any]:
    entries = [entry for r in sorted(resources_of(group_version), key=lambda r: r.name) for entry in r.discovery()]
    document: dict[str, Any] = {"kind": "APIResourceList"}
    if group_version != "v1":
        document["apiVersion"] = "v1"
    document.update({"groupVersion": group_version, "resources": entries})
    return document


def api_group(group: str) -> dict[str, Any] | None:
    versions = [gv for gv in GROUP_VERSIONS if gv.startswith(f"{group}/")]
    if not versions:
        return None
    listed = [{"groupVersion": gv, "version": gv.split("/", 1)[1]} for gv in versions]
    return {"name": group, "versions": listed, "preferredVersion": listed[0]}


def api_group_list() -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    for gv in GROUP_VERSIONS:
        if "/" in gv:
            group = api_group(gv.split("/", 1)[0])
            if group is not None and group not in groups:
                groups.append(group)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


# ---- events.k8s.io/v1: the stored core/v1 Events as the new API shows them ---------------------
_EVENT_RENAMES = (("involvedObject", "regarding"), ("message", "note"), ("related", "related"),
                  ("reportingComponent", "reportingController"), ("reportingInstance", "reportingInstance"),
                  ("action", "action"), ("reason", "reason"), ("type", "type"), ("series", "series"),
                  ("count", "deprecatedCount"), ("firstTimestamp", "deprecatedFirstTimestamp"),
                  ("lastTimestamp", "deprecatedLastTimestamp"), ("source", "deprecatedSource"))


def core_event_to_events_v1(event: dict[str, Any]) -> dict[str, Any]:
    """kube-apiserver's conversion of a core/v1 Event to events.k8s.io/v1."""
    result: dict[str, Any] = {"kind": "Event", "apiVersion": "events.k8s.io/v1",
                              "metadata": event.get("metadata") or {}}
    event_time = event.get("eventTime")
    result["eventTime"] = event_time
    for old, new in _EVENT_RENAMES:
        value = event.get(old)
        if value not in (None, "", {}, 0):
            result[new] = value
    if "reportingController" not in result and (event.get("source") or {}).get("component"):
        result["reportingController"] = event["source"]["component"]
    return result


def served(resource: Resource) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """How a stored object is converted for this resource's API (None: served as stored)."""
    if resource.group == "events.k8s.io":
        return core_event_to_events_v1
    return None
