"""Version, health and discovery documents (legacy discovery; aggregated discovery is not served,
so kubectl falls back to `/api/v1` and `/apis/<group>/<version>`)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tui.demo.api.status import json_response, status_response
from tui.demo.routes.state import STATE

VERSION: dict[str, str] = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.4",
    "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
    "gitTreeState": "clean",
    "buildDate": "2025-04-22T16:02:27Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def _resource(name: str, kind: str, namespaced: bool, verbs: list[str], singular: str = "",
              short: list[str] | None = None, categories: list[str] | None = None, group: str = "",
              version: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "singularName": singular, "namespaced": namespaced}
    if group:
        entry["group"] = group
        entry["version"] = version
    entry["kind"] = kind
    entry["verbs"] = verbs
    if short:
        entry["shortNames"] = short
    if categories:
        entry["categories"] = categories
    return entry


CORE_V1_RESOURCES: list[dict[str, Any]] = [
    _resource("events", "Event", True, _ALL_VERBS, "event", ["ev"]),
    _resource("namespaces", "Namespace", False, ["create", "delete", "get", "list", "patch", "update", "watch"],
              "namespace", ["ns"]),
    _resource("namespaces/status", "Namespace", False, ["get", "patch", "update"]),
    _resource("nodes", "Node", False, _ALL_VERBS, "node", ["no"]),
    _resource("nodes/status", "Node", False, ["get", "patch", "update"]),
    _resource("pods", "Pod", True, _ALL_VERBS, "pod", ["po"], ["all"]),
    _resource("pods/attach", "PodAttachOptions", True, ["create", "get"]),
    _resource("pods/ephemeralcontainers", "Pod", True, ["get", "patch", "update"]),
    _resource("pods/exec", "PodExecOptions", True, ["create", "get"]),
    _resource("pods/log", "Pod", True, ["get"]),
    _resource("pods/status", "Pod", True, ["get", "patch", "update"]),
]

AUTHORIZATION_V1_RESOURCES: list[dict[str, Any]] = [
    _resource("selfsubjectaccessreviews", "SelfSubjectAccessReview", False, ["create"]),
    _resource("selfsubjectrulesreviews", "SelfSubjectRulesReview", False, ["create"]),
]

AUTHORIZATION_GROUP: dict[str, Any] = {
    "name": "authorization.k8s.io",
    "versions": [{"groupVersion": "authorization.k8s.io/v1", "version": "v1"}],
    "preferredVersion": {"groupVersion": "authorization.k8s.io/v1", "version": "v1"},
}


async def version(request: web.Request) -> web.Response:
    return json_response(VERSION)


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok", content_type="text/plain")


async def api(request: web.Request) -> web.Response:
    return json_response({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": request.app[STATE].address}],
    })


async def api_v1(request: web.Request) -> web.Response:
    return json_response({"kind": "APIResourceList", "groupVersion": "v1", "resources": CORE_V1_RESOURCES})


async def apis(request: web.Request) -> web.Response:
    return json_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": [AUTHORIZATION_GROUP]})


async def authorization_group(request: web.Request) -> web.Response:
    return json_response({"kind": "APIGroup", "apiVersion": "v1", **AUTHORIZATION_GROUP})


async def authorization_v1(request: web.Request) -> web.Response:
    return json_response({"kind": "APIResourceList", "apiVersion": "v1",
                          "groupVersion": "authorization.k8s.io/v1", "resources": AUTHORIZATION_V1_RESOURCES})


async def not_served(request: web.Request) -> web.Response:
    return status_response(404, "the server could not find the requested resource", "NotFound",
                           {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/version", version)
    app.router.add_get("/version/", version)
    for path in ("/healthz", "/readyz", "/livez"):
        app.router.add_get(path, healthz)
    app.router.add_get("/api", api)
    app.router.add_get("/api/", api)
    app.router.add_get("/api/v1", api_v1)
    app.router.add_get("/api/v1/", api_v1)
    app.router.add_get("/apis", apis)
    app.router.add_get("/apis/", apis)
    app.router.add_get("/apis/authorization.k8s.io", authorization_group)
    app.router.add_get("/apis/authorization.k8s.io/v1", authorization_v1)
    app.router.add_get("/openapi/v2", not_served)
    app.router.add_get("/openapi/v3", not_served)
    app.router.add_get("/openapi/v3/{tail:.*}", not_served)
