"""Policy audit ("trust but verify"): which debug containers does this cluster admit for a pod?

`audit_variants(pod, namespace)` builds one server-side dry run (`?dryRun=All`) per variant:

- one ephemeral container per kubectl profile (legacy, general, baseline, restricted, netadmin,
  sysadmin), planned exactly as `ephemera debug --profile=P` would send it;
- `privileged`: the general profile plus `privileged: true` (Ephemera's security override);
- `copy`: the copy-and-share pod (`--copy-to`, general profile), created with `POST pods?dryRun=All`;
- `host namespaces`: hostPID, hostNetwork and hostIPC cannot be set on an ephemeral container (they
  are pod fields, and the subresource only takes `spec.ephemeralContainers`), so this variant is
  modelled as that copy-mode pod with `hostPID`, `hostNetwork` and `hostIPC` set to true, sent as
  `POST pods?dryRun=All`: it answers "would the cluster let me debug with the node's namespaces?".

Nothing is created: every request carries `dryRun=All`. `audit_row(variant, status, body)` turns
the server's answer into an `AuditRow` (admitted, or refused with the server's message);
`tui.kube.debug_runner.run_policy_audit()` sends them. `format_table(rows)` prints them.
"""

from __future__ import annotations

import copy
import random
import textwrap
from dataclasses import dataclass, replace
from typing import Any, Literal

from tui.debug.errors import PlanError
from tui.debug.planned_request import PlannedRequest
from tui.debug.planner import plan
from tui.debug.preflight import kubelet_refusal
from tui.debug.request import DEFAULT_IMAGE, CopyOptions, DebugRequest, Mode, Profile, SecurityOverrides

AuditVerdict = Literal["admitted", "refused", "error"]
AUDIT_CONTAINER = "ephemera-audit"
HOST_NAMESPACE_FIELDS = ("hostPID", "hostNetwork", "hostIPC")

__all__ = ["AuditRow", "AuditVariant", "audit_row", "audit_variants", "format_table", "start_summary"]


@dataclass(frozen=True)
class AuditVariant:
    """One dry run: `name` for the table, `summary` of what it asks for, the request to send."""

    name: str
    summary: str
    request: PlannedRequest
    pod: dict[str, Any]  # the pod the server will evaluate (for predictions and tests)
    start_problem: str = ""  # why the kubelet would not start the debugger once admitted ("": it would)


@dataclass(frozen=True)
class AuditRow:
    """The server's verdict on one variant."""

    variant: str
    summary: str
    verdict: AuditVerdict
    status: int | None = None
    message: str = ""
    start_problem: str = ""  # admitted by the API server, but the kubelet would refuse to start it: why

    @property
    def would_start(self) -> bool:
        """Admitted by the API server and started by the kubelet (as far as the pod and image tell)."""
        return self.verdict == "admitted" and not self.start_problem


_PROFILE_SUMMARY = {
    Profile.LEGACY: "ephemeral, no security context",
    Profile.GENERAL: "ephemeral, SYS_PTRACE",
    Profile.BASELINE: "ephemeral, security context cleared",
    Profile.RESTRICTED: "ephemeral, non-root, drop ALL, no escalation, RuntimeDefault seccomp",
    Profile.NETADMIN: "ephemeral, NET_ADMIN + NET_RAW",
    Profile.SYSADMIN: "ephemeral, privileged",
}


