"""`plan(request, pod) -> DebugPlan`: the exact HTTP requests for a debug session (no I/O).

Ephemeral modes (shared network, target) build the container as `kubectl debug` does
(name, image, `resources: {}`, `terminationMessagePolicy: File`, stdin/tty, targetContainerName,
env, imagePullPolicy, command or args), apply the profile, then Ephemera's security overrides,
mounts and target-filesystem command, then the custom spec last. The request is kubectl's:
`PATCH /api/v1/namespaces/NS/pods/POD/ephemeralcontainers` with a strategic merge patch equal to
kubectl's two-way patch between the pod and the pod with the container appended:
`{"spec": {"$setElementOrder/ephemeralContainers": [{"name": ...} for every one],
"ephemeralContainers": [<the new one>]}}` (no directive for a pod's first one). With `api="legacy"` (1.16-1.21 servers) it is kubectl's
fallback instead (see `tui.debug.legacy`).

Copy mode builds the copy as `kubectl debug --copy-to --share-processes` does (spec deep-copied,
no ephemeral containers, nodeName kept only with same_node, set-image, the debugger appended, or
the container named by `container_name` changed), applies the profile and the extras, and then
marks it as Ephemera's: label `app.kubernetes.io/managed-by: ephemera`, annotations
`ephemera.dev/source-pod: NS/NAME` and `ephemera.dev/created-at`, `shareProcessNamespace: true`.
Requests: `POST /api/v1/namespaces/NS/pods`, plus `DELETE` of the original with `replace`.

`DebugPlan` also carries the equivalent `kubectl debug` argv (`kubectl_command`, with the
`--custom` JSON for what kubectl has no flag for), `warnings` for the user, the messages kubectl
would print, and whether the UI must ask for confirmation (root on the node, see
`tui.debug.confirmation`; replace).
Invalid requests raise `PlanError`.

`durable` (`tui.debug.durable`): the debugger's command is the keep-alive, without stdin or tty
(kubectl's `--attach=false` shape: nothing attaches to it); `DebugPlan.durable` says so and
`DebugPlan.shell_command` is what each shell execs (the target filesystem helper's script with
`target_fs`, else None: the session's shell fallback, bash then sh). The kubectl equivalent is the
same `kubectl debug` with `-- sh -c '<keep-alive>'`, and a note gives the `kubectl exec` for shells.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from tui.debug.confirmation import root_equivalent_reasons
from tui.debug.custom import ignored_fields_warning, merge_custom
from tui.debug.durable import KEEPALIVE_COMMAND, exec_hint, image_warning
from tui.debug.errors import PlanError
from tui.debug.kubectl_command import CUSTOM_FILE, build_kubectl_command
from tui.debug.legacy import legacy_requests
from tui.debug.names import container_names, copy_pod_name, debug_container_name
from tui.debug.overrides import apply_mounts, apply_security_overrides, mount_dict
from tui.debug.planned_request import (
    JSON,
    STRATEGIC_MERGE_PATCH,
    PlannedRequest,
    PlannedRequests,
    pod_path,
)
from tui.debug.profiles import apply_profile, find_container
from tui.debug.request import PULL_POLICIES, DebugRequest, Mode, Profile, SecurityOverrides
from tui.debug.target_fs import MARKER_ENV, TargetFsHelper, copy_mode_helper, target_mode_helper
from tui.k8s_names import name_problem

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "ephemera"
SOURCE_POD_ANNOTATION = "ephemera.dev/source-pod"
CREATED_AT_ANNOTATION = "ephemera.dev/created-at"

ApiFlavor = Literal["current", "legacy"]


@dataclass
class DebugPlan(PlannedRequests):
    """Everything needed to create the debug container, show it, and say what kubectl would do."""

    request: DebugRequest
    namespace: str
    pod_name: str  # the pod that holds the debug container (the copy in copy mode)
    container_name: str  # "" for a copy that only changes images
    container: dict[str, Any] | None  # the debug container as sent
    requests: list[PlannedRequest]
    kubectl_command: list[str]
    kubectl_custom_json: str | None = None  # content of the --custom file, when needed
    kubectl_notes: list[str] = field(default_factory=list)  # where kubectl would differ
    warnings: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # what kubectl prints while debugging
    confirmation_reasons: list[str] = field(default_factory=list)
    pod_copy: dict[str, Any] | None = None
    target_fs: TargetFsHelper | None = None
    api: ApiFlavor = "current"
    durable: bool = False  # keep-alive main process: shells by exec (`shell_command`), never attach
    shell_command: list[str] | None = None  # durable: what a shell execs (None: bash, else sh)


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def name_problems(request: DebugRequest) -> list[str]:
    """The names in `request` that no API server would take (`tui.k8s_names`): the namespace and
    pod (they go into the request path), the debugger's name, the target and the copy's name."""
    names = [("namespace", "namespace", request.namespace), ("pod", "pod", request.pod),
             ("container", "debug container", request.container_name),
             ("container", "target container", request.target if request.mode == Mode.TARGET else None),
             ("pod", "copy", request.copy.name if request.mode == Mode.COPY else None)]
    problems = []
    for kind, what, value in names:
        problem = name_problem(kind, value) if value is not None else None
        if problem:
            problems.append(f"{what}: {problem}")
    return problems


def _validate(request: DebugRequest) -> None:
    problems = name_problems(request)
    if problems:
        raise PlanError("; ".join(problems))
    if request.image_pull_policy and request.image_pull_policy not in PULL_POLICIES:
        raise PlanError(f"invalid image pull policy: {request.image_pull_policy}")
    if request.tty and not request.stdin:
        raise PlanError("-i/--stdin is required for containers with -t/--tty=true")
    if request.mode is Mode.COPY:
        options = request.copy
        if not request.image and not options.set_images and not request.command:
            raise PlanError("you must specify --image, --set-image or command arguments.")
        if request.command and not request.container_name and not request.image:
            raise PlanError("you must specify an existing container or a new image when specifying args.")
        if request.target:
            raise PlanError("--target is incompatible with --copy-to. Use --share-processes instead.")
    else:
        if not request.image:
            raise PlanError("you must specify --image when not using --copy-to.")
        if request.mode is Mode.TARGET and not request.target:
            raise PlanError("target mode needs a target container")
        if request.mode is Mode.SHARED_NETWORK and request.target:
            raise PlanError("a target container is only used in target mode")
    if request.target_fs:
        if request.command:
            raise PlanError(
                "the target filesystem helper sets the command itself: leave the command empty"
            )
        if request.mode is Mode.SHARED_NETWORK:
            raise PlanError(
                "the target filesystem helper needs a shared PID namespace: use target or copy mode"
            )
    if request.durable:
        if request.command:
            raise PlanError("a durable debugger runs its own keep-alive: leave the command empty "
                            "(shells come by exec)")
        if not request.image:
            raise PlanError("a durable debugger needs --image (an image with sh and sleep)")


def _env_list(request: DebugRequest) -> list[dict[str, str]]:
    return [{"name": key, "value": value} for key, value in request.env]


def _new_ephemeral_container(request: DebugRequest, name: str) -> dict[str, Any]:
    """The container kubectl's generateDebugContainer builds, as Go marshals it."""
    container: dict[str, Any] = {
        "name": name,
        "image": request.image,
        "resources": {},
        "terminationMessagePolicy": "File",
    }
    if request.env:
        container["env"] = _env_list(request)
    if request.image_pull_policy:
        container["imagePullPolicy"] = request.image_pull_policy
    if request.stdin:
        container["stdin"] = True
    if request.tty:
        container["tty"] = True
    if request.mode is Mode.TARGET and request.target:
        container["targetContainerName"] = request.target
    if request.command:
        container["args" if request.args_only else "command"] = list(request.command)
    return container


