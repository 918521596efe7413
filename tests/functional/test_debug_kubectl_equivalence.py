"""The planner's requests equal what the real `kubectl debug` v1.32 sends for the same flags.

Each case plans a request, runs the plan's own `kubectl debug` command line (the one the form
previews and copies) against the demo cluster with `-v=9`, and compares:
- ephemeral modes: kubectl's PATCH body (logged as JSON) with the planned body;
- copies: kubectl sends the pod as protobuf, so the copy kubectl created and the planned body
  (sent as JSON under another name) are read back and compared, minus Ephemera's own label and
  annotations (which kubectl does not add).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import ApiClient

from tui.debug import CopyOptions, DebugRequest, Mode, Profile, plan
from tui.debug.planner import CREATED_AT_ANNOTATION, MANAGED_BY_LABEL, SOURCE_POD_ANNOTATION
from tui.debug.request import KeepFlags
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig

pytestmark = pytest.mark.kubectl

SLIM = "slim-79487d6484-h4rss"
ALL_KEEPS = KeepFlags(labels=True, annotations=True, liveness=True, readiness=True, startup=True)


PROBED = "probed"  # labels, annotations, an init container and every kind of probe: what copies drop;
# also config-map / secret references and volumes (inline Go structs in kubectl's protobuf)
_PROBE = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCluster]:
    with DemoCluster(kubelet_delay=0.2) as started:
        started.kubeconfig_path = started.write_kubeconfig(tmp_path_factory.mktemp("kube") / "config")
        started.faults.add_pod({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": PROBED, "namespace": "default", "labels": {"app": "probed"},
                         "annotations": {"team": "web"}},
            "spec": {
                "initContainers": [{"name": "init", "image": "busybox", "command": ["true"]}],
                "containers": [{
                    "name": "app", "image": "nginx:1.27", "livenessProbe": _PROBE,
                    "readinessProbe": _PROBE, "startupProbe": {"exec": {"command": ["true"]}},
                    "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "web", "key": "mode"}}},
                            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "web", "key": "token"}}}],
                    "envFrom": [{"configMapRef": {"name": "web"}}, {"secretRef": {"name": "web"}}],
                    "volumeMounts": [{"name": "conf", "mountPath": "/etc/web"},
                                     {"name": "all", "mountPath": "/etc/all"}],
                }],
                "volumes": [
                    {"name": "conf", "configMap": {"name": "web", "defaultMode": 420}},
                    {"name": "all", "projected": {"sources": [{"configMap": {"name": "web"}},
                                                              {"secret": {"name": "web"}}]}},
                ],
            },
        })
        yield started


def _api(cluster: DemoCluster) -> ApiClient:
    return KubeConfig.load(cluster.kubeconfig_path).connect().api_client


def _call(cluster: DemoCluster, method: str, path: str, body: Any = None) -> Any:
    api = _api(cluster)
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    response = api.call_api(*api.param_serialize(method, path, header_params=headers, body=body,
                                                 auth_settings=["BearerToken"]))
    return json.loads(response.read())


def _pod(cluster: DemoCluster, name: str) -> dict[str, Any]:
    return _call(cluster, "GET", f"/api/v1/namespaces/default/pods/{name}")


def _run_kubectl(kubectl: str, cluster: DemoCluster, argv: list[str], tmp_path: Path,
                 custom_json: str | None) -> str:
    """The plan's kubectl command (custom file written), not attaching; returns the -v=9 log."""
    assert argv[:2] == ["kubectl", "debug"], argv
    argv = [a.replace("--custom=", f"--custom={tmp_path}/") if a.startswith("--custom=") else a
            for a in argv]
    if custom_json is not None:
        custom = next(a for a in argv if a.startswith("--custom="))
        Path(custom.split("=", 1)[1]).write_text(custom_json)
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    full = [kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache), "-v=9",
            *argv[1:], "--attach=false"]
    if "--" in argv:  # flags must come before the command
        at = full.index("--")
        full = [*full[:at], "--attach=false", *full[at:-1]]
    result = subprocess.run(full, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def _patch_bodies(log: str) -> list[dict[str, Any]]:
    bodies = []
    for line in log.splitlines():
        match = re.search(r'"Request Body" body=(".*")$', line)
        if match:
            text = json.loads(match.group(1))
            if text.startswith("{"):
                value = json.loads(text)
                if "spec" in value:
                    bodies.append(value)
    return bodies


# The Go structs embedded inline (`json:",inline"`): their fields belong to the parent in JSON. The
# demo decodes kubectl's protobuf copy the same way, so they must never appear as keys.
_INLINE_NAMES = frozenset({"handler", "probeHandler", "volumeSource", "localObjectReference",
                           "ephemeralContainerCommon"})


def _keys(value: Any) -> set[str]:
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    return set()


def _comparable(pod: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: pod["metadata"][k] for k in ("labels", "annotations", "ownerReferences")
                if pod["metadata"].get(k)}
    return {"metadata": metadata, "spec": pod["spec"]}


def _without_ephemera_marks(body: dict[str, Any], name: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    metadata = body["metadata"]
    metadata["name"] = name
    metadata["labels"].pop(MANAGED_BY_LABEL)
    metadata["annotations"].pop(SOURCE_POD_ANNOTATION)
    metadata["annotations"].pop(CREATED_AT_ANNOTATION)
    for key in ("labels", "annotations"):
        if not metadata[key]:
            del metadata[key]
    return body


def _env_unordered(body: dict[str, Any]) -> dict[str, Any]:
    """kubectl keeps --env in a Go map, so its order varies from run to run; Ephemera keeps the
    order given. Compared as sets."""
    body = copy.deepcopy(body)
    for container in body["spec"].get("ephemeralContainers") or ():
        if "env" in container:
            container["env"] = sorted(container["env"], key=lambda e: e["name"])
    return body


def _check_ephemeral(kubectl: str, cluster: DemoCluster, request: DebugRequest, tmp_path: Path) -> None:
    planned = plan(request, _pod(cluster, request.pod))
    log = _run_kubectl(kubectl, cluster, planned.kubectl_command, tmp_path, planned.kubectl_custom_json)
    assert [_env_unordered(b) for b in _patch_bodies(log)] == [_env_unordered(planned.requests[0].body)]


def _check_copy(kubectl: str, cluster: DemoCluster, request: DebugRequest, tmp_path: Path) -> None:
    planned = plan(request, _pod(cluster, request.pod))
    _run_kubectl(kubectl, cluster, planned.kubectl_command, tmp_path, planned.kubectl_custom_json)
    ours = _without_ephemera_marks(planned.requests[0].body, planned.pod_name + "-ours")
    _call(cluster, "POST", "/api/v1/namespaces/default/pods", ours)
    assert not _keys(_pod(cluster, planned.pod_name)) & _INLINE_NAMES, "kubectl's protobuf copy decoded flat"
    assert _comparable(_pod(cluster, planned.pod_name + "-ours")) == _comparable(_pod(cluster, planned.pod_name))


def test_a_pods_first_debugger_is_kubectls_patch(demo_cluster: DemoCluster, kubectl: str, tmp_path: Path) -> None:
    _check_ephemeral(kubectl, demo_cluster, DebugRequest(namespace="default", pod=SLIM), tmp_path)


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("mode", [Mode.SHARED_NETWORK, Mode.TARGET])
def test_ephemeral_modes_and_profiles_are_kubectls_patch(cluster: DemoCluster, kubectl: str, tmp_path: Path,
                                                         mode: Mode, profile: Profile) -> None:
    request = DebugRequest(namespace="default", pod=SLIM, mode=mode, profile=profile,
                           target="app" if mode is Mode.TARGET else None)
    _check_ephemeral(kubectl, cluster, request, tmp_path)


def test_command_env_pull_policy_and_stdin_only_are_kubectls_patch(cluster: DemoCluster, kubectl: str,
                                                                  tmp_path: Path) -> None:
    request = DebugRequest(namespace="default", pod=SLIM, image="nicolaka/netshoot", container_name="tools",
                           env=(("A", "1"), ("B", "x=y")), image_pull_policy="IfNotPresent", tty=False,
                           command=("sleep", "1d"), profile=Profile.NETADMIN)
    _check_ephemeral(kubectl, cluster, request, tmp_path)


@pytest.mark.parametrize("mode", [Mode.TARGET, Mode.COPY])
def test_a_durable_debugger_is_kubectls_debug_with_the_keepalive_command(cluster: DemoCluster, kubectl: str,
                                                                         tmp_path: Path, mode: Mode) -> None:
    """Durable is Ephemera's choice, not kubectl's default; its preview is `kubectl debug ... -- sh -c
    '<keep-alive>'` without -it, and kubectl builds the same debugger from it."""
    request = DebugRequest(namespace="default", pod=SLIM, mode=mode, durable=True, container_name=f"keeper-{mode}",
                           target="app" if mode is Mode.TARGET else None,
                           copy=CopyOptions(name="slim-durable") if mode is Mode.COPY else CopyOptions())
    planned = plan(request, _pod(cluster, SLIM))
    assert "-it" not in planned.kubectl_command and planned.kubectl_command[-3:-1] == ["sh", "-c"]
    assert any("kubectl exec -it" in note for note in planned.kubectl_notes)
    (_check_copy if mode is Mode.COPY else _check_ephemeral)(kubectl, cluster, request, tmp_path)


@pytest.mark.parametrize("profile", list(Profile))
def test_copy_profiles_are_kubectls_copy(cluster: DemoCluster, kubectl: str, tmp_path: Path,
                                         profile: Profile) -> None:
    request = DebugRequest(namespace="default", pod=SLIM, mode=Mode.COPY, profile=profile,
                           copy=CopyOptions(name=f"eq-{profile.value}"))
    _check_copy(kubectl, cluster, request, tmp_path)


@pytest.mark.parametrize("profile", [Profile.LEGACY, Profile.GENERAL, Profile.RESTRICTED])
@pytest.mark.parametrize("keep", [KeepFlags(), KeepFlags(labels=True), KeepFlags(annotations=True),
                                  KeepFlags(liveness=True, startup=True), KeepFlags(readiness=True),
                                  KeepFlags(init_containers=False), ALL_KEEPS],
                         ids=["none", "labels", "annotations", "liveness+startup", "readiness", "no-init", "all"])
def test_copy_keep_flags_are_kubectls_copy(cluster: DemoCluster, kubectl: str, tmp_path: Path,
                                           profile: Profile, keep: KeepFlags) -> None:
    request = DebugRequest(namespace="default", pod=PROBED, mode=Mode.COPY, profile=profile,
                           copy=CopyOptions(keep=keep))
    _check_copy(kubectl, cluster, request, tmp_path)


def test_copy_same_node_set_image_and_changed_container_are_kubectls_copy(cluster: DemoCluster, kubectl: str,
                                                                         tmp_path: Path) -> None:
    request = DebugRequest(namespace="default", pod=SLIM, mode=Mode.COPY, image="busybox",
                           container_name="app", command=("sh",), env=(("DEBUG", "1"),),
                           copy=CopyOptions(same_node=True, set_images={"sidecar": "busybox:1.36"}))
    _check_copy(kubectl, cluster, request, tmp_path)


@pytest.mark.parametrize("mode", [Mode.TARGET, Mode.COPY])
def test_overrides_mounts_and_custom_through_kubectls_custom_file(cluster: DemoCluster, kubectl: str,
                                                                  tmp_path: Path, mode: Mode) -> None:
    """What kubectl has no flag for goes in the preview's --custom file: kubectl then sends the same."""
    from tui.debug.request import SecurityOverrides, VolumeMount

    volume = _pod(cluster, SLIM)["spec"]["volumes"][0]["name"]
    request = DebugRequest(
        namespace="default", pod=SLIM, mode=mode, target="app" if mode is Mode.TARGET else None,
        overrides=SecurityOverrides(run_as_user=1000, run_as_group=3000, run_as_non_root=True,
                                    capabilities_add=("NET_ADMIN",), capabilities_drop=("MKNOD",)),
        mounts=(VolumeMount(volume, "/mnt/sa", read_only=True),),
        custom={"workingDir": "/tmp", "env": [{"name": "FROM_CUSTOM", "value": "1"}]},
        copy=CopyOptions(name=f"eq-extras-{mode.value}"),
    )
    planned = plan(request, _pod(cluster, SLIM))
    assert planned.kubectl_custom_json is not None
    assert not any("cannot express" in note for note in planned.kubectl_notes)
    if mode is Mode.COPY:
        _check_copy(kubectl, cluster, request, tmp_path)
    else:
        _check_ephemeral(kubectl, cluster, request, tmp_path)
