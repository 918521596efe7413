"""Pre-flight checks for a debug session: pure functions over facts gathered beforehand (no I/O).

`tui.kube.debug_runner.gather_facts()` reads the cluster (pod, server version, namespace labels,
node OS, SelfSubjectAccessReviews, the server-side dry run of the exact request) into a
`PreflightFacts`; `run_checks(facts)` turns them into `Check`s, each saying what it found and
what to do about it:

    Check(name="Pod Security", verdict="fail",
          found='namespace "secure" enforces restricted:latest; the debug container would violate it: ...',
          todo="use --profile=restricted (the profile made for this level)")

Verdicts: `ok` (fine), `info` (worth knowing, nothing to do), `warn` (may not work as hoped),
`fail` (the creation would fail or make no sense: `ephemera debug` stops unless `--force`).

Also here, because they are pure: `api_flavor(version)` (which ephemeral container API a server
speaks), `image_user(image)` (the user a well-known image runs as), `reusable_container(pod,
request)` (a running debug container to attach to instead of adding another).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.debug.durable import is_durable
from tui.debug.planner import DebugPlan
from tui.debug.profiles import find_container
from tui.debug.request import DebugRequest, Mode, Profile
from tui.pods.security import evaluate, namespace_policy

Verdict = Literal["ok", "info", "warn", "fail"]
ApiFlavor = Literal["current", "legacy", "unsupported"]

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
NONROOT_UID = 65532  # distroless / chainguard "nonroot"

__all__ = [
    "AccessQuestion",
    "Check",
    "DryRunVerdict",
    "PreflightFacts",
    "access_questions",
    "access_unasked",
    "api_flavor",
    "dry_run_check",
    "failed",
    "image_os",
    "image_user",
    "kubelet_refusal",
    "parse_version",
    "psa_server_version",
    "reusable_container",
    "run_checks",
]


@dataclass(frozen=True)
class Check:
    """One pre-flight result: what was found and what to do (empty when nothing)."""

    name: str
    verdict: Verdict
    found: str
    todo: str = ""


@dataclass(frozen=True)
class AccessQuestion:
    """One SelfSubjectAccessReview: may I `verb` `resource`/`subresource`?"""

    verb: str
    resource: str
    subresource: str = ""
    required: bool = True  # False: the session works without it (e.g. reading logs)
    why: str = ""

    @property
    def label(self) -> str:
        resource = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        return f"{self.verb} {resource}"


@dataclass(frozen=True)
class DryRunVerdict:
    """The server's answer to the `?dryRun=All` of the exact request."""

    admitted: bool
    message: str = ""  # the server's message when refused, or why the dry run could not run
    status: int | None = None  # HTTP status of the refusal
    ran: bool = True  # False: the dry run could not be sent (the message says why)
    hint: str = ""  # what to do, as the error the refusal makes says (e.g. the fields a 422 names)


@dataclass
class PreflightFacts:
    """What the cluster told us; None means "could not find out" (the error text says why)."""

    request: DebugRequest
    pod: dict[str, Any] | None
    plan: DebugPlan | None = None
    plan_error: str = ""
    version: dict[str, Any] | None = None
    version_error: str = ""
    access: dict[AccessQuestion, bool | None] = field(default_factory=dict)
    access_error: str = ""
    namespace_labels: dict[str, str] | None = None
    namespace_error: str = ""
    node_os: str | None = None
    copy_name_taken: bool = False
    dry_run: DryRunVerdict | None = None


# --------------------------------------------------------------------------- version


def parse_version(version: Mapping[str, Any] | None) -> tuple[int, int] | None:
    """(major, minor) from `/version` (`"minor": "21+"` as some providers answer), else None."""
    if not version:
        return None
    try:
        major = int(re.sub(r"\D.*$", "", str(version.get("major", ""))) or "x")
        minor = int(re.sub(r"\D.*$", "", str(version.get("minor", ""))) or "x")
        return major, minor
    except ValueError:
        match = re.match(r"v?(\d+)\.(\d+)", str(version.get("gitVersion", "")))
        return (int(match.group(1)), int(match.group(2))) if match else None


