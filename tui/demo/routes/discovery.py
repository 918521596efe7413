"""Version, health and discovery documents, from the resource registry (`tui.demo.api.registry`).
Legacy discovery; aggregated discovery is not served, so kubectl falls back to `/api/v1` and
`/apis/<group>/<version>`. And the OpenAPI documents `tui.demo.api.openapi` generates: `/openapi/v2`
(gnostic protobuf when the Accept header asks for it, as kubectl does, else JSON) and `/openapi/v3`
(the index, then each group/version's document at the URL with its hash, cached immutable)."""

from __future__ import annotations

from aiohttp import web

from tui.demo.api import openapi, registry
from tui.demo.api.status import json_response
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
    return json_response(registry.api_resource_list("v1"))


async def apis(request: web.Request) -> web.Response:
    return json_response(registry.api_group_list())


async def api_group(request: web.Request) -> web.Response:
    group = registry.api_group(request.match_info["group"])
    if group is None:
        raise web.HTTPNotFound()
    return json_response({"kind": "APIGroup", "apiVersion": "v1", **group})


async def api_group_version(request: web.Request) -> web.Response:
    group_version = f'{request.match_info["group"]}/{request.match_info["version"]}'
    if group_version not in registry.GROUP_VERSIONS:
        raise web.HTTPNotFound()
    return json_response(registry.api_resource_list(group_version))


async def openapi_v2(request: web.Request) -> web.Response:
    accept = request.headers.get("Accept", "")
    if openapi.V2_PROTOBUF in accept or openapi.V2_PROTOBUF_OLD in accept:
        # the answer's type without the '@' (Go's mime parser refuses it), as kube-openapi's handler
        return web.Response(body=openapi.v2_protobuf(), content_type=openapi.V2_PROTOBUF_OLD)
    return web.Response(body=openapi.v2_json(), content_type="application/json")


async def openapi_v3_index(request: web.Request) -> web.Response:
    return json_response(openapi.v3_index())


async def openapi_v3(request: web.Request) -> web.Response:
    group_version = openapi.group_version_of(request.match_info["tail"])
    if group_version is None:
        raise web.HTTPNotFound()
    digest = openapi.v3_hash(group_version)
    headers = {"Etag": f'"{digest}"', "Vary": "Accept"}
    if request.query.get("hash") == digest:
        headers["Cache-Control"] = "public, immutable"
        headers["Expires"] = "Fri, 01 Jan 2100 00:00:00 GMT"
    else:
        headers["Cache-Control"] = "no-cache, private"
    return web.Response(body=openapi.v3_bytes(group_version), content_type="application/json", headers=headers)


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
    app.router.add_get("/apis/{group}", api_group)
    app.router.add_get("/apis/{group}/{version}", api_group_version)
    app.router.add_get("/openapi/v2", openapi_v2)
    app.router.add_get("/openapi/v3", openapi_v3_index)
    app.router.add_get("/openapi/v3/{tail:.+}", openapi_v3)
