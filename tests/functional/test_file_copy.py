"""Files out of (and into) the distroless `app` container of the demo's slim pod (issue 13).

`kubectl cp` needs tar in the target; `ephemera cp` goes through a debugger targeting `app`
(`/proc/1/root/...`), by exec: the copy matches byte for byte (the image's own file, a binary file
with all 256 byte values, a 1 MB file), a file copied in is then seen at /proc/1/root/PATH by the
debugger, the copy in is one audit log line, a directory comes out by tar, and large copies print
progress.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.browser import make_app, wait_for
from helpers.copy_debugger import NAMESPACE, POD, start_copy_debugger
from helpers.session_panes import select
from tui.audit_log import AuditLog
from tui.cli import main
from tui.debug.file_copy import CopyPlanError, choose_debugger
from tui.demo.cluster import DemoCluster
from tui.demo.container.images import resolve
from tui.kube.connection import ClusterConnection
from tui.kube.file_copy import FILE_COPIED_IN, exec_command
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.file_copy_modal import FileCopyModal

DISTROLESS = "gcr.io/distroless/python3-debian11"


@pytest.fixture
def debugger(demo_cluster: DemoCluster) -> Iterator[ClusterConnection]:
    """A durable debugger targeting the distroless `app` container of the slim pod."""
    yield start_copy_debugger(demo_cluster)


def _cp(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), "cp", *words])


def _in_debugger(conn: ClusterConnection, script: str) -> bytes:
    out = bytearray()
    result = exec_command(conn, NAMESPACE, POD, "cp", ["sh", "-c", script], on_stdout=out.extend)
    assert result.exit_code == 0, result
    return bytes(out)


def test_a_file_out_of_the_distroless_app_matches_byte_for_byte(demo_cluster: DemoCluster, debugger: Any,
                                                                tmp_path: Path, capsys: Any) -> None:
    info = resolve(DISTROLESS)
    assert info is not None and not info.has_shell, "the target has no shell (nor tar): kubectl cp fails there"
    local = tmp_path / "os-release"
    assert _cp(demo_cluster, f"{POD}:/etc/os-release", str(local), "-c", "app") == 0
    assert local.read_bytes() == str(info.files["/etc/os-release"]).encode()
    assert local.stat().st_mode & 0o077 == 0, "files written for the user are private"
    out = capsys.readouterr().out
    assert "verified: sha256sum in the debugger" in out and "via /proc/1/root through debugger cp" in out


def test_without_sha256sum_in_the_debugger_both_ends_of_the_stream_are_hashed(
        demo_cluster: DemoCluster, debugger: ClusterConnection, tmp_path: Path, capsys: Any) -> None:
    _in_debugger(debugger, "rm /bin/sha256sum")
    data = bytes(range(256))
    (tmp_path / "in.bin").write_bytes(data)
    assert _cp(demo_cluster, str(tmp_path / "in.bin"), f"{POD}:/tmp/", "-c", "app") == 0  # into the directory
    assert _cp(demo_cluster, f"{POD}:/tmp/in.bin", str(tmp_path / "out.bin"), "-c", "app") == 0
    out = capsys.readouterr().out
    assert out.count("both ends hashed locally (the debugger has no sha256sum)") == 2
    assert (tmp_path / "out.bin").read_bytes() == data


@pytest.mark.parametrize("size", ["all-bytes", "1MB"])
def test_a_file_copied_in_is_seen_at_proc_pid_root_and_copies_back_identical(
        demo_cluster: DemoCluster, debugger: ClusterConnection, tmp_path: Path, capsys: Any, size: str) -> None:
    data = bytes(range(256)) * 3 if size == "all-bytes" else random.Random(13).randbytes(1 << 20)
    source = tmp_path / "blob.bin"
    source.write_bytes(data)
    assert _cp(demo_cluster, str(source), f"{NAMESPACE}/{POD}:/tmp/blob.bin", "-c", "app") == 0
    copied_in = capsys.readouterr()
    assert "verified" in copied_in.out
    if size == "1MB":
        assert f"{len(data)} / {len(data)} bytes (100 %)" in copied_in.err, "progress for a large file"
    seen = _in_debugger(debugger, "wc -c < /proc/1/root/tmp/blob.bin; ls /proc/1/root/tmp")
    assert seen.split() == [str(len(data)).encode(), b"blob.bin"], "visible in the target's root"

    back = tmp_path / "back.bin"
    assert _cp(demo_cluster, f"{POD}:/tmp/blob.bin", str(back), "-c", "app") == 0
    assert back.read_bytes() == data

    entries = [e for e in AuditLog().read() if e.action == FILE_COPIED_IN]
    assert len(entries) == 1 and entries[0].ok and entries[0].pod == POD
    assert entries[0].request["remote"] == "/tmp/blob.bin" and entries[0].request["bytes"] == len(data)


def test_a_directory_comes_out_by_tar_in_the_debugger(demo_cluster: DemoCluster, debugger: Any,
                                                      tmp_path: Path, capsys: Any) -> None:
    assert _cp(demo_cluster, f"{POD}:/etc", str(tmp_path / "etc"), "-c", "app") == 0
    assert "copied directory" in capsys.readouterr().out
    info = resolve(DISTROLESS)
    assert info is not None
    assert (tmp_path / "etc" / "passwd").read_bytes() == str(info.files["/etc/passwd"]).encode()


def test_without_a_debugger_sharing_its_processes_it_says_what_to_do(demo_cluster: DemoCluster,
                                                                     tmp_path: Path, capsys: Any) -> None:
    assert _cp(demo_cluster, f"{POD}:/etc/os-release", str(tmp_path / "x"), "-c", "app") == 1
    err = capsys.readouterr().err
    assert "no running debugger" in err and "--target=app" in err
    assert not (tmp_path / "x").exists()
    assert _cp(demo_cluster, str(tmp_path / "a"), str(tmp_path / "b")) == 2, "one side must be POD:PATH"
    with pytest.raises(CopyPlanError):
        choose_debugger({"metadata": {"name": POD}, "spec": {"containers": [{"name": "app"}]}}, "nope")


async def test_F_in_the_browser_copies_a_file_out_with_its_checksum(demo_cluster: DemoCluster, debugger: Any,
                                                                     tmp_path: Path) -> None:
    """The key on a pod opens the copy modal: path in the container, local path, Ctrl+S; the status
    says what was copied and how its sha256 was checked; the file is the image's, byte for byte."""
    info = resolve(DISTROLESS)
    assert info is not None
    app: Any = make_app(demo_cluster.kubeconfig_path)
    local = tmp_path / "passwd"
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, (NAMESPACE, POD))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FileCopyModal), what="the copy modal")
        modal = app.screen
        await pilot.press(*"/etc/passwd", "enter")  # then the local path's field
        modal.query_one("#local").value = str(local)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "verified" in modal.status_text, what="the copy's result")
        assert "sha256" in modal.status_text and "debugger cp" in modal.status_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, FileCopyModal), what="closed")
    assert local.read_bytes() == str(info.files["/etc/passwd"]).encode()