def psa_server_version(version: Mapping[str, Any] | None) -> str | None:
    """The version whose Pod Security checks the server runs (`latest` and newer labels evaluate as
    it): `v1.N` from `/version`, `latest` (the newest checks known) past 1.x, None when unknown (the
    evaluator's default, `tui.pods.security.DEFAULT_SERVER_VERSION`)."""
    parsed = parse_version(version)
    if parsed is None:
        return None
    major, minor = parsed
    return f"v1.{minor}" if major == 1 else "latest"


def api_flavor(version: Mapping[str, Any] | None) -> ApiFlavor:
    """`current` (1.22+ or unknown: the subresource takes a Pod), `legacy` (1.16-1.21: kind
    EphemeralContainers) or `unsupported` (before 1.16: no ephemeral containers at all)."""
    parsed = parse_version(version)
    if parsed is None or parsed[0] > 1:
        return "current"
    minor = parsed[1]
    if minor >= 22:
        return "current"
    return "legacy" if minor >= 16 else "unsupported"


def _version_check(facts: PreflightFacts) -> Check:
    name = "server version"
    if facts.version is None:
        return Check(name, "warn", f"could not read /version: {facts.version_error or 'no answer'}",
                     "assuming a current server (1.25+); the dry run below tells for sure")
    text = str(facts.version.get("gitVersion") or "")
    parsed = parse_version(facts.version)
    if parsed is None:
        return Check(name, "warn", f"unrecognised version {text!r}", "assuming a current server (1.25+)")
    major, minor = parsed
    shown = text or f"v{major}.{minor}"
    if major > 1 or minor >= 25:
        return Check(name, "ok", f"{shown}: ephemeral containers are generally available (GA since 1.25)")
    if minor >= 23:
        return Check(name, "ok", f"{shown}: ephemeral containers are beta and on by default (1.23-1.24)")
    if minor == 22:
        return Check(name, "warn", f"{shown}: ephemeral containers are alpha in 1.22 (feature gate "
                     "EphemeralContainers, off by default)",
                     "if the dry run says they are disabled, ask the cluster admin or use --copy-to")
    if minor >= 16:
        return Check(name, "warn", f"{shown}: ephemeral containers are alpha here (1.16-1.21) and the "
                     "subresource takes the legacy EphemeralContainers kind",
                     "Ephemera uses the legacy API as kubectl does; the feature gate must be on, "
                     "else use --copy-to")
    return Check(name, "fail", f"{shown}: ephemeral containers do not exist before Kubernetes 1.16",
                 "use --copy-to (a copy of the pod with the debugger added), or upgrade the cluster")


# --------------------------------------------------------------------------- RBAC


def access_questions(request: DebugRequest, *, attach: bool = True) -> list[AccessQuestion]:
    """The SelfSubjectAccessReviews this request needs (as the reference facts list them)."""
    questions: list[AccessQuestion] = []
    if request.mode is Mode.COPY:
        questions.append(AccessQuestion("create", "pods", why="to create the copy"))
        if request.copy.replace:
            questions.append(AccessQuestion("delete", "pods", why="--replace deletes the original"))
    else:
        questions.append(AccessQuestion("patch", "pods", "ephemeralcontainers",
                                        why="to add an ephemeral container"))
    if request.durable:  # shells by exec into the keep-alive, never attach
        questions += [
            AccessQuestion("get", "pods", "exec", required=attach, why="to exec shells (the upgrade is a GET)"),
            AccessQuestion("create", "pods", "exec", required=attach, why="to exec shells (checked since 1.35)"),
        ]
    else:
        questions += [
            AccessQuestion("get", "pods", "attach", required=attach, why="to attach (the WebSocket upgrade is a GET)"),
            AccessQuestion("create", "pods", "attach", required=attach, why="to attach (checked since 1.35)"),
        ]
    questions += [
        AccessQuestion("get", "pods", "log", required=False, why="to read the debugger's output if it exits"),
    ]
    return questions


