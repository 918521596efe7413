"""What a session created, from the changes its audit log recorded (tui.left_running)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.audit_log import AuditLog
from tui.left_running import OpenSession, created_this_session, exit_summary, still_in_cluster


def _log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")

    def record(action: str, pod: str, *, body: dict[str, Any] | None = None, created: list[str] | None = None,
               ok: bool = True) -> None:
        result: dict[str, Any] = {"status": 201}
        if created is not None:
            result["created"] = created
        log.record(context="c", namespace="ns", pod=pod, action=action, request={"body": body or {}},
                   result=result, ok=ok)

    record("ephemeral-container-added", "api", created=["dbg"])
    record("ephemeral-container-added", "api", created=["refused"], ok=False)
    record("copy-created", "api-copy", created=["api-copy"], body={
        "metadata": {"annotations": {"ephemera.dev/source-pod": "ns/api"}},
        "spec": {"containers": [{"name": "app"}, {"name": "debugger", "stdin": True}]}})
    record("node-debug-pod-created", "node-debugger-n1-x", created=["node-debugger-n1-x"], body={
        "spec": {"nodeName": "n1", "containers": [{"name": "debugger", "stdin": True}]}})
    record("copy-created", "gone-copy", created=["gone-copy"], body={"spec": {"containers": [{"name": "a"}]}})
    record("copy-deleted", "gone-copy")
    return log


def test_created_this_session_keeps_what_stays(tmp_path: Path) -> None:
    created = created_this_session(_log(tmp_path).recorded)
    assert [(s.pod, s.container, s.ephemeral, s.copy_of) for s in created] == [
        ("api", "dbg", True, ""), ("api-copy", "debugger", False, "ns/api"),
        ("node-debugger-n1-x", "debugger", False, "node/n1")]
    assert all(s.since == "created" for s in created)


def test_open_panes_first_each_once_and_terminated_ones_left_out(tmp_path: Path) -> None:
    created = created_this_session(_log(tmp_path).recorded)
    open_pane = OpenSession("ns", "api-copy", "debugger", "attach", ephemeral=False, copy_of="ns/api")
    detached = OpenSession("ns", "web", "old", "attach", since="detached")
    pods = {("ns", "api"): {"status": {"ephemeralContainerStatuses": [
        {"name": "dbg", "state": {"terminated": {"exitCode": 0}}}]}}}
    left = still_in_cluster([open_pane], [detached], created, lambda ns, pod: pods.get((ns, pod)))
    assert [(s.pod, s.container, s.since) for s in left] == [
        ("api-copy", "debugger", ""), ("web", "old", "detached"), ("node-debugger-n1-x", "debugger", "created")]
    summary = exit_summary(left)
    assert "ns/web/old  detached (its shell keeps running); re-attach: kubectl attach -it -n ns web -c old" in summary
    assert "in the node debug pod node-debugger-n1-x (on node/n1), which stays until it is deleted" in summary
    assert "kubectl delete pod node-debugger-n1-x -n ns" in summary