# ---- copy in: the pre-flight (RBAC, the probe) and the question before an overwrite ---------------
def _existing(conn: ClusterConnection, tmp_path: Path, capsys: Any, demo_cluster: DemoCluster) -> bytes:
    """/tmp/conf.txt in the target, copied in first (--yes: an earlier test on this module's cluster
    may have left it there, and without a terminal an overwrite is refused unless asked for)."""
    (tmp_path / "old.txt").write_bytes(b"old content\n")
    code = _cp(demo_cluster, str(tmp_path / "old.txt"), f"{POD}:/tmp/conf.txt", "-c", "app", "--yes")
    printed = capsys.readouterr()
    assert code == 0, printed
    assert _in_debugger(conn, "cat /proc/1/root/tmp/conf.txt") == b"old content\n"
    return b"old content\n"


def test_cp_in_over_an_existing_file_is_refused_without_a_terminal_and_goes_ahead_with_yes(
        demo_cluster: DemoCluster, debugger: ClusterConnection, tmp_path: Path, capsys: Any) -> None:
    old = _existing(debugger, tmp_path, capsys, demo_cluster)
    (tmp_path / "new.txt").write_bytes(b"new content, longer\n")
    assert _cp(demo_cluster, str(tmp_path / "new.txt"), f"{POD}:/tmp/conf.txt", "-c", "app") == 1
    err = capsys.readouterr().err
    assert "refused" in err and "/tmp/conf.txt (12 B) in container app" in err and "--yes" in err
    assert _in_debugger(debugger, "cat /proc/1/root/tmp/conf.txt") == old, "nothing written"
    assert len([e for e in AuditLog().read() if e.action == FILE_COPIED_IN]) == 1, "the first copy only"

    assert _cp(demo_cluster, str(tmp_path / "new.txt"), f"{POD}:/tmp/conf.txt", "-c", "app", "--yes") == 0
    assert "verified" in capsys.readouterr().out
    assert _in_debugger(debugger, "cat /proc/1/root/tmp/conf.txt") == b"new content, longer\n"
    assert len([e for e in AuditLog().read() if e.action == FILE_COPIED_IN]) == 2