def access_unasked(access_error: str) -> list[Check]:
    """The RBAC check when no access review was answered: a warning naming why, if one was asked."""
    if access_error:
        return [Check("RBAC", "warn", f"could not ask the server (SelfSubjectAccessReview): {access_error}",
                      "the dry run below still shows whether the creation is allowed")]
    return []


def _access_checks(facts: PreflightFacts) -> list[Check]:
    name = "RBAC"
    if not facts.access:
        return access_unasked(facts.access_error)
    namespace = facts.request.namespace
    denied = [q for q, allowed in facts.access.items() if allowed is False]
    unknown = [q for q, allowed in facts.access.items() if allowed is None]
    checks: list[Check] = []
    for question in denied:
        verdict: Verdict = "fail" if question.required else "warn"
        checks.append(Check(
            name, verdict,
            f"you may not {question.label} in namespace {namespace!r} ({question.why})",
            f"ask for a Role granting {question.verb!r} on {question.label.split(' ', 1)[1]!r} in "
            f"{namespace!r} (check: kubectl auth can-i {question.label} -n {namespace})",
        ))
    if unknown:
        checks.append(Check(name, "warn", "could not check: " + ", ".join(q.label for q in unknown),
                            "the dry run below still shows whether the creation is allowed"))
    if not denied and not unknown:
        checks.append(Check(name, "ok", "allowed: " + ", ".join(q.label for q in facts.access)))
    return checks


# --------------------------------------------------------------------------- the pod


def _is_static(pod: dict[str, Any]) -> bool:
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return MIRROR_ANNOTATION in annotations


def static_pod_todo(facts: PreflightFacts) -> str:
    """What to do instead of an ephemeral container in a static pod (its kubelet runs it from a
    file on the node; the API server only holds its mirror): a copy, or the node itself."""
    node = ((facts.pod or {}).get("spec") or {}).get("nodeName") or "NODE"
    image = facts.request.image or "busybox"
    return (f"a static pod cannot get ephemeral containers: debug a copy of it (--copy-to), or its node "
            f"(kubectl debug node/{node} -it --image={image})")


def _pod_checks(facts: PreflightFacts) -> list[Check]:
    pod = facts.pod or {}
    request = facts.request
    name = (pod.get("metadata") or {}).get("name") or request.pod
    checks: list[Check] = []
    ephemeral = request.mode is not Mode.COPY
    if _is_static(pod):
        if ephemeral:
            checks.append(Check("static pod", "fail",
                                f"{name!r} is a static (mirror) pod: the API server refuses ephemeral "
                                "containers on it", static_pod_todo(facts)))
        else:
            checks.append(Check("static pod", "info",
                                f"{name!r} is a static (mirror) pod; its copy will be a normal pod"))
    else:
        checks.append(Check("static pod", "ok", "no (a mirror pod would refuse them)"))
    phase = (pod.get("status") or {}).get("phase") or "Unknown"
    deleting = bool((pod.get("metadata") or {}).get("deletionTimestamp"))
    if deleting and ephemeral:
        checks.append(Check("pod state", "fail", f"{name!r} is being deleted",
                            "pick another pod of the same workload"))
    elif phase in ("Succeeded", "Failed") and ephemeral:
        checks.append(Check("pod state", "fail",
                            f"{name!r} has finished (phase {phase}): no new container will start in it",
                            "use --copy-to to debug a fresh copy of it"))
    elif phase != "Running" and ephemeral:
        checks.append(Check("pod state", "warn", f"{name!r} is {phase}, not Running",
                            "the debug container starts once the pod runs; --copy-to makes a fresh copy"))
    else:
        checks.append(Check("pod state", "ok", f"{name!r} is {phase}"))
    return checks


def _container_state(pod: dict[str, Any], name: str) -> str | None:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for entry in status.get(key) or ():
            if entry.get("name") == name:
                state = entry.get("state") or {}
                return next(iter(state), None)
    return None


