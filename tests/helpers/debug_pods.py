"""Pods for the debug planner tests (plain JSON, as the API server returns them)."""

from __future__ import annotations

import copy
from typing import Any

from tui.debug import Profile

_SLIM: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "slim-x",
        "namespace": "default",
        "uid": "0b7c1d4e-0000-4000-8000-000000000001",
        "resourceVersion": "812",
        "labels": {"app": "slim", "pod-template-hash": "6d8c6578bc"},
        "annotations": {"team": "web"},
        "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "slim-6d8c6578bc",
             "uid": "0b7c1d4e-0000-4000-8000-000000000002", "controller": True}
        ],
    },
    "spec": {
        "initContainers": [{"name": "init", "image": "busybox", "command": ["true"]}],
        "containers": [
            {
                "name": "app",
                "image": "gcr.io/distroless/python3",
                "livenessProbe": {"httpGet": {"path": "/", "port": 8080}},
                "readinessProbe": {"httpGet": {"path": "/", "port": 8080}},
                "startupProbe": {"tcpSocket": {"port": 8080}},
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
            },
            {"name": "sidecar", "image": "gcr.io/distroless/nodejs"},
        ],
        "ephemeralContainers": [
            {"name": "debugger-old", "image": "busybox", "stdin": True, "tty": True,
             "terminationMessagePolicy": "File"}
        ],
        "volumes": [{"name": "data", "emptyDir": {}}, {"name": "config", "configMap": {"name": "cfg"}}],
        "nodeName": "node-1",
        "restartPolicy": "Always",
    },
    "status": {"phase": "Running"},
}


def slim_pod() -> dict[str, Any]:
    """A fresh copy of the slim pod (two containers, an init container, one old debugger)."""
    return copy.deepcopy(_SLIM)


# The debug container's securityContext per profile, written from kubectl's profiles.go
# (the same for an ephemeral container and the container added to a copy).
PROFILE_SECURITY: dict[Profile, dict[str, Any] | None] = {
    Profile.LEGACY: None,
    Profile.GENERAL: {"capabilities": {"add": ["SYS_PTRACE"]}},
    Profile.BASELINE: None,
    Profile.RESTRICTED: {
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "allowPrivilegeEscalation": False,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    Profile.NETADMIN: {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
    Profile.SYSADMIN: {"privileged": True},
}


# `kubectl debug -it --image=busybox -c dbg` before the profile: what generateDebugContainer
# builds, as Go marshals it (`resources: {}` is never omitted).
KUBECTL_DEBUGGER: dict[str, Any] = {
    "name": "dbg",
    "image": "busybox",
    "resources": {},
    "terminationMessagePolicy": "File",
    "stdin": True,
    "tty": True,
}
