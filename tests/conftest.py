"""Shared fixtures: a real demo cluster (HTTP + WebSocket on loopback) for functional tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.demo.cluster import DemoCluster


@pytest.fixture(scope="session")
def shared_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCluster]:
    """One demo cluster for tests that only read the seeded scenario. Do not mutate it."""
    cluster = DemoCluster(kubelet_delay=0.2)
    cluster.start()
    cluster.kubeconfig_path = cluster.write_kubeconfig(tmp_path_factory.mktemp("kube") / "config")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture()
def demo_cluster(tmp_path: Path) -> Iterator[DemoCluster]:
    """A fresh demo cluster per test: mutate it and inject faults freely."""
    cluster = DemoCluster(kubelet_delay=0.2)
    cluster.start()
    cluster.kubeconfig_path = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture()
def kubectl() -> str:
    """Path to the real kubectl; tests that need it are skipped with a reason when it is absent."""
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH: the kubectl compatibility tests need the real binary")
    return path