@dataclass
class _Extras:
    """Ephemera's additions, kept apart so the kubectl equivalent can be checked."""

    overrides: SecurityOverrides
    mounts: tuple[Any, ...]
    target_fs: TargetFsHelper | None
    custom: dict[str, Any] | None
    durable: bool = False  # the target-fs script is the shells' command, not the container's


def _finish_container(
    pod: dict[str, Any], name: str, extras: _Extras, *, ephemeral: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Overrides, mounts and the target-fs command on the container, then the custom spec last.

    Returns (final container, the container before the custom spec); the container inside
    `pod` is updated in place.
    """
    container = find_container(pod, name)
    if container is None:
        raise PlanError(f"container {name!r} not found in the planned pod")
    apply_security_overrides(container, extras.overrides)
    apply_mounts(container, extras.mounts, pod, ephemeral=ephemeral)
    if extras.target_fs is not None and not extras.durable:
        container["command"] = list(extras.target_fs.command)
        container.pop("args", None)
    before_custom = copy.deepcopy(container)
    if extras.custom:
        merged = merge_custom(container, extras.custom)
        container.clear()
        container.update(merged)
    return container, before_custom


def _kubectl_custom(request: DebugRequest, container: dict[str, Any], before_custom: dict[str, Any]) -> dict[str, Any] | None:
    """The `--custom` content that makes kubectl build the same container."""
    custom: dict[str, Any] = {}
    if not request.overrides.is_empty and "securityContext" in before_custom:
        custom["securityContext"] = copy.deepcopy(before_custom["securityContext"])
    if request.mounts:
        custom["volumeMounts"] = [mount_dict(m) for m in request.mounts]
    if request.custom:
        custom = merge_custom(custom, request.custom)
    return custom or None


def _warn_non_root_pod(pod: dict[str, Any], container: dict[str, Any], warnings: list[str]) -> None:
    """kubectl's displayWarning: capabilities granted to a debugger in a non-root pod."""
    pod_user = ((pod.get("spec") or {}).get("securityContext") or {}).get("runAsUser")
    context = container.get("securityContext")
    if not pod_user or context is None or context.get("runAsUser") == 0:
        return
    if context.get("privileged") or (context.get("capabilities") or {}).get("add"):
        warnings.append(
            "Non-root user is configured for the entire target Pod, and some capabilities "
            "granted by debug profile may not work. Please consider using \"--custom\" with a "
            "custom profile that specifies \"securityContext.runAsUser: 0\"."
        )


def _confirmations(request: DebugRequest, planned_pod: dict[str, Any], container: dict[str, Any] | None) -> list[str]:
    """What the user must confirm: root on the node (`tui.debug.confirmation`, the one rule for
    the form, the CLI and every other way to create) and the deletion of `--replace`."""
    reasons = root_equivalent_reasons(planned_pod, container, copy=request.mode is Mode.COPY)
    if request.mode is Mode.COPY and request.copy.replace:
        reasons.append(f"the original pod {request.pod!r} will be deleted")
    return reasons


def _target_fs_warnings(container: dict[str, Any], pod: dict[str, Any], warnings: list[str]) -> None:
    context = container.get("securityContext") or {}
    caps = (context.get("capabilities") or {}).get("add") or []
    if context.get("privileged") or "SYS_PTRACE" in caps:
        return
    warnings.append(
        "the target filesystem helper reads /proc/<pid>/root, which needs the target's user or "
        "SYS_PTRACE; this debugger has neither granted explicitly (profile general adds it)"
    )


def plan(
    request: DebugRequest,
    pod: dict[str, Any],
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
    existing_pod_names: Collection[str] = (),
    api: ApiFlavor = "current",
    include_namespace: bool = True,
    custom_file: str = CUSTOM_FILE,
) -> DebugPlan:
    """Plan `request` against `pod` (the pod as the API returns it, plain JSON).

    `existing_pod_names`: pod names in the namespace, so a generated copy name does not collide;
    `api="legacy"`: plan for a 1.16-1.21 server; `now`: the copy's creation-time annotation.
    """
    _validate(request)
    request = replace(request, profile=Profile(request.profile), mode=Mode(request.mode))
    if request.durable:  # the keep-alive, nothing attaches to it (kubectl's --attach=false shape)
        request = replace(request, command=KEEPALIVE_COMMAND, args_only=False, stdin=False, tty=False)
    if request.mode is Mode.COPY:
        result = _plan_copy(
            request, pod, now=now, rng=rng, existing_pod_names=existing_pod_names,
            include_namespace=include_namespace, custom_file=custom_file,
        )
    else:
        result = _plan_ephemeral(
            request, pod, rng=rng, api=api, include_namespace=include_namespace, custom_file=custom_file
        )
    ignored = ignored_fields_warning(request.custom)  # merge_custom left them out
    if ignored:
        result.warnings.insert(0, ignored)
    return result


def _extras_for(request: DebugRequest, target_fs: TargetFsHelper | None) -> _Extras:
    return _Extras(request.overrides, request.mounts, target_fs, request.custom, request.durable)


def _durable_parts(request: DebugRequest, target_fs: TargetFsHelper | None, namespace: str, pod_name: str,
                   container_name: str, notes: list[str], warnings: list[str]) -> list[str] | None:
    """Notes and warnings of a durable plan; the shells' exec command (None: bash, else sh)."""
    if not request.durable:
        return None
    shell = list(target_fs.command) if target_fs is not None else None
    notes.append(
        "durable debugger (Ephemera's choice, not kubectl's default of attaching to the main process): "
        "the command above only keeps it alive; open shells with "
        f"`{exec_hint(namespace, pod_name, container_name, shell or ('sh',))}`"
    )
    warning = image_warning(request.image)
    if warning:
        warnings.append(warning)
    return shell


def _build_ephemeral(
    request: DebugRequest, pod: dict[str, Any], name: str, extras: _Extras
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(pod with the container appended, final container, container before the custom spec)."""
    debug_pod = copy.deepcopy(pod)
    spec = debug_pod.setdefault("spec", {})
    spec.setdefault("ephemeralContainers", []).append(_new_ephemeral_container(request, name))
    apply_profile(request.profile, debug_pod, name, "ephemeral")
    container, before_custom = _finish_container(debug_pod, name, extras, ephemeral=True)
    return debug_pod, container, before_custom


def _plan_ephemeral(
    request: DebugRequest,
    pod: dict[str, Any],
    *,
    rng: random.Random | None,
    api: ApiFlavor,
    include_namespace: bool,
    custom_file: str,
) -> DebugPlan:
    warnings: list[str] = []
    messages: list[str] = []
    pod_name = (pod.get("metadata") or {}).get("name") or request.pod
    namespace = (pod.get("metadata") or {}).get("namespace") or request.namespace
    if request.container_name:
        name = request.container_name
        if name in container_names(pod):
            warnings.append(
                f"pod {pod_name!r} already has a container named {name!r}: the server will refuse "
                "a duplicate name (ephemeral containers can never be removed)"
            )
    else:
        name = debug_container_name(pod, rng)
        messages.append(f"Defaulting debug container name to {name}.")
    if request.mode is Mode.TARGET:
        spec = pod.get("spec") or {}
        regular = {c.get("name") for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])}
        if request.target not in regular:
            warnings.append(
                f"pod {pod_name!r} has no container {request.target!r} to target "
                f"(containers: {', '.join(sorted(n for n in regular if n)) or 'none'})"
            )
        messages.append(
            f'Targeting container "{request.target}". If you don\'t see processes from this '
            "container it may be because the container runtime doesn't support this feature."
        )
    target_fs = target_mode_helper() if request.target_fs else None
    extras = _extras_for(request, target_fs)
    debug_pod, container, before_custom = _build_ephemeral(request, pod, name, extras)

    if api == "legacy":
        requests = legacy_requests(namespace, pod_name, container)
    else:
        requests = [
            PlannedRequest(
                method="PATCH",
                path=pod_path(namespace, pod_name, "ephemeralcontainers"),
                content_type=STRATEGIC_MERGE_PATCH,
                body={"spec": _ephemeral_patch_spec(pod, debug_pod, container)},
                description=f"add ephemeral container {name!r} to pod {pod_name!r}",
            )
        ]

    kubectl = _kubectl_equivalent(
        request, container=container, before_custom=before_custom,
        target_fs=None if request.durable else target_fs,
        container_name=name, copy_name=None, include_namespace=include_namespace,
        custom_file=custom_file,
        rebuild=lambda r: _build_ephemeral(r, pod, name, _extras_for(r, None))[1],
    )
    _warn_non_root_pod(pod, container, warnings)
    if target_fs is not None:
        _target_fs_warnings(container, pod, warnings)
    shell = _durable_parts(request, target_fs, namespace, pod_name, name, kubectl.notes, warnings)
    if api == "legacy":
        warnings.append(
            "this server predates Kubernetes 1.22: using the legacy EphemeralContainers API, "
            "as kubectl does"
        )
    return DebugPlan(
        request=request,
        namespace=namespace,
        pod_name=pod_name,
        container_name=name,
        container=container,
        requests=requests,
        kubectl_command=kubectl.argv,
        kubectl_custom_json=kubectl.custom_json,
        kubectl_notes=kubectl.notes,
        warnings=warnings,
        messages=messages,
        confirmation_reasons=_confirmations(request, debug_pod, container),
        target_fs=target_fs,
        api=api,
        durable=request.durable,
        shell_command=shell,
    )


def _ephemeral_patch_spec(
    pod: dict[str, Any], debug_pod: dict[str, Any], container: dict[str, Any]
) -> dict[str, Any]:
    """The `spec` of kubectl's two-way strategic merge patch.

    A pod without ephemeral containers has no such key (Go omits the empty list), so the diff
    just adds the list: no `$setElementOrder` directive. Otherwise the directive lists every
    name in order, then the new container (what kubectl 1.32 sends, checked with `-v=9`).
    """
    if not (pod.get("spec") or {}).get("ephemeralContainers"):
        return {"ephemeralContainers": [container]}
    order = [{"name": c.get("name")} for c in debug_pod["spec"]["ephemeralContainers"]]
    return {"$setElementOrder/ephemeralContainers": order, "ephemeralContainers": [container]}


@dataclass
class _KubectlEquivalent:
    argv: list[str]
    custom_json: str | None
    notes: list[str]


def _kubectl_equivalent(
    request: DebugRequest,
    *,
    container: dict[str, Any] | None,
    before_custom: dict[str, Any] | None,
    target_fs: TargetFsHelper | None,
    container_name: str,
    copy_name: str | None,
    include_namespace: bool,
    custom_file: str,
    rebuild: Callable[[DebugRequest], dict[str, Any] | None],
) -> _KubectlEquivalent:
    """The kubectl argv, its --custom file, and notes on where kubectl would differ.

    `rebuild(kubectl_request)` builds the container the way kubectl would (profile, then
    --custom, no Ephemera extras), to check that the --custom file really expresses them.
    """
    custom = (
        _kubectl_custom(request, container, before_custom)
        if container is not None and before_custom is not None
        else None
    )
    argv = build_kubectl_command(
        request,
        container_name=container_name or None,
        copy_name=copy_name,
        custom_file=custom_file if custom else None,
        command=target_fs.command if target_fs else None,
        include_namespace=include_namespace,
    )
    notes: list[str] = []
    if custom:
        notes.append(
            f"kubectl debug has no flag for {_extra_names(request)}: they go in "
            f"--custom={custom_file} (the file's JSON is shown with the command)"
        )
        kubectl_request = replace(
            request, overrides=SecurityOverrides(), mounts=(), custom=custom, target_fs=False,
            command=tuple(target_fs.command) if target_fs else request.command,
            args_only=False if target_fs else request.args_only,
        )
        if rebuild(kubectl_request) != container:
            notes.append("kubectl's --custom cannot express these settings exactly; the container differs")
    return _KubectlEquivalent(argv, json.dumps(custom, indent=2) if custom else None, notes)


def _extra_names(request: DebugRequest) -> str:
    names = []
    if not request.overrides.is_empty:
        names.append("security overrides")
    if request.mounts:
        names.append("volume mounts")
    if request.custom:
        names.append("the custom spec")
    return " and ".join(names) or "these settings"


def _set_flag(container: dict[str, Any], key: str, value: bool) -> None:
    if value:
        container[key] = True
    else:
        container.pop(key, None)


def _build_copy(
    request: DebugRequest,
    pod: dict[str, Any],
    copy_name: str,
    rng: random.Random | None,
    extras: _Extras,
    fixed_name: str | None = None,
) -> tuple[dict[str, Any], str, dict[str, Any] | None, dict[str, Any] | None, bool]:
    """(copy, debug container name, final container, container before custom, generated name?)."""
    metadata = pod.get("metadata") or {}
    copied_metadata: dict[str, Any] = {
        "name": copy_name,
        "namespace": metadata.get("namespace") or request.namespace,
    }
    if metadata.get("labels"):
        copied_metadata["labels"] = copy.deepcopy(metadata["labels"])
    if metadata.get("annotations"):
        copied_metadata["annotations"] = copy.deepcopy(metadata["annotations"])
    spec = copy.deepcopy(pod.get("spec") or {})
    spec.pop("ephemeralContainers", None)
    spec["shareProcessNamespace"] = True  # kubectl --share-processes, given explicitly
    if not request.copy.same_node:
        spec.pop("nodeName", None)
    copied = {"apiVersion": "v1", "kind": "Pod", "metadata": copied_metadata, "spec": spec}

    set_images = request.copy.set_images
    for container in spec.get("containers") or ():
        image = set_images.get(container.get("name"), set_images.get("*", ""))
        if image:
            container["image"] = image

    generated = False
    name = request.container_name or ""
    target = find_container(copied, name) if name else None
    if target is None:
        if not request.image:
            return copied, "", None, None, False  # a --set-image only copy: no profile either
        if not name:
            name = fixed_name or debug_container_name(copied, rng)
            generated = True
        target = {"name": name, "resources": {}, "terminationMessagePolicy": "File"}
        spec.setdefault("containers", []).append(target)
    if request.command:
        if request.args_only:
            target["args"] = list(request.command)
        else:
            target["command"] = list(request.command)
            target.pop("args", None)
    if request.env:
        target["env"] = _env_list(request)
    if request.image:
        target["image"] = request.image
    if request.image_pull_policy:
        target["imagePullPolicy"] = request.image_pull_policy
    _set_flag(target, "stdin", request.stdin)
    _set_flag(target, "tty", request.tty)

    apply_profile(request.profile, copied, name, "copy", request.copy.keep)
    if extras.target_fs is not None and extras.target_fs.marker_container:
        marked = find_container(copied, extras.target_fs.marker_container)
        if marked is not None:
            env = marked.setdefault("env", [])
            env.append({"name": MARKER_ENV, "value": extras.target_fs.marker_container})
    container, before_custom = _finish_container(copied, name, extras, ephemeral=False)
    return copied, name, container, before_custom, generated


def _mark_as_ephemera(copied: dict[str, Any], request: DebugRequest, now: datetime) -> None:
    metadata = copied["metadata"]
    metadata.setdefault("labels", {})[MANAGED_BY_LABEL] = MANAGED_BY_VALUE
    annotations = metadata.setdefault("annotations", {})
    annotations[SOURCE_POD_ANNOTATION] = f"{request.namespace}/{request.pod}"
    annotations[CREATED_AT_ANNOTATION] = _rfc3339(now)
    copied["spec"]["shareProcessNamespace"] = True  # always, whatever the profile


def _plan_copy(
    request: DebugRequest,
    pod: dict[str, Any],
    *,
    now: datetime | None,
    rng: random.Random | None,
    existing_pod_names: Collection[str],
    include_namespace: bool,
    custom_file: str,
) -> DebugPlan:
    warnings: list[str] = []
    messages: list[str] = []
    metadata = pod.get("metadata") or {}
    pod_name = metadata.get("name") or request.pod
    namespace = metadata.get("namespace") or request.namespace
    request = replace(request, pod=pod_name, namespace=namespace)
    taken = set(existing_pod_names) | {pod_name}
    if request.copy.name:
        copy_name = request.copy.name
        if copy_name in taken:
            warnings.append(f"a pod named {copy_name!r} already exists in namespace {namespace!r}")
    else:
        copy_name = copy_pod_name(pod_name, taken, rng)
    spec = pod.get("spec") or {}
    target_fs: TargetFsHelper | None = None
    if request.target_fs:
        regular = [c.get("name") for c in spec.get("containers") or []]
        chosen = request.target_fs_container or (regular[0] if regular else None)
        if chosen not in regular or chosen is None:
            raise PlanError(f"pod {pod_name!r} has no container {chosen!r} for the target filesystem")
        target_fs = copy_mode_helper(chosen)
    extras = _extras_for(request, target_fs)
    copied, name, container, before_custom, generated = _build_copy(
        request, pod, copy_name, rng, extras
    )
    if generated:
        messages.append(f"Defaulting debug container name to {name}.")
    _mark_as_ephemera(copied, request, now or datetime.now(UTC))

    requests = [
        PlannedRequest(
            method="POST",
            path=pod_path(namespace),
            content_type=JSON,
            body=copied,
            description=f"create pod {copy_name!r}, a copy of {pod_name!r}",
        )
    ]
    if request.copy.replace:
        requests.append(
            PlannedRequest(
                method="DELETE",
                path=pod_path(namespace, pod_name),
                content_type=JSON,
                body={"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0},
                description=f"delete the original pod {pod_name!r}",
            )
        )

    kubectl = _kubectl_equivalent(
        request, container=container, before_custom=before_custom,
        target_fs=None if request.durable else target_fs,
        container_name=name, copy_name=copy_name, include_namespace=include_namespace,
        custom_file=custom_file,
        rebuild=lambda r: _build_copy(r, pod, copy_name, rng, _extras_for(r, None), fixed_name=name)[2],
    )
    notes = [
        "kubectl debug does not add Ephemera's label and annotations: `ephemera cleanup` would "
        "not list its copy",
        *kubectl.notes,
    ]
    if target_fs is not None:
        notes.append(
            f"kubectl cannot add {MARKER_ENV} to container {target_fs.marker_container!r}: "
            "the helper would not find its processes"
        )
    if container is not None:
        _warn_non_root_pod(copied, container, warnings)
        if target_fs is not None:
            _target_fs_warnings(container, copied, warnings)
    shell = _durable_parts(request, target_fs, namespace, copy_name, name, notes, warnings)
    return DebugPlan(
        request=request,
        namespace=namespace,
        pod_name=copy_name,
        container_name=name,
        container=container,
        requests=requests,
        kubectl_command=kubectl.argv,
        kubectl_custom_json=kubectl.custom_json,
        kubectl_notes=notes,
        warnings=warnings,
        messages=messages,
        confirmation_reasons=_confirmations(request, copied, container),
        pod_copy=copied,
        target_fs=target_fs,
        durable=request.durable,
        shell_command=shell,
    )
