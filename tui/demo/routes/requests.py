"""Reading a request as the API server does: boolean and integer query parameters, JSON (or
kubectl's protobuf) bodies, patches of the three patch types, and the pod a URL names."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp import web

from tui.demo.api import patch as patching
from tui.demo.api.protobuf import PROTOBUF_CONTENT_TYPE, decode_object
from tui.demo.api.status import ApiError, not_found
from tui.demo.routes.state import STATE, ServerState

TRUE_VALUES = ("1", "true", "True")
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


def query_flag(request: web.Request, name: str) -> bool:
    return request.query.get(name) in TRUE_VALUES


def int_param(request: web.Request, name: str, default: int = 0) -> int:
    text = request.query.get(name)
    if text in (None, ""):
        return default
    try:
        return int(text)
    except ValueError:
        raise ApiError(400, f'invalid value for "{name}": {text!r} is not an integer', "BadRequest") from None


async def read_json(request: web.Request) -> Any:
    """The request body as JSON (protobuf bodies from kubectl's typed clients are decoded too)."""
    body = await request.read()
    if request.content_type == PROTOBUF_CONTENT_TYPE:
        decoded = decode_object(body)
    else:
        try:
            decoded = json.loads(body or b"null")
        except ValueError as error:
            raise ApiError(400, f"the body of the request was in an unknown format - {error}",
                           "BadRequest") from None
    state = request.app.get(STATE)
    if state is not None:
        state.received.append((request.method, request.path, copy.deepcopy(decoded)))
    return decoded


def apply_patch(content_type: str, pod: dict[str, Any], body: Any) -> dict[str, Any]:
    """`pod` with the patch `body` applied, by the request's patch type (415 for another type)."""
    try:
        if content_type == "application/strategic-merge-patch+json":
            return patching.apply_strategic_merge_patch(pod, body)
        if content_type == "application/json-patch+json":
            return patching.apply_json_patch(pod, body)
        if content_type == "application/merge-patch+json":
            return patching.apply_merge_patch(pod, body)
    except patching.PatchError as error:
        raise ApiError(error.code, error.message, error.reason, error.details) from None
    raise ApiError(415, f"the body of the request was in an unknown format - accepted media types include: "
                        f"{', '.join(PATCH_TYPES)}", "UnsupportedMediaType")


def pod_key(request: web.Request) -> tuple[str, str]:
    """(namespace, name) of the pod in the URL."""
    return request.match_info["namespace"], request.match_info["name"]


def load_pod(state: ServerState, namespace: str, name: str) -> dict[str, Any]:
    """The stored pod, or the API server's 404."""
    pod = state.store.get("pods", namespace, name)
    if pod is None:
        raise not_found("pods", name)
    return pod
