"""The node debug pod's pre-flight (tui.debug.node_preflight): pure checks over gathered facts."""

from __future__ import annotations

import random
from typing import Any

from tui.debug.node import NodeDebugRequest, plan_node
from tui.debug.node_preflight import (
    NodePreflightFacts,
    admitting_level,
    dry_run_todo,
    node_access_questions,
    run_node_checks,
)
from tui.debug.preflight import DryRunVerdict
from tui.debug.request import Profile

ENFORCE = "pod-security.kubernetes.io/enforce"


def _node(name: str = "n1", *, os_name: str = "linux", ready: str = "True") -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"kubernetes.io/os": os_name}},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": "KubeletNotReady" if ready != "True"
                                       else "KubeletReady", "message": "PLEG is not healthy" if ready != "True" else ""}]}}


def _facts(request: NodeDebugRequest | None = None, **kwargs: Any) -> NodePreflightFacts:
    request = request or NodeDebugRequest(node="n1")
    node = kwargs.pop("node", _node())
    facts = NodePreflightFacts(request=request, node=node, plan=plan_node(request, node, rng=random.Random(1)),
                               namespace_labels=kwargs.pop("namespace_labels", {}), **kwargs)
    return facts


def _by_name(facts: NodePreflightFacts) -> dict[str, list[tuple[str, str, str]]]:
    found: dict[str, list[tuple[str, str, str]]] = {}
    for check in run_node_checks(facts):
        found.setdefault(check.name, []).append((check.verdict, check.found, check.todo))
    return found


def test_a_ready_linux_node_in_a_privileged_namespace_passes() -> None:
    checks = run_node_checks(_facts(dry_run=DryRunVerdict(True)))
    assert [c.verdict for c in checks] == ["ok", "ok", "ok", "ok"]
    assert [c.name for c in checks] == ["node", "node OS", "Pod Security", "server dry run"]


def test_a_missing_node_fails_and_an_unreadable_one_warns() -> None:
    [(verdict, found, todo)] = _by_name(_facts(node=None, node_status=404))["node"]
    assert verdict == "fail" and "does not exist" in found and "kubectl get nodes" in todo
    [(verdict, found, _)] = _by_name(_facts(node=None, node_status=403, node_error="forbidden"))["node"]
    assert verdict == "warn" and "forbidden" in found


def test_a_not_ready_node_warns_and_a_windows_node_fails_with_what_to_do() -> None:
    [(verdict, found, _)] = _by_name(_facts(node=_node(ready="False")))["node"]
    assert verdict == "warn" and "NotReady (KubeletNotReady PLEG is not healthy)" in found
    checks = _by_name(_facts(node=_node(os_name="windows")))
    [(verdict, found, todo)] = checks["node OS"]
    assert verdict == "fail" and "runs Windows" in found and "HostProcess" in todo
    assert "plan" not in checks  # the plan's own Windows warning is not said twice


def test_rbac_denials() -> None:
    questions = node_access_questions()
    access: dict[Any, bool | None] = dict.fromkeys(questions, True)
    access[questions[0]] = False  # create pods
    access[questions[-1]] = False  # get nodes
    rbac = _by_name(_facts(access=access))["RBAC"]
    assert rbac[0][0] == "fail" and "you may not create pods in namespace 'default'" in rbac[0][1]
    assert "kubectl auth can-i create pods -n default" in rbac[0][2]
    assert rbac[1][0] == "warn" and "ClusterRole" in rbac[1][2] and "-n" not in rbac[1][2]
    assert [q.required for q in node_access_questions(attach=False)] == [True, False, False, False]


def test_pod_security_names_privileged_the_label_and_a_namespace_that_admits_it() -> None:
    request = NodeDebugRequest(node="n1", namespace="staging")
    facts = _facts(request, namespace_labels={ENFORCE: "baseline"},
                   namespaces={"staging": {ENFORCE: "baseline"}, "default": {}, "secure": {ENFORCE: "restricted"}})
    [(verdict, found, todo)] = _by_name(facts)["Pod Security"]
    assert verdict == "fail"
    assert found.startswith("namespace 'staging' enforces baseline:latest; it would refuse: host namespaces")
    assert "hostPath volumes" in found
    assert "need a namespace enforcing privileged: -n default (enforces privileged), or label one: " \
           f"kubectl label namespace staging {ENFORCE}=privileged --overwrite" in todo
    assert "--profile=baseline passes" in todo


def test_the_baseline_profile_complies_with_baseline() -> None:
    request = NodeDebugRequest(node="n1", namespace="staging", profile=Profile.BASELINE)
    [(verdict, found, _)] = _by_name(_facts(request, namespace_labels={ENFORCE: "baseline"}))["Pod Security"]
    assert verdict == "ok" and "complies" in found


def test_admitting_level() -> None:
    pods = {profile: plan_node(NodeDebugRequest(node="n1", profile=profile)).pod for profile in Profile}
    assert admitting_level(pods[Profile.GENERAL]) == "privileged"
    assert admitting_level(pods[Profile.BASELINE]) == "baseline"
    assert admitting_level(pods[Profile.RESTRICTED]) in ("baseline", "restricted")  # busybox: runAsNonRoot only


def test_dry_run_refusals_say_what_to_do() -> None:
    request = NodeDebugRequest(node="n1", namespace="staging")
    psa = DryRunVerdict(False, 'pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces', 403)
    assert "privileged" in dry_run_todo(psa, request)
    assert "kubectl auth can-i create pods -n staging" in dry_run_todo(DryRunVerdict(False, "forbidden", 403), request)
    assert "namespace 'staging' exists" in dry_run_todo(DryRunVerdict(False, "not found", 404), request)
    [(verdict, found, _)] = _by_name(_facts(request, dry_run=psa))["server dry run"]
    assert verdict == "fail" and found.startswith("refused: 403: ")
