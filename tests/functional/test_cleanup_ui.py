"""`C`: the cleanup view lists and deletes only Ephemera's copies (label managed-by=ephemera)."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import DataTable

from helpers.browser import wait_for
from helpers.debug_ui import app_for, audit_entries, pod_of, select
from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.screens.cleanup_screen import CleanupScreen
from tui.screens.confirm_modal import ConfirmModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

WEB = "web-5d9c7b8f4-m4k8p"


def _gone(cluster: DemoCluster, namespace: str, name: str) -> bool:
    pod = pod_of(cluster, namespace, name)
    return pod is None or bool(pod["metadata"].get("deletionTimestamp"))


async def test_cleanup_deletes_only_labelled_copies(demo_cluster: DemoCluster) -> None:
    config = str(demo_cluster.kubeconfig_path)
    assert main(["--kubeconfig", config, "debug", WEB, "--copy-to", f"{WEB}-debug-k2x4z", "--no-attach", "-q"]) == 0
    assert main(["--kubeconfig", config, "debug", "redis-0", "-n", "staging", "--copy-to", "redis-0-debug-b7m2q",
                 "--profile=baseline", "--no-attach", "-q"]) == 0
    original = pod_of(demo_cluster, "default", WEB)
    look_alike = {"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": f"{WEB}-debug-zzzzz", "namespace": "default",
                               "labels": {"app.kubernetes.io/managed-by": "helm"}},
                  "spec": copy.deepcopy(original["spec"])}
    demo_cluster.faults.add_pod(look_alike)
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, ("default", WEB))
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen), what="cleanup view")
        screen = app.screen
        await wait_for(pilot, lambda: not screen.loading, what="copies listed")
        assert [(c.namespace, c.name, c.source) for c in screen.copies] == [
            ("default", f"{WEB}-debug-k2x4z", f"default/{WEB}")]
        status = str(screen.query_one("#cleanup-status").render())
        assert status.startswith(("1 copy in namespace 'default'", "1 copy in namespace default"))
        assert "d deletes" in status
        table = screen.query_one("#copies", DataTable)
        assert str(table.ordered_columns[-1].label) == "status"
        assert str(table.get_row_at(0)[-1]) == "Running"  # kubectl's STATUS
        await pilot.press("a")  # every namespace
        await wait_for(pilot, lambda: not screen.loading and len(screen.copies) == 2, what="all namespaces")
        assert screen.query_one("#copies", DataTable).row_count == 2
        await pilot.press("space", "space")  # mark both
        assert len(screen.marked) == 2
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        assert not _gone(demo_cluster, "default", f"{WEB}-debug-k2x4z")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and not screen.busy and not screen.copies, timeout=30,
                       what="deleted")
        assert "Deleted default/" in str(screen.query_one("#cleanup-status").render())
    assert _gone(demo_cluster, "default", f"{WEB}-debug-k2x4z")
    assert _gone(demo_cluster, "staging", "redis-0-debug-b7m2q")
    assert not _gone(demo_cluster, "default", f"{WEB}-debug-zzzzz")  # not ours: never listed, never deleted
    assert not _gone(demo_cluster, "default", WEB)
    entries = audit_entries()
    assert sorted((e.action, e.namespace, e.pod, e.ok) for e in entries if e.action == "copy-deleted") == [
        ("copy-deleted", "default", f"{WEB}-debug-k2x4z", True),
        ("copy-deleted", "staging", "redis-0-debug-b7m2q", True),
    ]
