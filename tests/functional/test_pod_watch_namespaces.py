"""The namespace picker's choices, from the demo cluster's API."""

from __future__ import annotations

from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.namespaces import list_namespaces, namespace_choices


def test_every_namespace_sorted(shared_cluster: DemoCluster) -> None:
    connection = KubeConfig.load(kubeconfig=str(shared_cluster.kubeconfig_path)).connect()
    try:
        names = list_namespaces(connection)
    finally:
        connection.close()
    assert {"default", "kube-system", "secure", "staging"} <= set(names)
    assert names == sorted(names)


def test_forbidden_namespace_list_offers_the_contexts_namespace_and_says_why(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "namespaces")
    connection = KubeConfig.load(kubeconfig=str(demo_cluster.kubeconfig_path)).connect()
    try:
        choices = namespace_choices(connection)
    finally:
        connection.close()
    assert choices.names == ["default"]
    assert "list" in choices.notice and "namespaces" in choices.notice
    assert "'default'" in choices.notice