def _target_checks(facts: PreflightFacts) -> list[Check]:
    request = facts.request
    if request.mode is not Mode.TARGET or facts.pod is None:
        return []
    pod = facts.pod
    spec = pod.get("spec") or {}
    regular = [c.get("name") for c in spec.get("containers") or ()]
    init = [c.get("name") for c in spec.get("initContainers") or ()]
    ephemeral = [c.get("name") for c in spec.get("ephemeralContainers") or ()]
    target = request.target
    choices = ", ".join(n for n in regular if n) or "none"
    if target in ephemeral:
        return [Check("target", "fail", f"{target!r} is an ephemeral container: only regular and init "
                      "containers can be targeted", f"target one of: {choices}")]
    if target not in regular and target not in init:
        return [Check("target", "fail", f"the pod has no container {target!r}", f"target one of: {choices}")]
    state = _container_state(pod, str(target))
    if state != "running":
        return [Check("target", "warn", f"container {target!r} is {state or 'not started'}, not running: "
                      "there are no processes to see",
                      "target a running container, or use --copy-to to restart it in a copy")]
    return [Check("target", "ok", f"container {target!r} is running")]


WINDOWS_DEBUG_IMAGE = "mcr.microsoft.com/windows/nanoserver:ltsc2019"
OS_LABEL = "kubernetes.io/os"


def target_os(facts: PreflightFacts) -> str | None:
    """The OS the debugger will run on: the node's (its kubernetes.io/os label or nodeInfo, read by
    gather_facts), else what the pod asks for (spec.os.name, a kubernetes.io/os nodeSelector)."""
    spec = (facts.pod or {}).get("spec") or {}
    return (facts.node_os or ((spec.get("os") or {}).get("name"))
            or (spec.get("nodeSelector") or {}).get(OS_LABEL) or None)


def _windows_check(facts: PreflightFacts) -> list[Check]:
    pod = facts.pod or {}
    os_name = target_os(facts)
    node = (pod.get("spec") or {}).get("nodeName") or "the node"
    if os_name != "windows":
        if os_name is None or facts.request.mode is Mode.SHARED_NETWORK:
            return []  # shared network shares no PID namespace: nothing about the node to check
        return [Check("node", "ok", f"{node} runs {os_name}: PID namespaces can be shared")]
    request = facts.request
    if request.mode is Mode.SHARED_NETWORK:
        return [Check("Windows node", "ok", f"{node} runs Windows: shared network is the mode that works there "
                      "(no process namespace to share)")]
    what = "targeting a container" if request.mode is Mode.TARGET else "copy-and-share"
    return [Check("Windows node", "fail",
                  f"{node} runs Windows, which cannot share process namespaces: {what} shows nothing",
                  "use the shared-network mode (drop --target / --copy-to) with a Windows debug image "
                  f"(e.g. {WINDOWS_DEBUG_IMAGE})")]


# Microsoft's Windows base images, and tags naming a Windows variant (powershell:lts-nanoserver-1809...)
_WINDOWS_REPO = re.compile(r"^mcr\.microsoft\.com/windows(/|$)")
_WINDOWS_TAG = re.compile(r"(nanoserver|servercore|ltsc20\d\d|windows)")


def image_os(image: str | None) -> str | None:
    """The platform an image is built for, when it is well known: `windows` (Microsoft's Windows
    base images, tags naming nanoserver/servercore/ltsc20xx), `linux` (the Linux-only debug images
    of `image_user`'s table: busybox, alpine, netshoot, distroless...), else None (unknown: many
    images are multi-platform)."""
    if not image:
        return None
    repo, tag = _repository(image.lower())
    if _WINDOWS_REPO.match(repo) or _WINDOWS_TAG.search(tag):
        return "windows"
    return "linux" if image_user(image) is not None else None


