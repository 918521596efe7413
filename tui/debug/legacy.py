"""The pre-1.22 `/ephemeralcontainers` API (alpha, Kubernetes 1.16-1.21), as kubectl handles it.

Before 1.22 the subresource took and returned kind `EphemeralContainers`
(`{"apiVersion": "v1", "kind": "EphemeralContainers", "metadata": {...},
"ephemeralContainers": [...]}`) instead of a `Pod`. kubectl first sends its usual strategic
merge PATCH; an old server answers with an `EphemeralContainers` object (the `spec` key of the
patch means nothing to it, so nothing changed), which the client cannot decode
(`runtime.IsNotRegisteredError`), and kubectl falls back to:

1. `PATCH .../pods/NAME/ephemeralcontainers` with `application/json-patch+json`
   `[{"op": "add", "path": "/ephemeralContainers/-", "value": <container>}]`;
2. `GET .../pods/NAME` to read the pod back.

`legacy_requests()` builds those two. `legacy_put_request()` is the older documented way
(`kubectl replace --raw ... -f ec.json`): a PUT of the whole `EphemeralContainers` object with
the existing containers plus the new one, from a GET of the subresource.
`is_legacy_response()` tells whether a subresource response is of the old kind.
"""

from __future__ import annotations

import copy
from typing import Any

from tui.debug.planned_request import JSON, JSON_PATCH, PlannedRequest, pod_path

LEGACY_KIND = "EphemeralContainers"


def is_legacy_response(body: Any) -> bool:
    """True when a `/ephemeralcontainers` response is the pre-1.22 kind."""
    return isinstance(body, dict) and body.get("kind") == LEGACY_KIND


def legacy_requests(namespace: str, pod: str, container: dict[str, Any]) -> list[PlannedRequest]:
    """kubectl's fallback for 1.16-1.21 servers: a JSON patch, then a GET of the pod."""
    return [
        PlannedRequest(
            method="PATCH",
            path=pod_path(namespace, pod, "ephemeralcontainers"),
            content_type=JSON_PATCH,
            body=[{"op": "add", "path": "/ephemeralContainers/-", "value": copy.deepcopy(container)}],
            description=f"add ephemeral container {container.get('name')!r} (legacy EphemeralContainers API)",
        ),
        PlannedRequest(
            method="GET",
            path=pod_path(namespace, pod),
            description=f"read pod {pod!r} back",
        ),
    ]


def legacy_get_request(namespace: str, pod: str) -> PlannedRequest:
    """GET of the `EphemeralContainers` object that `legacy_put_request` starts from."""
    return PlannedRequest(
        method="GET",
        path=pod_path(namespace, pod, "ephemeralcontainers"),
        description=f"read the ephemeral containers of {pod!r}",
    )


def legacy_put_request(current: dict[str, Any], container: dict[str, Any]) -> PlannedRequest:
    """PUT of `current` (an EphemeralContainers object) with `container` appended."""
    metadata = current.get("metadata") or {}
    name = metadata.get("name", "")
    namespace = metadata.get("namespace", "default")
    new_metadata = {"name": name, "namespace": namespace}
    if metadata.get("resourceVersion"):
        new_metadata["resourceVersion"] = metadata["resourceVersion"]
    body = {
        "apiVersion": "v1",
        "kind": LEGACY_KIND,
        "metadata": new_metadata,
        "ephemeralContainers": [
            *copy.deepcopy(current.get("ephemeralContainers") or []),
            copy.deepcopy(container),
        ],
    }
    return PlannedRequest(
        method="PUT",
        path=pod_path(namespace, name, "ephemeralcontainers"),
        content_type=JSON,
        body=body,
        description=f"replace the ephemeral containers of {name!r} (legacy EphemeralContainers API)",
    )
