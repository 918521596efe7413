"""tui.debug.node: the node debug pod's name, its kubectl command, what asks first, and the plan's refusals."""

from __future__ import annotations

import random

import pytest

from tui.debug import PlanError, Profile
from tui.debug.node import NODE_DEBUG_LABEL, NodeDebugRequest, node_pod_name, plan_node


def test_pod_name_is_kubectls_and_stays_a_valid_name_for_a_long_node() -> None:
    name = node_pod_name("demo-node-1", random.Random(3))
    assert name.startswith("node-debugger-demo-node-1-") and len(name) == len("node-debugger-demo-node-1-") + 5
    long = node_pod_name("n" * 253, random.Random(3))
    assert len(long) <= 253 and long.startswith("node-debugger-nnn")


def test_kubectl_command_carries_the_flags() -> None:
    request = NodeDebugRequest(node="n1", namespace="ops", image="nicolaka/netshoot", container_name="tools",
                               env=(("A", "1"),), image_pull_policy="Never", stdin=True, tty=False,
                               command=("sleep", "1d"), profile=Profile.NETADMIN)
    assert plan_node(request).kubectl_command == [
        "kubectl", "debug", "node/n1", "-n", "ops", "-i", "--image=nicolaka/netshoot", "--profile=netadmin",
        "-c", "tools", "--env=A=1", "--image-pull-policy=Never", "--", "sleep", "1d"]


@pytest.mark.parametrize(("profile", "asks"), [
    (Profile.GENERAL, ["hostPID", "hostNetwork", "hostIPC", "hostPath"]),
    (Profile.SYSADMIN, ["privileged", "hostPID", "hostNetwork", "hostIPC", "hostPath"]),
    (Profile.NETADMIN, ["hostPID", "hostNetwork", "hostIPC"]),
    (Profile.BASELINE, []),
    (Profile.RESTRICTED, []),
])
def test_root_on_the_node_asks_first(profile: Profile, asks: list[str]) -> None:
    reasons = plan_node(NodeDebugRequest(node="n1", profile=profile)).confirmation_reasons
    assert len(reasons) == len(asks)
    for word, reason in zip(asks, reasons, strict=True):
        assert word in reason and "copy" not in reason


def test_the_pod_is_marked_for_cleanup_and_names_its_node() -> None:
    pod = plan_node(NodeDebugRequest(node="n1")).pod
    assert pod["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "ephemera", NODE_DEBUG_LABEL: "n1"}
    assert pod["spec"]["nodeName"] == "n1" and pod["spec"]["restartPolicy"] == "Never"


def test_windows_node_and_namespace_less_profiles_warn() -> None:
    windows = {"metadata": {"labels": {"kubernetes.io/os": "windows"}}}
    assert any("Windows" in w for w in plan_node(NodeDebugRequest(node="w1"), windows).warnings)
    assert any("only its own pod" in w for w in plan_node(NodeDebugRequest(node="n1", profile=Profile.BASELINE)).warnings)


@pytest.mark.parametrize("request_", [
    NodeDebugRequest(node=""), NodeDebugRequest(node="../etc"), NodeDebugRequest(node="n1", namespace="A b"),
    NodeDebugRequest(node="n1", container_name="x/y"), NodeDebugRequest(node="n1", image=""),
])
def test_invalid_requests_are_refused_before_anything_is_sent(request_: NodeDebugRequest) -> None:
    with pytest.raises(PlanError):
        plan_node(request_)
