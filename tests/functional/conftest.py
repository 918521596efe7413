"""Fixtures shared by the functional tests (the demo clusters themselves are in tests/conftest.py).

Functional tests never touch the user's own Ephemera files: the private $XDG_CONFIG_HOME /
$XDG_STATE_HOME fixtures of tests/conftest.py apply to every test (autouse)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.snapshots import SEED_NOW
from tui.demo import scenario
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection


@pytest.fixture()
def private_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Ephemera's config.toml ($EPHEMERA_CONFIG, tmp_path/config.toml) and audit log under
    tmp_path; modules opt in with `pytestmark = pytest.mark.usefixtures("private_files")`."""
    monkeypatch.setenv("EPHEMERA_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture()
def snapshot_cluster(tmp_path: Path) -> Iterator[DemoCluster]:
    """A demo cluster for the SVG snapshots: on a free port (the header shows a fixed address
    instead: helpers.snapshots.served_at), its scenario seeded at SEED_NOW."""
    cluster = DemoCluster(kubelet_delay=0.2, seed=False)
    cluster.start()
    cluster.run(lambda: scenario.seed(cluster.store, now=SEED_NOW))
    cluster.faults.hold_crash_loops()  # a restart while a slow run renders would change the screen
    cluster.kubeconfig_path = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    try:
        yield cluster
    finally:
        cluster.stop()


def _connected(cluster: DemoCluster) -> Iterator[ClusterConnection]:
    connection = KubeConfig.load(str(cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture()
def conn(demo_cluster: DemoCluster) -> Iterator[ClusterConnection]:
    """A connection to the test's own demo cluster, through its kubeconfig, closed afterwards."""
    yield from _connected(demo_cluster)


@pytest.fixture()
def shared_conn(shared_cluster: DemoCluster) -> Iterator[ClusterConnection]:
    """A connection to the shared (read-only) demo cluster, closed afterwards."""
    yield from _connected(shared_cluster)