def test_cp_in_without_create_pods_exec_says_so_before_writing(
        demo_cluster: DemoCluster, debugger: ClusterConnection, tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "in.txt").write_bytes(b"data\n")
    demo_cluster.faults.deny("create", "pods", "exec", NAMESPACE)
    assert _cp(demo_cluster, str(tmp_path / "in.txt"), f"{POD}:/tmp/denied.txt", "-c", "app", "--yes") == 1
    err = capsys.readouterr().err
    assert "forbidden" in err and "create pods/exec in namespace default" in err and "nothing was written" in err
    assert not [e for e in AuditLog().read() if e.action == FILE_COPIED_IN], "nothing attempted"
    demo_cluster.faults.allow_all()
    assert _in_debugger(debugger, "ls /proc/1/root/tmp/denied.txt 2>&1 || echo absent").strip().endswith(b"absent")


@pytest.mark.parametrize("answer", ["cancel", "overwrite"])
async def test_F_copy_in_over_an_existing_file_asks_first(demo_cluster: DemoCluster, debugger: ClusterConnection,
                                                          tmp_path: Path, capsys: Any, answer: str) -> None:
    """The modal's copy in: the pre-flight, then ConfirmModal naming the file and its size (the focus
    on Cancel); Cancel leaves the file as it was, Overwrite replaces it (compared by cat)."""
    old = _existing(debugger, tmp_path, capsys, demo_cluster)
    new = tmp_path / "new.txt"
    new.write_bytes(b"replaced\n")
    app: Any = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, (NAMESPACE, POD))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FileCopyModal), what="the copy modal")
        modal = app.screen
        modal.query_one("#direction").value = "in"
        modal.query_one("#remote").value = "/tmp/conf.txt"
        modal.query_one("#local").value = str(new)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal) and app.screen.focused is not None,
                       what="the question, its focus set")
        confirm = app.screen
        title = str(confirm.query_one("#confirm-title").render())
        assert title == "overwrite /tmp/conf.txt (12 B) in container app of pod slim-79487d6484-h4rss?"
        assert "no server dry run" in str(confirm.query_one("#confirm-reasons").render())
        assert confirm.focused is not None and confirm.focused.id == "confirm-no"
        if answer == "cancel":
            await pilot.press("enter")  # the focused Cancel
            await wait_for(pilot, lambda: "cancelled" in modal.status_text, what="cancelled")
        else:
            await pilot.press("y")
            await wait_for(pilot, lambda: "verified" in modal.status_text, what="the copy's result")
    expected = old if answer == "cancel" else b"replaced\n"
    assert _in_debugger(debugger, "cat /proc/1/root/tmp/conf.txt") == expected
    assert len([e for e in AuditLog().read() if e.action == FILE_COPIED_IN]) == (1 if answer == "cancel" else 2)