def _debug_images(facts: PreflightFacts) -> list[str]:
    """The images the plan puts on the node: the debugger's, and a copy's --set-image ones."""
    request = facts.request
    plan = facts.plan
    images = [str(plan.container.get("image") or "")] if plan is not None and plan.container is not None \
        else [request.image or ""]
    if request.mode is Mode.COPY:
        images += list(request.copy.set_images.values())
    return [image for image in dict.fromkeys(images) if image]


def _image_os_checks(facts: PreflightFacts) -> list[Check]:
    """A Linux-only image cannot be pulled on a Windows node (no windows/amd64 manifest: the
    container ends in ErrImagePull), nor a Windows image on a Linux node."""
    node_os = target_os(facts)
    if node_os not in ("linux", "windows"):
        return []
    node = ((facts.pod or {}).get("spec") or {}).get("nodeName") or "the node"
    checks: list[Check] = []
    for image in _debug_images(facts):
        built_for = image_os(image)
        if built_for == node_os:
            if node_os == "windows":
                checks.append(Check("image OS", "ok", f"image {image!r} is a Windows image, as {node} needs"))
            continue
        if built_for is None:
            if node_os == "windows":
                checks.append(Check("image OS", "warn",
                                    f"{node} runs Windows and image {image!r} may be Linux-only",
                                    f"make sure it has a windows/amd64 variant, else it ends in ErrImagePull "
                                    f"(a Windows image: e.g. {WINDOWS_DEBUG_IMAGE})"))
            continue
        if node_os == "windows":
            checks.append(Check("image OS", "fail",
                                f"image {image!r} is Linux-only and {node} runs Windows: the kubelet cannot pull "
                                "it (no matching manifest for windows/amd64: ErrImagePull)",
                                f"pick a Windows image (e.g. {WINDOWS_DEBUG_IMAGE}; its tag must match the "
                                "node's Windows version), or debug a pod on a Linux node"))
        else:
            checks.append(Check("image OS", "fail",
                                f"image {image!r} is a Windows image and {node} runs {node_os}: the kubelet cannot "
                                f"pull it (no matching manifest for {node_os}/amd64: ErrImagePull)",
                                "pick a Linux image (e.g. busybox)"))
    return checks


# --------------------------------------------------------------------------- images and users

# The user well-known images run as (from their image configs). Anything else: unknown.
_NONROOT_TAG = re.compile(r"(^|[-_.])nonroot($|[-_.])")
_ROOT_IMAGES = ("busybox", "alpine", "ubuntu", "debian", "fedora", "centos", "rockylinux", "almalinux",
                "nicolaka/netshoot", "netshoot", "python", "node", "golang", "nginx", "redis", "postgres",
                "curlimages/curl-root", "registry.k8s.io/e2e-test-images/agnhost", "amazonlinux")


def _repository(image: str) -> tuple[str, str]:
    """(repository without a docker.io/library prefix, tag) of an image reference."""
    reference = image.split("@", 1)[0]
    repo, tag = reference, ""
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = reference.rsplit(":", 1)
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
            break
    if repo.startswith("library/"):
        repo = repo[len("library/"):]
    return repo, tag


def image_user(image: str | None) -> int | None:
    """The user `image` most likely runs as, from a small table of well-known images; None: unknown."""
    if not image:
        return None
    repo, tag = _repository(image)
    if _NONROOT_TAG.search(tag) or repo.endswith("/nonroot") or "nonroot" in repo.rsplit("/", 1)[-1]:
        return NONROOT_UID
    if repo.startswith("cgr.dev/chainguard/"):
        return 0 if tag.endswith("-dev") or tag == "latest-dev" else NONROOT_UID
    if repo.startswith("gcr.io/distroless/"):
        return 0
    if repo == "curlimages/curl":
        return 100
    if repo.endswith("/pause") or repo == "pause":
        return 65535
    if repo in _ROOT_IMAGES or repo.rsplit("/", 1)[-1] in ("busybox", "alpine", "netshoot"):
        return 0
    return None