def _with_container(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(pod)
    result.setdefault("spec", {}).setdefault("ephemeralContainers", []).append(copy.deepcopy(container))
    return result


def audit_variants(
    pod: dict[str, Any],
    namespace: str | None = None,
    *,
    image: str = DEFAULT_IMAGE,
    api: Literal["current", "legacy"] = "current",
    rng: random.Random | None = None,
) -> list[AuditVariant]:
    """The dry runs of the audit for `pod` (plain JSON as the API returns it)."""
    metadata = pod.get("metadata") or {}
    namespace = namespace or metadata.get("namespace") or "default"
    pod_name = str(metadata.get("name") or "")
    rng = rng or random.Random()
    base = DebugRequest(namespace=namespace, pod=pod_name, image=image, container_name=None)
    # A fixed name the pod does not use, so the rows differ only by what they audit.
    taken = {c.get("name") for key in ("initContainers", "containers", "ephemeralContainers")
             for c in (pod.get("spec") or {}).get(key) or ()}
    name = AUDIT_CONTAINER
    while name in taken:
        name += "-x"
    base = replace(base, container_name=name)
    variants: list[AuditVariant] = []
    for profile in Profile:
        planned = plan(replace(base, profile=profile), pod, api=api, rng=rng)
        assert planned.container is not None
        variants.append(AuditVariant(
            f"profile {profile.value}", _PROFILE_SUMMARY[profile],
            planned.dry_run_requests()[0], _with_container(pod, planned.container),
        ))
    privileged = plan(replace(base, overrides=SecurityOverrides(privileged=True)), pod, api=api, rng=rng)
    assert privileged.container is not None
    variants.append(AuditVariant(
        "privileged", "ephemeral, general profile + privileged: true",
        privileged.dry_run_requests()[0], _with_container(pod, privileged.container),
    ))
    copy_request = replace(base, mode=Mode.COPY, copy=CopyOptions(name=f"{pod_name[:200]}-ephemera-audit"))
    try:
        copied = plan(copy_request, pod, rng=rng)
    except PlanError:
        return [_with_start_problem(v, name) for v in variants]
    assert copied.pod_copy is not None
    variants.append(AuditVariant(
        "copy", "copy of the pod with the debugger, shareProcessNamespace (POST pods)",
        copied.dry_run_requests()[0], copied.pod_copy,
    ))
    host_pod = copy.deepcopy(copied.pod_copy)
    for field_name in HOST_NAMESPACE_FIELDS:
        host_pod["spec"][field_name] = True
    host_pod["spec"].pop("shareProcessNamespace", None)  # hostPID and shareProcessNamespace conflict
    request = copied.dry_run_requests()[0]
    variants.append(AuditVariant(
        "host namespaces", "copy with hostPID, hostNetwork, hostIPC (pod fields: no ephemeral container "
        "can have them)",
        replace(request, body=host_pod, description="dry run: copy with the node's namespaces"), host_pod,
    ))
    return [_with_start_problem(v, name) for v in variants]


def _with_start_problem(variant: AuditVariant, container_name: str) -> AuditVariant:
    spec = variant.pod.get("spec") or {}
    for key in ("ephemeralContainers", "containers"):
        for container in spec.get(key) or ():
            if container.get("name") == container_name:
                return replace(variant, start_problem=kubelet_refusal(container, variant.pod))
    return variant


def start_summary(rows: list[AuditRow]) -> str:
    """Admitted by the API server is not started by the kubelet, so both are said: "9 of 9 admitted
    by the API server; 0 would start (the kubelet refuses them: image 'busybox' runs as root and
    runAsNonRoot is set (CreateContainerConfigError))"."""
    admitted = [r for r in rows if r.verdict == "admitted"]
    text = f"{len(admitted)} of {len(rows)} admitted by the API server"
    if not admitted:
        return text
    starting = sum(1 for r in admitted if r.would_start)
    if starting == len(admitted):
        return f"{text}; {'all ' if starting > 1 else ''}{starting} would start"
    problems = list(dict.fromkeys(r.start_problem for r in admitted if not r.would_start))
    why = problems[0] if len(problems) == 1 else "see the table"
    others = "the others" if starting else ("it" if len(admitted) == 1 else "them")
    return f"{text}; {starting} would start (the kubelet refuses {others}: {why})"


def _message(body: Any) -> str:
    if isinstance(body, dict):
        return " ".join(str(body.get("message") or body.get("reason") or "").split())
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    return " ".join(str(body or "").split())[:500]


def audit_row(variant: AuditVariant, status: int | None, body: Any) -> AuditRow:
    """The verdict from the HTTP status and body of the variant's dry run (status None: no answer)."""
    if status is not None and 200 <= status < 300:
        return AuditRow(variant.name, variant.summary, "admitted", status, start_problem=variant.start_problem)
    if status in (403, 422):
        return AuditRow(variant.name, variant.summary, "refused", status, _message(body))
    return AuditRow(variant.name, variant.summary, "error", status, _message(body) or "no answer")


def format_table(rows: list[AuditRow], columns: int | None = None) -> str:
    """A plain-text table: VARIANT, VERDICT, DETAIL (the summary, or the server's message); a
    DETAIL longer than `columns` (the terminal's width; None: no limit) goes on over the next lines,
    indented to its column."""
    width = max([len("VARIANT"), *(len(r.variant) for r in rows)])
    lines = [f"{'VARIANT':<{width}}  {'VERDICT':<8}  DETAIL"]
    for row in rows:
        detail = row.summary if row.verdict == "admitted" else f"{row.status or '-'}: {row.message}"
        if row.verdict == "admitted" and row.start_problem:
            detail += f"; the kubelet would not start it: {row.start_problem}"
        start = f"{row.variant:<{width}}  {row.verdict:<8}  "
        if columns is None or len(start) + len(detail) <= columns:
            lines.append(start + detail)
        else:
            lines.append(textwrap.fill(detail, columns, initial_indent=start, subsequent_indent=" " * len(start),
                                       break_on_hyphens=False, break_long_words=False))
    return "\n".join(lines)
