"""A node debug pod left running is named as one: the pane's copy source and the exit summary."""

from __future__ import annotations

from tui.debug.node import NodeDebugRequest, plan_node
from tui.left_running import OpenSession, exit_summary
from tui.sessions.runner import copy_source


def test_a_node_debug_pods_source_is_its_node() -> None:
    pod = plan_node(NodeDebugRequest(node="demo-node-1")).pod
    assert copy_source(pod) == "node/demo-node-1"


def test_the_exit_summary_names_the_node_debug_pod_and_how_to_delete_it() -> None:
    session = OpenSession("default", "node-debugger-demo-node-1-abcde", "debugger", "attach", ephemeral=False,
                          copy_of="node/demo-node-1")
    summary = exit_summary([session])
    assert "in the node debug pod node-debugger-demo-node-1-abcde (on node/demo-node-1), which stays" in summary
    assert "kubectl delete pod node-debugger-demo-node-1-abcde -n default" in summary