def _effective(container: dict[str, Any], pod: dict[str, Any], key: str) -> Any:
    """A securityContext field as the kubelet sees it: the container's, else the pod's."""
    context = container.get("securityContext") or {}
    if key in context and context[key] is not None:
        return context[key]
    return ((pod.get("spec") or {}).get("securityContext") or {}).get(key)


def kubelet_refusal(container: dict[str, Any], pod: dict[str, Any]) -> str:
    """Why the kubelet would refuse to start `container` in `pod` although the API server admits
    it (CreateContainerConfigError), or "" (it starts, as far as the pod and the image's
    well-known user tell): root where runAsNonRoot is set. A clause: "the kubelet refuses it: ..."."""
    if not _effective(container, pod, "runAsNonRoot"):
        return ""
    run_as = _effective(container, pod, "runAsUser")
    if run_as is not None:
        return "runAsUser is 0 and runAsNonRoot is set (CreateContainerConfigError)" if int(run_as) == 0 else ""
    if image_user(str(container.get("image") or "")) == 0:
        image = container.get("image")
        return f"image {image!r} runs as root and runAsNonRoot is set (CreateContainerConfigError)"
    return ""


def _non_root_check(facts: PreflightFacts) -> list[Check]:
    plan = facts.plan
    if plan is None or plan.container is None or facts.pod is None:
        return []
    container = plan.container
    pod = plan.pod_copy if plan.pod_copy is not None else facts.pod
    if not _effective(container, pod, "runAsNonRoot"):
        return [Check("runAsNonRoot", "ok", "not required: any image user works")]
    run_as = _effective(container, pod, "runAsUser")
    name = container.get("name")
    if run_as is not None:
        if int(run_as) == 0:
            return [Check("runAsNonRoot", "fail",
                          f"container {name!r} must run as non-root but sets runAsUser: 0",
                          f"drop the runAsUser override or use --run-as-user={NONROOT_UID}")]
        return [Check("runAsNonRoot", "ok", f"runAsNonRoot with runAsUser {run_as}")]
    image = str(container.get("image") or "")
    user = image_user(image)
    where = "the profile" if _effective(container, {}, "runAsNonRoot") else "the pod"
    if user == 0:
        return [Check("runAsNonRoot", "fail",
                      f"{where} sets runAsNonRoot and image {image!r} likely runs as root: the kubelet "
                      "would refuse to start it (CreateContainerConfigError)",
                      f"add --run-as-user={NONROOT_UID} (or --custom with securityContext.runAsUser), "
                      "or a non-root image (e.g. cgr.dev/chainguard/busybox)")]
    if user is None:
        return [Check("runAsNonRoot", "warn",
                      f"{where} sets runAsNonRoot and the user of image {image!r} is unknown",
                      f"if the container ends in CreateContainerConfigError, add --run-as-user={NONROOT_UID}")]
    return [Check("runAsNonRoot", "ok", f"image {image!r} likely runs as user {user}")]


# --------------------------------------------------------------------------- Pod Security


def planned_pod(facts: PreflightFacts) -> dict[str, Any] | None:
    """The pod the server will evaluate: the pod with the debug container, or the copy."""
    plan = facts.plan
    if plan is None or facts.pod is None:
        return None
    if plan.pod_copy is not None:
        return plan.pod_copy
    if plan.container is None:
        return None
    pod = copy.deepcopy(facts.pod)
    pod.setdefault("spec", {}).setdefault("ephemeralContainers", []).append(copy.deepcopy(plan.container))
    return pod


_PROFILE_FOR_LEVEL = {"baseline": Profile.BASELINE, "restricted": Profile.RESTRICTED}


