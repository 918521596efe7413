"""`ephemera cp` copying a file in over an existing one asks y/N on a terminal (issue 13): run in a
real pty against the demo cluster, Enter alone leaves the file as it was, `y` replaces it."""

from __future__ import annotations

from pathlib import Path

from helpers.copy_debugger import NAMESPACE, POD, start_copy_debugger
from helpers.pty_terminal import Terminal
from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.connection import ClusterConnection
from tui.kube.file_copy import exec_command

WAIT = 60.0


def _target_file(conn: ClusterConnection) -> bytes:
    out = bytearray()
    result = exec_command(conn, NAMESPACE, POD, "cp", ["cat", "/proc/1/root/tmp/conf.txt"], on_stdout=out.extend)
    assert result.exit_code == 0, result
    return bytes(out)


def test_cp_in_over_an_existing_file_asks_on_a_terminal(demo_cluster: DemoCluster, tmp_path: Path) -> None:
    conn = start_copy_debugger(demo_cluster)
    kubeconfig = str(demo_cluster.kubeconfig_path)
    (tmp_path / "old.txt").write_bytes(b"old content\n")
    assert main(["--kubeconfig", kubeconfig, "cp", str(tmp_path / "old.txt"), f"{POD}:/tmp/conf.txt",
                 "-c", "app", "--yes"]) == 0
    (tmp_path / "new.txt").write_bytes(b"new content, longer\n")
    argv = ("--kubeconfig", kubeconfig, "cp", str(tmp_path / "new.txt"), f"{POD}:/tmp/conf.txt", "-c", "app")

    term = Terminal(*argv)
    term.read_until(lambda out: b"[y/N]" in out, timeout=WAIT)
    assert f"Overwrite /tmp/conf.txt (12 B) in container app of pod {POD}? [y/N]".encode() in term.output
    term.type("\r")  # Enter alone: no
    assert term.wait(WAIT) == 1
    assert b"cancelled: nothing was written" in term.output
    assert _target_file(conn) == b"old content\n"

    term = Terminal(*argv)
    term.read_until(lambda out: b"[y/N]" in out, timeout=WAIT)
    term.type("y\r")
    assert term.wait(WAIT) == 0
    assert b"verified" in term.output
    assert _target_file(conn) == b"new content, longer\n"
