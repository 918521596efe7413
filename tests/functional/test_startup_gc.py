"""The TUI resumes the garbage collector `ephemera` paused for its start (tui/gc_pause.py, issue 15):
once its first rows are listed and painted, or after `RESUME_AFTER_SECONDS` when none come (a
cluster that cannot be reached). Run in-process: each test pauses the collector as `tui.cli.main`
does and resumes it whatever happens."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.browser import make_app, row_names, wait_for
from tui.demo.cluster import DemoCluster
from tui.gc_pause import pause_collections, paused, resume_collections


@pytest.fixture()
def collections_paused() -> Iterator[None]:
    assert gc.isenabled()
    pause_collections()
    try:
        yield
    finally:
        resume_collections()


async def test_the_first_rows_resume_the_collector(shared_cluster: DemoCluster, collections_paused: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.app.RESUME_AFTER_SECONDS", 600.0)  # only the rows can resume it here
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="the first rows")
        await wait_for(pilot, lambda: not paused(), what="the collector resumed")
        assert gc.isenabled()


async def test_without_rows_the_collector_resumes_anyway(tmp_path: Path, collections_paused: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.app.RESUME_AFTER_SECONDS", 0.05)
    config = tmp_path / "config"
    config.write_text(
        """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
"""
    )
    app = make_app(config)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: not paused(), what="the collector resumed")
        assert gc.isenabled()
        assert not row_names(app)


async def test_an_app_started_with_the_collector_on_leaves_it_alone(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: row_names(app), what="the first rows")
        assert gc.isenabled() and not paused()
