"""`ephemera cleanup` against the demo cluster: only pods carrying Ephemera's label go."""

from __future__ import annotations

import copy

import pytest

from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.debug_runner import fetch_pod, list_copies
from tui.kube.errors import ClusterError

WEB = "web-5d9c7b8f4-m4k8p"


def run(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), *words])


def exists(cluster: DemoCluster, name: str, namespace: str = "default") -> bool:
    conn = KubeConfig.load(str(cluster.kubeconfig_path)).connect()
    try:
        pod = fetch_pod(conn, namespace, name)
    except ClusterError as exc:
        assert exc.status == 404
        return False
    return not pod["metadata"].get("deletionTimestamp")


@pytest.fixture()
def copies(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> DemoCluster:
    """Two Ephemera copies (default and staging) plus an unlabelled look-alike pod."""
    assert run(demo_cluster, "debug", WEB, "--copy-to", f"{WEB}-debug-k2x4z", "--no-attach", "-q") == 0
    assert run(demo_cluster, "debug", "redis-0", "-n", "staging", "--copy-to", "redis-0-debug-b7m2q",
               "--profile=baseline", "--no-attach", "-q") == 0
    original = fetch_pod(KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect(), "default", WEB)
    look_alike = {"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": f"{WEB}-debug-zzzzz", "namespace": "default",
                               "labels": {"app.kubernetes.io/managed-by": "helm"}},
                  "spec": copy.deepcopy(original["spec"])}
    demo_cluster.faults.add_pod(look_alike)
    capsys.readouterr()
    return demo_cluster


def test_lists_copies_with_source_and_age(copies: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(copies, "cleanup", "-A", "--dry-run") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "SOURCE", "AGE", "STATUS"]
    rows = [line.split() for line in lines[1:-1]]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("default", f"{WEB}-debug-k2x4z", f"default/{WEB}"),
        ("staging", "redis-0-debug-b7m2q", "staging/redis-0"),
    ]
    assert all(r[3].endswith("s") for r in rows)  # seconds old
    assert lines[-1] == "dry run: 2 pods would be deleted"
    assert exists(copies, f"{WEB}-debug-k2x4z")


def test_deletes_only_labelled_pods_in_the_namespace(copies: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(copies, "cleanup", "-n", "default", "--yes") == 0
    out = capsys.readouterr().out
    assert f'pod "{WEB}-debug-k2x4z" deleted from default' in out
    assert not exists(copies, f"{WEB}-debug-k2x4z")
    assert exists(copies, f"{WEB}-debug-zzzzz")  # unlabelled look-alike survives
    assert exists(copies, WEB)  # the original too
    assert exists(copies, "redis-0-debug-b7m2q", "staging")  # other namespace untouched


def test_all_namespaces(copies: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(copies, "cleanup", "-A", "--yes") == 0
    capsys.readouterr()
    conn = KubeConfig.load(str(copies.kubeconfig_path)).connect()
    assert [c for c in list_copies(conn, None) if exists(copies, c.name, c.namespace)] == []
    assert exists(copies, f"{WEB}-debug-zzzzz")


def test_refuses_without_yes_and_without_a_terminal(copies: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(copies, "cleanup", "-A") == 1
    assert "pass --yes" in capsys.readouterr().err
    assert exists(copies, f"{WEB}-debug-k2x4z")


def test_nothing_to_clean(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(shared_cluster, "cleanup", "-n", "monitoring") == 0
    assert capsys.readouterr().out.strip() == "no pods made by ephemera in namespace 'monitoring'"


def test_status_is_kubectls_so_a_stuck_copy_shows_why(demo_cluster: DemoCluster,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(demo_cluster, "debug", WEB, "--copy-to=stuck", "--image=doesnotexist", "--no-attach", "-q") == 1
    capsys.readouterr()
    assert run(demo_cluster, "cleanup", "--dry-run") == 0
    (row,) = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("default ")]
    assert row[1] == "stuck" and row[4] in ("ErrImagePull", "ImagePullBackOff")
