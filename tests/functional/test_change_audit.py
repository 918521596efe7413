"""Every change is recorded exactly once in the audit log, whichever path made it: `ephemera debug`
(ephemeral container, copy, the original deleted by --replace, refusals), `ephemera cleanup`, and
the UI's `create_debug` / `delete_copies` (which pass their own log: the path is the caller's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.audit_log import AuditLog
from tui.cli import main
from tui.debug.request import CopyOptions, DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.debug_creation import create_debug, delete_copies
from tui.kube.debug_runner import list_copies

SLIM = "slim-79487d6484-h4rss"
WEB = "web-5d9c7b8f4-m4k8p"


def cli(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), *words])  # type: ignore[attr-defined]


def entries() -> list[tuple[str, str, str, bool]]:
    return [(e.action, e.namespace, e.pod, e.ok) for e in AuditLog().read()]


def test_cli_debug_records_the_ephemeral_container_once(demo_cluster: DemoCluster) -> None:
    assert cli(demo_cluster, "debug", SLIM, "-c", "one", "--no-attach", "-q") == 0
    (entry,) = AuditLog().read()
    assert (entry.action, entry.namespace, entry.pod, entry.ok) == ("ephemeral-container-added", "default", SLIM, True)
    assert entry.context == "ephemera-demo"
    assert entry.result == {"status": 200, "message": "OK", "created": ["one"]}
    assert entry.request["method"] == "PATCH" and entry.request["path"].endswith(f"/pods/{SLIM}/ephemeralcontainers")


def test_cli_copy_with_replace_records_the_copy_and_the_deleted_original(demo_cluster: DemoCluster) -> None:
    assert cli(demo_cluster, "debug", WEB, "--copy-to=web-audit", "--replace", "--yes", "--no-attach", "-q") == 0
    assert entries() == [("copy-created", "default", "web-audit", True), ("pod-deleted", "default", WEB, True)]
    created = AuditLog().read()[0]
    assert created.result["status"] == 201 and created.result["created"] == ["web-audit"]


def test_cli_refusal_is_recorded_as_failed(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers")
    assert cli(demo_cluster, "debug", SLIM, "-c", "nope", "--no-attach", "--force") == 1
    (entry,) = AuditLog().read()
    assert (entry.action, entry.pod, entry.ok) == ("ephemeral-container-added", SLIM, False)
    assert isinstance(entry.result, str) and "forbidden" in entry.result


def test_cli_dry_run_records_nothing(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(demo_cluster, "debug", SLIM, "--dry-run") == 0
    assert cli(demo_cluster, "cleanup", "--dry-run") == 0
    assert AuditLog().read() == []


def test_cli_cleanup_records_each_deleted_copy(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(demo_cluster, "debug", WEB, "--copy-to=web-c1", "--no-attach", "-q") == 0
    assert cli(demo_cluster, "debug", WEB, "--copy-to=web-c2", "--no-attach", "-q") == 0
    assert cli(demo_cluster, "cleanup", "--yes") == 0
    assert [e for e in entries() if e[0] == "copy-deleted"] == [
        ("copy-deleted", "default", "web-c1", True), ("copy-deleted", "default", "web-c2", True)]
    assert len(entries()) == 4  # two copies created, two deleted: nothing twice


def test_ui_paths_write_one_entry_per_change_into_the_log_they_are_given(demo_cluster: DemoCluster,
                                                                         tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "ui-audit.jsonl")
    conn = KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        creation = create_debug(conn, DebugRequest("default", SLIM, container_name="uidbg"), seed=1,
                                audit_log=log)
        assert creation.ok, creation.error
        copy = create_debug(conn, DebugRequest("default", WEB, mode=Mode.COPY, copy=CopyOptions(name="web-ui")),
                            seed=2, audit_log=log)
        assert copy.ok, copy.error
        deletion = delete_copies(conn, list_copies(conn, "default"), audit_log=log)
        assert deletion.deleted == ["default/web-ui"] and deletion.errors == []
    finally:
        conn.close()
    assert [(e.action, e.pod, e.ok) for e in log.read()] == [
        ("ephemeral-container-added", SLIM, True), ("copy-created", "web-ui", True), ("copy-deleted", "web-ui", True)]
    assert AuditLog().read() == []  # nothing in the default log


def test_an_unwritable_log_is_reported_but_the_change_stands(demo_cluster: DemoCluster, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("not a directory")  # $XDG_STATE_HOME is a file: the log cannot be created
    assert cli(demo_cluster, "debug", SLIM, "-c", "kept", "--no-attach", "-q") == 0
    _, err = capsys.readouterr()
    assert "the audit log could not be written" in err
