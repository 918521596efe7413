"""Running a debug plan against a cluster (blocking I/O on plain JSON; no Textual).

    facts = gather_facts(conn, request)          # pod, /version, namespace labels, node OS,
                                                 # SelfSubjectAccessReviews, the dry run verdict
    checks = preflight.run_checks(facts)         # tui.debug.preflight (pure)
    result = execute(conn, facts.plan, facts.pod)  # send the exact requests
    outcome = wait_for_container(conn, ns, result.pod_name, result.container, on_waiting=print)

Also: `fetch_pod`, `read_pod_for_plan` (the only read `--dry-run` needs), `plan_for_cluster`
(legacy API for 1.16-1.21 servers), `run_policy_audit` (dry runs of `tui.debug.policy_audit`),
`list_copies` / `delete_copy` (pods labelled `app.kubernetes.io/managed-by=ephemera`: copies, and
node debug pods, whose source is `node/NAME`).
Every request goes through tui.kube.requests; every error is a `ClusterError` (server message +
one-line fix).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from tui.audit_log import COPY_DELETED, AuditLog
from tui.debug import planner as planning
from tui.debug.errors import PlanError
from tui.debug.legacy import is_legacy_response, legacy_requests
from tui.debug.node import NODE_DEBUG_LABEL
from tui.debug.planned_request import JSON, PlannedRequest, pod_path
from tui.debug.planner import DebugPlan, plan
from tui.debug.policy_audit import AuditRow, audit_row, audit_variants
from tui.debug.preflight import DryRunVerdict, PreflightFacts, access_questions, api_flavor
from tui.debug.request import DebugRequest, Mode
from tui.kube import change_audit
from tui.kube.errors import ClusterError
from tui.kube.preflight_reads import ask_access, message_of, namespace_labels, server_version
from tui.kube.requests import WATCH_GRACE, Answer, get_json, open_response, send, send_planned, watch_timeout
from tui.pods.facts import operating_system_of
from tui.pods.status import format_age, pod_status_reason

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection

__all__ = [
    "IMAGE_PULL_REASONS",
    "MANAGED_SELECTOR",
    "STUCK_REASONS",
    "ContainerOutcome",
    "CopyInfo",
    "Execution",
    "delete_copy",
    "describe_image_problem",
    "execute",
    "fetch_pod",
    "gather_facts",
    "list_copies",
    "plan_for_cluster",
    "run_policy_audit",
    "wait_for_container",
]

MANAGED_SELECTOR = f"{planning.MANAGED_BY_LABEL}={planning.MANAGED_BY_VALUE}"
# Waiting reasons that will not fix themselves: stop waiting and report.
STUCK_REASONS = frozenset({"ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName",
                           "CreateContainerConfigError", "CreateContainerError"})
IMAGE_PULL_REASONS = frozenset({"ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"})


# --------------------------------------------------------------------------- HTTP


# --------------------------------------------------------------------------- reading


def fetch_pod(conn: ClusterConnection, namespace: str, name: str) -> dict[str, Any]:
    """The pod as plain JSON; ClusterError (e.g. `pods "x" not found`) otherwise."""
    return dict(get_json(conn, pod_path(namespace, name)))


def plan_for_cluster(conn: ClusterConnection, request: DebugRequest, pod: dict[str, Any],
                     version: dict[str, Any] | None = None, **options: Any) -> DebugPlan:
    """`plan()` with the API flavour the server speaks (legacy for 1.16-1.21)."""
    flavor = api_flavor(version)
    return plan(request, pod, api="legacy" if flavor == "legacy" else "current", **options)


def _node_os(conn: ClusterConnection, pod: dict[str, Any]) -> str | None:
    node = (pod.get("spec") or {}).get("nodeName")
    if not node:
        return None
    try:
        obj = get_json(conn, f"/api/v1/nodes/{quote(node, safe='')}")
    except ClusterError:
        return None  # nodes are cluster-scoped: many users may not read them
    return operating_system_of(obj) or None


DISABLED_MESSAGE = "ephemeral containers are disabled for this cluster"
DISABLED_HINT = ("use the copy mode (--copy-to) instead, or ask the cluster admin to enable ephemeral "
                 "containers (on by default since Kubernetes 1.23)")


def _feature_disabled(request: PlannedRequest, answer: Answer) -> bool:
    """kubectl's test: a 404 on the ephemeralcontainers subresource that names no pod means the
    server does not serve it (feature gate off), not that the pod is gone."""
    if answer.status != 404 or not request.path.rstrip("/").endswith("/ephemeralcontainers"):
        return False
    details = (answer.body.get("details") or {}) if isinstance(answer.body, dict) else {}
    return not details.get("name")


def dry_run(conn: ClusterConnection, debug_plan: DebugPlan) -> DryRunVerdict:
    """Send the plan's mutating requests with `?dryRun=All`; the first refusal is the verdict."""
    for request in debug_plan.dry_run_requests():
        try:
            answer = send_planned(conn, request)
        except ClusterError as exc:
            return DryRunVerdict(False, exc.message, ran=False)
        if not answer.ok:
            if _feature_disabled(request, answer):
                return DryRunVerdict(False, f"{DISABLED_MESSAGE} ({message_of(answer.body)})", answer.status)
            return DryRunVerdict(False, message_of(answer.body), answer.status, hint=answer.error().hint)
        if debug_plan.api == "current" and is_legacy_response(answer.body):
            return DryRunVerdict(False, "the server answered the legacy EphemeralContainers kind "
                                 "(Kubernetes 1.16-1.21): the exact request was not applied", ran=False)
    return DryRunVerdict(True)


