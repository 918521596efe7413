"""Pod subresources: ephemeralcontainers (GET/PUT/PATCH), log, attach/exec, portforward;
SelfSubjectAccessReview."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from tui.demo.api import podsecurity, validation
from tui.demo.api.defaults import default_container
from tui.demo.api.status import ApiError, json_response, raw_json_response
from tui.demo.node import portforward, streaming
from tui.demo.node.kubelet import CRASHLOOP_ANNOTATION
from tui.demo.node.logquery import LiveLog, LogQuery, split_lines
from tui.demo.node.runtime import ContainerRuntime
from tui.demo.routes.requests import (
    apply_patch,
    load_pod,
    pod_key,
    query_flag,
    read_json,
)
from tui.demo.routes.state import STATE
from tui.pods.status import parse_timestamp


def container_names(pod: dict[str, Any], field: str) -> list[str]:
    return [c["name"] for c in pod["spec"].get(field, []) or []]


def pick_container(pod: dict[str, Any], requested: str | None) -> str:
    """The container a log/attach/exec request is about, with the API server's 400 messages."""
    name = pod["metadata"]["name"]
    regular = container_names(pod, "containers")
    init = container_names(pod, "initContainers")
    ephemeral = container_names(pod, "ephemeralContainers")
    if not requested:
        default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        if default in regular:
            return str(default)
        if len(regular) == 1:
            return regular[0]
        message = f"a container name must be specified for pod {name}, choose one of: [{' '.join(regular)}]"
        if init:
            message += f" or one of the init containers: [{' '.join(init)}]"
        if ephemeral:
            message += f" or one of the ephemeral containers: [{' '.join(ephemeral)}]"
        raise ApiError(400, message, "BadRequest")
    if requested not in regular + init + ephemeral:
        raise ApiError(400, f"container {requested} is not valid for pod {name}", "BadRequest")
    return requested


def container_status(pod: dict[str, Any], container: str) -> dict[str, Any] | None:
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for entry in pod.get("status", {}).get(field, []) or []:
            if entry.get("name") == container:
                return entry
    return None


def crashloop_log(pod: dict[str, Any], container: str, restart: int) -> bytes:
    """What the crash-looping demo app prints before it dies."""
    return (
        f"2025-06-01T10:00:00Z INFO  payments-api 1.4.2 starting (attempt {restart + 1})\n"
        "2025-06-01T10:00:00Z INFO  loading config from environment\n"
        "2025-06-01T10:00:01Z INFO  connecting to postgres://payments-db:5432/payments\n"
        "2025-06-01T10:00:04Z ERROR dial tcp 10.96.41.7:5432: connect: connection refused\n"
        "2025-06-01T10:00:04Z FATAL could not connect to the database after 3 attempts, exiting\n"
    ).encode()


# ---- ephemeral containers ------------------------------------------------------------------
async def ephemeral_containers(request: web.Request) -> web.Response:
    state = request.app[STATE]
    store = state.store
    namespace, name = pod_key(request)
    verb = {"GET": "get", "PUT": "update", "PATCH": "patch"}[request.method]
    state.policy.check(verb, "pods", "ephemeralcontainers", namespace, name)
    pod = load_pod(state, namespace, name)
    if request.method == "GET":
        return raw_json_response(store.json_of("pods", (namespace, name)))
    body = await read_json(request)
    if request.method == "PUT":
        if not isinstance(body, dict):
            raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
        wanted_rv = (body.get("metadata") or {}).get("resourceVersion")
        if wanted_rv and wanted_rv != pod["metadata"]["resourceVersion"]:
            raise ApiError(409, f'Operation cannot be fulfilled on pods "{name}": the object has been '
                                "modified; please apply your changes to the latest version and try again",
                           "Conflict", {"name": name, "kind": "pods"})
        requested = body
    else:
        requested = apply_patch(request.content_type, pod, body)
    new_pod = validation.apply_ephemeral_containers(pod, requested)
    for container in new_pod["spec"].get("ephemeralContainers", []) or []:
        default_container(container, ephemeral=True)
    causes = validation.validate_ephemeral_update(pod, new_pod)
    if causes:
        status = validation.invalid_status("Pod", name, causes)
        return json_response(status, status=422)
    ns_labels = (store.get("namespaces", "", namespace) or {}).get("metadata", {}).get("labels")
    refused = podsecurity.admission_status(new_pod, ns_labels)
    if refused is not None:
        return json_response(refused, status=403)
    if request.query.get("dryRun") == "All":
        return json_response(new_pod)
    old_names = set(container_names(pod, "ephemeralContainers"))
    added = [n for n in container_names(new_pod, "ephemeralContainers") if n not in old_names]
    if not added and new_pod["spec"].get("ephemeralContainers") == pod["spec"].get("ephemeralContainers"):
        return raw_json_response(store.json_of("pods", (namespace, name)))
    store.replace("pods", new_pod)
    if added:
        state.kubelet.ephemeral_added(namespace, name, added)
    return raw_json_response(store.json_of("pods", (namespace, name)))


