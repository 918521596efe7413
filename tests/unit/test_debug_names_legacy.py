"""Generated names and the legacy (1.16-1.21) EphemeralContainers API."""

from __future__ import annotations

import random

from helpers.debug_pods import slim_pod
from tui.debug import DebugRequest, plan
from tui.debug.legacy import is_legacy_response, legacy_get_request, legacy_put_request
from tui.debug.names import ALPHABET, copy_pod_name, debug_container_name, random_suffix


class _Scripted(random.Random):
    """A Random whose choices follow a script, to force collisions."""

    def __init__(self, letters: str) -> None:
        super().__init__(0)
        self._letters = list(letters)

    def choice(self, seq):  # type: ignore[override]
        return self._letters.pop(0)


def test_alphabet_is_apimachinerys() -> None:
    assert ALPHABET == "bcdfghjklmnpqrstvwxz2456789"
    suffix = random_suffix(rng=random.Random(1))
    assert len(suffix) == 5 and set(suffix) <= set(ALPHABET)


def test_debugger_name_is_redrawn_while_it_collides() -> None:
    pod = slim_pod()
    pod["spec"]["ephemeralContainers"].append({"name": "debugger-bbbbb"})
    pod["spec"]["initContainers"].append({"name": "debugger-ccccc"})
    rng = _Scripted("bbbbb" "ccccc" "ddddd")
    assert debug_container_name(pod, rng) == "debugger-ddddd"


def test_copy_name_is_redrawn_while_taken_and_fits_a_pod_name() -> None:
    rng = _Scripted("bbbbb" "ccccc")
    assert copy_pod_name("web", {"web-debug-bbbbb"}, rng) == "web-debug-ccccc"
    long_name = copy_pod_name("p" * 260, (), random.Random(2))
    assert len(long_name) <= 253 and long_name.startswith("p" * 200)


def test_legacy_plan_uses_kubectls_json_patch_then_reads_the_pod() -> None:
    result = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg"),
                  slim_pod(), api="legacy")
    patch, get = result.requests
    assert patch.method == "PATCH"
    assert patch.path == "/api/v1/namespaces/default/pods/slim-x/ephemeralcontainers"
    assert patch.content_type == "application/json-patch+json"
    assert patch.body == [{
        "op": "add",
        "path": "/ephemeralContainers/-",
        "value": {"name": "dbg", "image": "busybox", "resources": {}, "terminationMessagePolicy": "File",
                  "stdin": True, "tty": True, "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}},
    }]
    assert (get.method, get.path, get.body) == ("GET", "/api/v1/namespaces/default/pods/slim-x", None)
    assert [r.method for r in result.dry_run_requests()] == ["PATCH"]
    assert result.api == "legacy"


def test_legacy_put_of_the_ephemeral_containers_object() -> None:
    current = {
        "kind": "EphemeralContainers",
        "apiVersion": "v1",
        "metadata": {"name": "example-pod", "namespace": "default", "resourceVersion": "15886",
                     "uid": "a14a6d9b"},
        "ephemeralContainers": [{"name": "debugger", "image": "busybox"}],
    }
    assert is_legacy_response(current) and not is_legacy_response({"kind": "Pod"})
    assert legacy_get_request("default", "example-pod").path == (
        "/api/v1/namespaces/default/pods/example-pod/ephemeralcontainers")
    put = legacy_put_request(current, {"name": "debugger-2", "image": "busybox"})
    assert (put.method, put.path) == ("PUT", "/api/v1/namespaces/default/pods/example-pod/ephemeralcontainers")
    assert put.body == {
        "apiVersion": "v1",
        "kind": "EphemeralContainers",
        "metadata": {"name": "example-pod", "namespace": "default", "resourceVersion": "15886"},
        "ephemeralContainers": [{"name": "debugger", "image": "busybox"},
                                {"name": "debugger-2", "image": "busybox"}],
    }