def gather_facts(conn: ClusterConnection, request: DebugRequest, *, attach: bool = True,
                 with_dry_run: bool = True, pod: dict[str, Any] | None = None,
                 **plan_options: Any) -> PreflightFacts:
    """Everything the pre-flight checks need. Only reading the pod may raise (ClusterError)."""
    pod = pod if pod is not None else fetch_pod(conn, request.namespace, request.pod)
    facts = PreflightFacts(request=request, pod=pod)
    facts.version, facts.version_error = server_version(conn)
    try:
        facts.plan = plan_for_cluster(conn, request, pod, facts.version, **plan_options)
    except PlanError as exc:
        facts.plan_error = str(exc)
    facts.access, facts.access_error = ask_access(conn, access_questions(request, attach=attach),
                                                   lambda _question: request.namespace)
    facts.namespace_labels, facts.namespace_error = namespace_labels(conn, request.namespace)
    facts.node_os = _node_os(conn, pod)
    if facts.plan is not None and request.mode is Mode.COPY:
        answer = send(conn, "GET", pod_path(request.namespace, facts.plan.pod_name))
        facts.copy_name_taken = answer.ok
    if with_dry_run and facts.plan is not None:
        facts.dry_run = dry_run(conn, facts.plan)
    return facts


# --------------------------------------------------------------------------- executing


@dataclass
class Execution:
    """What `execute` did: the pod holding the debug container, and what it created."""

    namespace: str
    pod_name: str
    container: str
    pod: dict[str, Any] | None
    created_pods: list[str] = field(default_factory=list)  # copies (to list for cleanup on failure)
    deleted_pods: list[str] = field(default_factory=list)
    api: Literal["current", "legacy"] = "current"
    audit_problems: list[str] = field(default_factory=list)  # the audit log could not be written