def _pod_security_check(facts: PreflightFacts) -> list[Check]:
    name = "Pod Security"
    namespace = facts.request.namespace
    if facts.namespace_labels is None:
        return [Check(name, "info", f"could not read namespace {namespace!r}"
                      + (f": {facts.namespace_error}" if facts.namespace_error else ""),
                      "the dry run below shows whether Pod Security admits the container")]
    policy = namespace_policy(facts.namespace_labels)
    if policy.level == "privileged":
        return [Check(name, "ok", f"namespace {namespace!r} enforces no Pod Security level")]
    pod = planned_pod(facts)
    if pod is None:
        return [Check(name, "info", f"namespace {namespace!r} enforces {policy}")]
    server = psa_server_version(facts.version)
    violations = evaluate(pod, policy, server_version=server)
    if not violations:
        return [Check(name, "ok", f"namespace {namespace!r} enforces {policy}; the debug container complies")]
    already = (evaluate(facts.pod or {}, policy, server_version=server)
               if facts.plan and facts.plan.pod_copy is None else [])
    found = f"namespace {namespace!r} enforces {policy}; it would refuse: " + ", ".join(violations)
    if already:
        todo = (f"the pod itself already violates {policy} ({already[0]}), e.g. through an earlier "
                "debug container: every addition is refused; debug a --copy-to instead")
    else:
        profile = _PROFILE_FOR_LEVEL.get(policy.level)
        todo = (f"use --profile={profile.value}" if profile and facts.request.profile is not profile
                else "drop the security overrides that break the policy")
        if facts.request.overrides.privileged:
            todo = "drop --privileged: " + todo
    return [Check(name, "fail", found, todo)]


# --------------------------------------------------------------------------- names, dry run


def _name_checks(facts: PreflightFacts) -> list[Check]:
    checks: list[Check] = []
    request = facts.request
    pod = facts.pod or {}
    if request.mode is not Mode.COPY and request.container_name:
        if find_container(pod, request.container_name) is not None:
            checks.append(Check("name", "fail",
                                f"the pod already has a container named {request.container_name!r}",
                                "pick another -c NAME or leave it out (debugger-xxxxx)"))
    if request.mode is Mode.COPY and facts.copy_name_taken:
        checks.append(Check("name", "fail",
                            f"a pod named {facts.plan.pod_name if facts.plan else request.copy.name!r} "
                            f"already exists in namespace {request.namespace!r}",
                            "pick another --copy-to NAME, or remove the old copy (ephemera cleanup)"))
    if not checks and facts.plan is not None:
        plan = facts.plan
        if request.mode is Mode.COPY:
            checks.append(Check("name", "ok", f"no pod named {plan.pod_name!r} in namespace {request.namespace!r} yet"))
        elif plan.container_name:
            checks.append(Check("name", "ok", f"{plan.container_name!r} is free in the pod"))
    return checks


def dry_run_check(verdict: DryRunVerdict | None, todo: Callable[[DryRunVerdict], str]) -> list[Check]:
    """The server dry run's check (none when it was not asked for); `todo` says what to do about a refusal."""
    if verdict is None:
        return []
    name = "server dry run"
    if not verdict.ran:
        return [Check(name, "warn", f"not run: {verdict.message}")]
    if verdict.admitted:
        return [Check(name, "ok", "admitted: the server accepts the exact request (nothing was created)")]
    code = f"{verdict.status}: " if verdict.status else ""
    return [Check(name, "fail", f"refused: {code}{verdict.message}", todo(verdict))]


def _dry_run_check(facts: PreflightFacts) -> list[Check]:
    return dry_run_check(facts.dry_run, lambda verdict: _dry_run_todo(verdict, facts))


def _dry_run_todo(verdict: DryRunVerdict, facts: PreflightFacts) -> str:
    message = verdict.message
    if "violates PodSecurity" in message:
        return "choose a profile the namespace's Pod Security level admits (see the Pod Security check)"
    if "static pods do not support ephemeral containers" in message:
        return static_pod_todo(facts)
    if verdict.status == 403:
        return "ask for the missing permission (see the RBAC check)"
    if verdict.status == 422:
        return verdict.hint or "the server names what is wrong in its message"
    if verdict.status == 409:
        return "the name is taken: pick another (-c NAME / --copy-to NAME)"
    if verdict.status == 404 and "ephemeral containers are disabled" in message:
        return "use --copy-to instead, or ask the cluster admin to enable ephemeral containers"
    if verdict.status == 404:
        return "check the pod name and namespace (is the pod gone?)"
    return "read the server's message above"