# ---- logs ------------------------------------------------------------------------------------
async def pod_log(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    namespace, name = pod_key(request)
    state.policy.check("get", "pods", "log", namespace, name)
    pod = load_pod(state, namespace, name)
    container = pick_container(pod, request.query.get("container"))
    query = LogQuery.from_query(request.query, time.time())
    entry = container_status(pod, container) or {}
    crashloop = (pod["metadata"].get("annotations") or {}).get(CRASHLOOP_ANNOTATION) == container
    if query_flag(request, "previous"):
        return _previous_log(state.runtime, pod, container, entry, query, crashloop)
    if crashloop:
        started = (entry.get("lastState", {}).get("terminated") or {}).get("finishedAt")
        static = crashloop_log(pod, container, int(entry.get("restartCount", 0)))
        return _text(query.render(split_lines([(_epoch(started), static)])))
    waiting = entry.get("state", {}).get("waiting")
    if waiting is not None or not entry:
        raise ApiError(400, _waiting_message(name, container, (waiting or {}).get("reason", "ContainerCreating")),
                       "BadRequest")
    buffer = state.runtime.log_buffer(pod, container)
    lines = split_lines(buffer.timed_chunks()) if buffer is not None else []
    first = query.render(lines)
    live = LiveLog(query, len(first), not lines or lines[-1][1].endswith(b"\n"))
    if not query_flag(request, "follow") or "terminated" in entry.get("state", {}) or live.exhausted:
        return _text(first)
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    with state.long_lived():
        try:
            await response.prepare(request)
            if first:
                await response.write(first)
            async for chunk in state.runtime.follow_logs(pod, container, include_existing=False):
                await response.write(live.format(chunk, time.time()))
                if live.exhausted:
                    break
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
    return response


def _previous_log(runtime: ContainerRuntime, pod: dict[str, Any], container: str, entry: dict[str, Any],
                  query: LogQuery, crashloop: bool) -> web.Response:
    """`logs --previous`: the run before the last restart (400 when there was none)."""
    last = entry.get("lastState", {}).get("terminated")
    if not last:
        raise ApiError(400, f'previous terminated container "{container}" in pod "{pod["metadata"]["name"]}" '
                            "not found", "BadRequest")
    if crashloop:
        static = crashloop_log(pod, container, int(entry.get("restartCount", 1)) - 1)
        return _text(query.render(split_lines([(_epoch(last.get("startedAt")), static)])))
    buffer = runtime.log_buffer(pod, container, previous=True)
    return _text(query.render(split_lines(buffer.timed_chunks() if buffer is not None else [])))


def _waiting_message(pod: str, container: str, reason: str) -> str:
    """The API server's 400 for the logs of a container that has not started."""
    if reason in ("ErrImagePull", "ImagePullBackOff"):
        return f'container "{container}" in pod "{pod}" is waiting to start: trying and failing to pull image'
    return f'container "{container}" in pod "{pod}" is waiting to start: {reason}'


# ---- attach / exec ---------------------------------------------------------------------------
async def attach_or_exec(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    namespace, name = pod_key(request)
    kind = "attach" if request.path.endswith("/attach") else "exec"
    verbs = ["get", "create"] if request.method == "GET" else ["create"]
    for verb in verbs:
        state.policy.check(verb, "pods", kind, namespace, name)
    pod = load_pod(state, namespace, name)
    container = pick_container(pod, request.query.get("container"))
    with state.long_lived():
        return await streaming.handle_stream(request, kind=kind, pod=pod, container=container,
                                             runtime=state.runtime)


async def port_forward(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    namespace, name = pod_key(request)
    verbs = ["get", "create"] if request.method == "GET" else ["create"]
    for verb in verbs:
        state.policy.check(verb, "pods", "portforward", namespace, name)
    pod = load_pod(state, namespace, name)
    with state.long_lived():
        return await portforward.handle_portforward(request, pod, state.runtime)


# ---- SelfSubjectAccessReview / RulesReview ---------------------------------------------------
async def self_subject_access_review(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    spec = body.get("spec") or {}
    attributes = spec.get("resourceAttributes")
    if attributes is None and spec.get("nonResourceAttributes") is None:
        return json_response(validation.invalid_status(
            "SelfSubjectAccessReview", "",
            ["spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or "
             "resourceAttributes must be specified"], "authorization.k8s.io"), status=422)
    allowed = True
    if attributes is not None:
        allowed = state.policy.allowed(
            str(attributes.get("verb", "")), str(attributes.get("resource", "")),
            str(attributes.get("subresource", "")), attributes.get("namespace") or None)
    review_status: dict[str, Any] = {"allowed": allowed}
    if allowed:
        review_status["reason"] = 'RBAC: allowed by ClusterRoleBinding "ephemera-demo" of ClusterRole ' \
                                  '"cluster-admin" to User "demo"'
    result = {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None, **(body.get("metadata") or {})},
        "spec": spec,
        "status": review_status,
    }
    return json_response(result, status=201)


async def self_subject_rules_review(request: web.Request) -> web.Response:
    body = await read_json(request)
    spec = (body or {}).get("spec") or {}
    result = {
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": {
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": False,
        },
    }
    return json_response(result, status=201)


def add_routes(app: web.Application) -> None:
    router = app.router
    base = "/api/v1/namespaces/{namespace}/pods/{name}"
    router.add_get(base + "/ephemeralcontainers", ephemeral_containers)
    router.add_put(base + "/ephemeralcontainers", ephemeral_containers)
    router.add_patch(base + "/ephemeralcontainers", ephemeral_containers)
    router.add_get(base + "/log", pod_log)
    for kind in ("attach", "exec"):
        router.add_get(f"{base}/{kind}", attach_or_exec)
        router.add_post(f"{base}/{kind}", attach_or_exec)
    router.add_get(base + "/portforward", port_forward)
    router.add_post(base + "/portforward", port_forward)
    router.add_post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", self_subject_access_review)
    router.add_post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", self_subject_rules_review)


def _epoch(timestamp: str | None) -> float:
    """An RFC 3339 status time as epoch seconds (now when absent)."""
    parsed = parse_timestamp(timestamp)
    return parsed.timestamp() if parsed is not None else time.time()


def _text(content: bytes) -> web.Response:
    return web.Response(body=content, headers={"Content-Type": "text/plain"})
