"""Shared fixtures: a real demo cluster (HTTP + WebSocket on loopback) for functional tests, and
private Ephemera files for every test: no test reads or writes the user's own settings
(~/.config/ephemera/config.toml) or audit log (~/.local/state/ephemera)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App

from tui.demo.cluster import DemoCluster
from tui.paths import CONFIG_ENV

_textual_run_test = App.run_test


def _run_test_with_notifications(self: App, *, notifications: bool = True, **kwargs):  # type: ignore[no-untyped-def]
    """Textual's pilot turns notifications off by default, which hid every crash and escape in a
    notice from the suite: here they are on unless a test says otherwise."""
    return _textual_run_test(self, notifications=notifications, **kwargs)


App.run_test = _run_test_with_notifications  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def private_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$XDG_CONFIG_HOME under tmp_path and $EPHEMERA_CONFIG unset: the settings file (recent images,
    theme...) is the test's own (tests may point either elsewhere again)."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv(CONFIG_ENV, "")  # recorded, so what the test sets (`--config`) is undone too
    monkeypatch.delenv(CONFIG_ENV)
    return config


@pytest.fixture(autouse=True)
def private_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$XDG_STATE_HOME under tmp_path: the audit log (`ephemera debug`, `ephemera cleanup` and the
    UI record every change) is the test's own (tests may point it elsewhere again)."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


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