def execute(conn: ClusterConnection, debug_plan: DebugPlan, *, audit_log: AuditLog | None = None) -> Execution:
    """Send the plan's requests in order. ClusterError on the first refusal, whose `execution`
    attribute is the Execution so far (`created_pods` names what was already created).

    With `audit_log`, every mutating request the server answered is recorded there
    (`tui.kube.change_audit`), refusals included: the one place debug changes are logged."""
    result = Execution(debug_plan.namespace, debug_plan.pod_name, debug_plan.container_name, None,
                       api=debug_plan.api)
    requests = list(debug_plan.requests)

    def record(request: PlannedRequest, answer: Answer, *, ok: bool, error: str = "") -> None:
        if request.method == "GET":
            return
        created_name = str(((answer.body or {}).get("metadata") or {}).get("name") or "") \
            if ok and isinstance(answer.body, dict) else ""
        action = change_audit.action_for(request)
        created = None
        if request.method == "POST":
            created = [created_name or debug_plan.pod_name]
        elif action == change_audit.EPHEMERAL_CONTAINER_ADDED and debug_plan.container_name:
            created = [debug_plan.container_name]
        problem = change_audit.record_answer(
            audit_log, context=conn.context, namespace=debug_plan.namespace,
            pod=change_audit.pod_of(request, created_name or debug_plan.pod_name), action=action,
            request=request.to_json(), status=answer.status, ok=ok, created=created, error=error)
        if problem:
            result.audit_problems.append(problem)

    while requests:
        request = requests.pop(0)
        answer = send_planned(conn, request)
        if not answer.ok:
            error = answer.error()
            if _feature_disabled(request, answer):
                error = ClusterError(f"{DISABLED_MESSAGE} ({error.message})", DISABLED_HINT, kind=error.kind,
                                     status=404, reason=error.reason, server=error.server, context=error.context)
            record(request, answer, ok=False, error=str(error))
            error.execution = result  # type: ignore[attr-defined]
            raise error
        if request.method == "POST" and request.path.endswith("/pods"):
            result.created_pods.append(str(((answer.body or {}).get("metadata") or {}).get("name")))
            result.pod = answer.body
            record(request, answer, ok=True)
        elif request.method == "DELETE":
            result.deleted_pods.append(request.path.rsplit("/", 1)[-1])
            record(request, answer, ok=True)
        elif result.api == "current" and is_legacy_response(answer.body) and debug_plan.container:
            # kubectl's fallback: the server speaks the pre-1.22 EphemeralContainers kind and did not
            # apply the request (nothing to record); send the legacy requests instead.
            result.api = "legacy"
            requests = legacy_requests(debug_plan.namespace, debug_plan.pod_name, debug_plan.container)
        else:
            if request.method == "GET" or not is_legacy_response(answer.body):
                result.pod = answer.body
            record(request, answer, ok=True)
    return result


# --------------------------------------------------------------------------- waiting


@dataclass(frozen=True)
class ContainerOutcome:
    """How waiting for the debug container ended."""

    state: Literal["running", "terminated", "stuck", "timeout", "gone", "pod-failed"]
    reason: str = ""
    message: str = ""
    exit_code: int | None = None
    pod: dict[str, Any] | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def image_problem(self) -> bool:
        """Stuck because the image cannot be pulled (ErrImagePull, ImagePullBackOff, ...)."""
        return self.state == "stuck" and self.reason in IMAGE_PULL_REASONS


def describe_image_problem(outcome: ContainerOutcome, namespace: str, pod: str, container: str, *,
                           copy: bool) -> str:
    """One report of an image that cannot be pulled: the kubelet's reason and message, and what to
    do (for a copy: delete it; an ephemeral container stays in the pod for good, costing nothing)."""
    detail = f"{outcome.reason}: {outcome.message}" if outcome.message else outcome.reason
    text = (f"{container} cannot start, its image cannot be pulled ({detail}). Check the image name and "
            "tag, and that the node can pull from that registry (credentials: imagePullSecrets). ")
    if copy:
        text += (f"The copy {namespace}/{pod} keeps retrying: delete it with `ephemera cleanup -n {namespace}` "
                 "(C in the browser).")
    else:
        text += (f"An ephemeral container can never be removed: {container} stays in {namespace}/{pod}, but "
                 "it costs nothing while it does not run; add another one with a working image.")
    return text