def _plan_checks(facts: PreflightFacts) -> list[Check]:
    if facts.plan_error:
        return [Check("plan", "fail", facts.plan_error, "fix the options")]
    plan = facts.plan
    if plan is None:
        return []
    return [Check("plan", "warn", warning, "") for warning in plan.warnings
            if "already has a container named" not in warning and "already exists" not in warning]


# --------------------------------------------------------------------------- reuse


def normalized_image(image: str | None) -> str:
    """An image reference as the runtime resolves it, to compare two spellings: `busybox`,
    `busybox:latest`, `docker.io/busybox` and `docker.io/library/busybox:latest` are one image.
    A digest stays as it is (a digest and a tag are different references)."""
    ref = (image or "").strip()
    if not ref:
        return ""
    name, at, digest = ref.partition("@")
    slash = name.rfind("/")
    if ":" not in name[slash + 1:]:
        name += ":latest" if not at else ""
    first, _, rest = name.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        name = f"docker.io/{name}"  # no registry: Docker Hub
    registry, _, path = name.partition("/")
    if registry in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        registry = "docker.io"
        if "/" not in path:
            path = f"library/{path}"
    return f"{registry}/{path}" + (f"@{digest}" if at else "")


def reusable_container(pod: dict[str, Any] | None, request: DebugRequest) -> str | None:
    """A running ephemeral container of the same image and mode with stdin (to attach to instead
    of adding another, since ephemeral containers can never be removed), or None. A durable
    request finds a durable debugger of that image and mode (shells by exec, no stdin needed);
    a plain one never offers a durable debugger (its main process is only the keep-alive)."""
    if pod is None or request.mode is Mode.COPY:
        return None
    spec = pod.get("spec") or {}
    for container in reversed(spec.get("ephemeralContainers") or []):
        if normalized_image(container.get("image")) != normalized_image(request.image):
            continue
        if is_durable(container) != request.durable or not (request.durable or container.get("stdin")):
            continue
        target = container.get("targetContainerName")
        wanted = request.target if request.mode is Mode.TARGET else None
        if (target or None) != wanted:
            continue
        if _container_state(pod, str(container.get("name"))) == "running":
            return str(container.get("name"))
    return None


def _reuse_check(facts: PreflightFacts) -> list[Check]:
    existing = reusable_container(facts.pod, facts.request)
    if existing is None:
        return []
    if facts.request.durable:
        return [Check("reuse", "info",
                      f"durable debugger {existing!r} ({facts.request.image}, same mode) is already running "
                      "in this pod; ephemeral containers can never be removed",
                      f"open a shell in it instead: pass --reuse (or kubectl exec -it {facts.request.pod} "
                      f"-c {existing} -n {facts.request.namespace} -- sh)")]
    return [Check("reuse", "info",
                  f"debug container {existing!r} ({facts.request.image}, same mode) is already running "
                  "in this pod; ephemeral containers can never be removed",
                  f"attach to it instead: pass --reuse (or kubectl attach -it {facts.request.pod} "
                  f"-c {existing} -n {facts.request.namespace})")]


# --------------------------------------------------------------------------- all


def run_checks(facts: PreflightFacts) -> list[Check]:
    """Every check, in the order the user reads them."""
    if facts.pod is None:
        return [Check("pod", "fail", f"pod {facts.request.pod!r} was not read", "check the name and namespace")]
    return [
        _version_check(facts),
        *_access_checks(facts),
        *_pod_checks(facts),
        *_target_checks(facts),
        *_windows_check(facts),
        *_image_os_checks(facts),
        *_non_root_check(facts),
        *_pod_security_check(facts),
        *_name_checks(facts),
        *_plan_checks(facts),
        *_reuse_check(facts),
        *_dry_run_check(facts),
    ]


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.verdict == "fail"]
