"""What the API server does to a new pod after decoding it, shared by `POST .../pods` (the route,
`tui.demo.routes.objects.create_pod_object`) and the ReplicaSet controller's creates (which in a
real cluster are API requests too): the defaults (a generateName becomes a name), validation (422
`Pod "x" is invalid: ...`), Pod Security admission by the namespace's labels (403 `pods "x" is
forbidden: violates PodSecurity "baseline:latest": ...`), and a taken name (409). A refusal is an
`ApiError`, as the route answers it and as a controller's client would see it.

```python
pod = admit_new_pod(store, "staging", {"metadata": {"generateName": "web-"}, "spec": spec})
store.create("pods", pod)                      # admitted: store it (unless a dry run)
```
"""

from __future__ import annotations

from typing import Any

from tui.demo.api import podsecurity, validation
from tui.demo.api.defaults import default_pod
from tui.demo.api.status import ApiError, already_exists
from tui.demo.api.store import Store


def admit_new_pod(store: Store, namespace: str, pod: dict[str, Any]) -> dict[str, Any]:
    """Default, validate and admit `pod` (mutated) for `namespace`; the pod as it would be stored,
    or an `ApiError` (422 Invalid, 403 Forbidden by Pod Security, 409 AlreadyExists)."""
    pod = default_pod(pod, namespace)
    name = pod["metadata"]["name"]
    causes = validation.validate_pod_create(pod)
    if causes:
        status = validation.invalid_status("Pod", name, causes)
        raise ApiError(422, status["message"], status.get("reason"), status.get("details"))
    labels = (store.get("namespaces", "", namespace) or {}).get("metadata", {}).get("labels")
    refused = podsecurity.admission_status(pod, labels)
    if refused is not None:
        raise ApiError(403, refused["message"], "Forbidden", refused.get("details"))
    if (namespace, name) in store.objects["pods"]:
        raise already_exists("pods", name)
    return pod