def container_status(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    status = pod.get("status") or {}
    for key in ("ephemeralContainerStatuses", "containerStatuses", "initContainerStatuses"):
        for entry in status.get(key) or ():
            if entry.get("name") == name:
                return dict(entry)
    return None


def _outcome(pod: dict[str, Any], container: str) -> tuple[ContainerOutcome | None, tuple[str, str] | None]:
    """(final outcome or None to keep waiting, (reason, message) of a waiting state)."""
    entry = container_status(pod, container)
    state = (entry or {}).get("state") or {}
    if "running" in state:
        return ContainerOutcome("running", pod=pod), None
    if "terminated" in state:
        term = state["terminated"]
        return ContainerOutcome("terminated", str(term.get("reason") or ""), str(term.get("message") or ""),
                                term.get("exitCode"), pod), None
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Failed", "Succeeded") and not (pod.get("spec") or {}).get("ephemeralContainers"):
        return ContainerOutcome("pod-failed", str(phase), message_of((pod.get("status") or {}).get("message")),
                                pod=pod), None
    waiting = state.get("waiting")
    if waiting:
        reason, message = str(waiting.get("reason") or ""), str(waiting.get("message") or "")
        if reason in STUCK_REASONS or (reason == "ErrImagePull" and _image_missing(message)):
            return ContainerOutcome("stuck", reason, message, pod=pod), (reason, message)
        return None, (reason, message)
    return None, None


def _image_missing(message: str) -> bool:
    """An ErrImagePull that retrying will not fix (the image or tag does not exist, or no access)."""
    lowered = message.lower()
    return any(text in lowered for text in ("not found", "manifest unknown", "pull access denied",
                                            "repository does not exist", "invalidimagename"))


def wait_for_container(
    conn: ClusterConnection,
    namespace: str,
    pod_name: str,
    container: str,
    *,
    timeout: float = 120.0,
    on_waiting: Callable[[str, str], None] | None = None,
) -> ContainerOutcome:
    """Watch the one pod (`fieldSelector=metadata.name=POD`, as kubectl does) until the container
    runs or terminates, or is stuck (image pull back-off, config error), or `timeout` passes.
    `on_waiting(reason, message)` is called for every new waiting reason."""
    deadline = time.monotonic() + timeout
    seen: tuple[str, str] | None = None

    def consider(pod: dict[str, Any]) -> ContainerOutcome | None:
        nonlocal seen
        outcome, waiting = _outcome(pod, container)
        if waiting and waiting != seen:
            seen = waiting
            if on_waiting is not None:
                on_waiting(*waiting)
        return outcome

    path = pod_path(namespace)
    while True:
        listing = get_json(conn, path, {"fieldSelector": f"metadata.name={pod_name}"})
        items = listing.get("items") or []
        if not items:
            return ContainerOutcome("gone", "NotFound", f'pods "{pod_name}" not found')
        outcome = consider(items[0])
        if outcome is not None:
            return outcome
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return ContainerOutcome("timeout", *(seen or ("", "")), pod=items[0])
        version = str((listing.get("metadata") or {}).get("resourceVersion") or "")
        outcome = _watch_once(conn, path, pod_name, version, remaining, consider)
        if outcome is not None:
            return outcome
        # the watch ended (its timeout, or 410 Gone): list again and go on watching


def _watch_once(conn: ClusterConnection, path: str, pod_name: str, version: str, remaining: float,
                consider: Callable[[dict[str, Any]], ContainerOutcome | None]) -> ContainerOutcome | None:
    """One watch request from `version`: the outcome, or None when the watch ended (timeout, 410)."""
    query = [("fieldSelector", f"metadata.name={pod_name}"), ("watch", "true"),
             ("timeoutSeconds", str(max(1, int(remaining + 0.999))))]
    if version:
        query.append(("resourceVersion", version))
    try:
        response = open_response(conn, path, query, timeout=watch_timeout(remaining + WATCH_GRACE))
    except ClusterError as exc:
        if exc.status == 410:
            return None
        raise
    with response:
        for lines in response.line_groups():
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError as exc:
                    raise conn.describe(exc) from exc
                kind, obj = event.get("type"), event.get("object") or {}
                if kind == "ERROR":
                    if obj.get("code") == 410:
                        return None
                    raise Answer(int(obj.get("code") or 500), obj, server=conn.server, context=conn.context).error()
                if kind == "DELETED":
                    return ContainerOutcome("gone", "Deleted", f'pod "{pod_name}" was deleted')
                if kind in ("ADDED", "MODIFIED"):
                    outcome = consider(obj)
                    if outcome is not None:
                        return outcome
    return None


# --------------------------------------------------------------------------- policy audit


def run_policy_audit(conn: ClusterConnection, pod: dict[str, Any], *, image: str = "busybox",
                     version: dict[str, Any] | None = None) -> list[AuditRow]:
    """Dry-run every variant of `tui.debug.policy_audit` (creates nothing)."""
    flavor = api_flavor(version)
    rows = []
    for variant in audit_variants(pod, image=image, api="legacy" if flavor == "legacy" else "current"):
        try:
            answer = send_planned(conn, variant.request)
        except ClusterError as exc:
            rows.append(audit_row(variant, None, exc.message))
            continue
        rows.append(audit_row(variant, answer.status, answer.body))
    return rows


# --------------------------------------------------------------------------- copies


@dataclass(frozen=True)
class CopyInfo:
    """A pod Ephemera made (labelled `app.kubernetes.io/managed-by=ephemera`)."""

    namespace: str
    name: str
    uid: str
    source: str  # "NS/NAME" from the annotation, "" when absent
    created_at: str  # RFC 3339 from the annotation (else creationTimestamp)
    phase: str  # kubectl's STATUS column (e.g. ImagePullBackOff, CreateContainerConfigError)

    def age(self, now: datetime | None = None) -> str:
        return format_age(self.created_at, now or datetime.now(UTC)) if self.created_at else "?"


def _source(annotations: dict[str, Any], labels: dict[str, Any]) -> str:
    """A copy's source pod (`NS/NAME`), `node/NAME` for a node debug pod, "" when neither is said."""
    source = annotations.get(planning.SOURCE_POD_ANNOTATION)
    if source:
        return str(source)
    node = labels.get(NODE_DEBUG_LABEL)
    return f"node/{node}" if node else ""


def list_copies(conn: ClusterConnection, namespace: str | None) -> list[CopyInfo]:
    """Ephemera's copies (with kubectl's STATUS, so a copy stuck pulling its image shows it) in `namespace` (None: every namespace), sorted by namespace and name.
    Pods are filtered by the label on the server and checked again here."""
    path = pod_path(namespace) if namespace else "/api/v1/pods"
    listing = get_json(conn, path, {"labelSelector": MANAGED_SELECTOR})
    copies = []
    for pod in listing.get("items") or ():
        metadata = pod.get("metadata") or {}
        if (metadata.get("labels") or {}).get(planning.MANAGED_BY_LABEL) != planning.MANAGED_BY_VALUE:
            continue
        if metadata.get("deletionTimestamp"):
            continue  # already being deleted
        annotations = metadata.get("annotations") or {}
        copies.append(CopyInfo(
            namespace=str(metadata.get("namespace") or namespace or ""),
            name=str(metadata.get("name") or ""),
            uid=str(metadata.get("uid") or ""),
            source=_source(annotations, metadata.get("labels") or {}),
            created_at=str(annotations.get(planning.CREATED_AT_ANNOTATION) or metadata.get("creationTimestamp") or ""),
            phase=pod_status_reason(pod),
        ))
    return sorted(copies, key=lambda c: (c.namespace, c.name))


def delete_copy(conn: ClusterConnection, copy: CopyInfo, *, dry_run: bool = False,
                audit_log: AuditLog | None = None) -> list[str]:
    """Delete one copy, only if it is still the pod we listed (uid precondition). A copy already
    gone (404) is not an error. With `audit_log` the answered delete is recorded (copy-deleted);
    returns the audit log's problems (one line each; normally none)."""
    body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
    if copy.uid:
        body["preconditions"] = {"uid": copy.uid}
    request = PlannedRequest("DELETE", pod_path(copy.namespace, copy.name), JSON, body)
    if dry_run:
        request = request.dry_run()
    answer = send_planned(conn, request)
    error = None if answer.ok or answer.status == 404 else answer.error()
    problems: list[str] = []
    if not dry_run:
        problem = change_audit.record_answer(
            audit_log, context=conn.context, namespace=copy.namespace, pod=copy.name,
            action=COPY_DELETED, request=request.to_json(), status=answer.status, ok=answer.ok,
            error=str(error) if error is not None else f"{answer.status} {change_audit.status_text(answer.status)}"
                                                       ": the copy was already gone",
            extra={"source": copy.source} if copy.source else None)
        if problem:
            problems.append(problem)
    if error is not None:
        error.audit_problems = problems  # type: ignore[attr-defined]
        raise error
    return problems
