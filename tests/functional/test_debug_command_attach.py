"""`ephemera debug --raw-attach` in a real pseudo-terminal: create, wait, attach in the plain
terminal, use the shell, exit; and the reuse offer on a terminal. (Without --raw-attach the TUI
opens on the session: tests/functional/test_debug_command_tui.py.)"""

from __future__ import annotations

from helpers.pty_terminal import Terminal
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"


def one_line(output: bytes) -> str:
    return " ".join(output.decode(errors="replace").split())


def test_attach_in_the_terminal_and_use_the_shell(demo_cluster: DemoCluster) -> None:
    """`exit 5` ends the debugger: the CLI says it has ended with that code and that an ephemeral
    container cannot be restarted, never to "resume ... while the container runs"."""
    term = Terminal("--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "--target=app", "-c", "live",
                    "--raw-attach")
    term.read_until(lambda out: b"/ # " in out)
    assert b"container live is running in pod default/" + SLIM.encode() in term.output
    term.type("ps\r")
    term.read_until(lambda out: b"http.server" in out)
    term.type("exit 5\r")
    assert term.wait() == 0
    said = one_line(term.output)
    flags = f"--context ephemera-demo --kubeconfig {demo_cluster.kubeconfig_path}"  # the session's cluster
    assert (f"live has ended (exit code 5) in default/{SLIM}: an ephemeral container cannot be restarted; "
            f"its output: `kubectl logs {SLIM} -c live -n default {flags}`") in said
    assert "resume" not in said and "keeps running" not in said and "Session ended" not in said


def test_reuse_offer_on_a_terminal(demo_cluster: DemoCluster) -> None:
    kubeconfig = str(demo_cluster.kubeconfig_path)
    first = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "-c", "keep", "--no-attach")
    assert first.wait(15) == 0
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "--raw-attach")
    term.read_until(lambda out: b"[Y/n]" in out)
    assert b"debug container 'keep' of the same image and mode is running" in term.output
    term.type("\r")
    term.read_until(lambda out: b"/ # " in out)
    assert b"container keep is running" in term.output
    term.type("\x1d")  # Ctrl+] detaches
    assert term.wait() == 0
    said = one_line(term.output)
    assert f"detached from keep in default/{SLIM}; it keeps running: re-attach with `kubectl attach -it {SLIM} -c keep" in said
    assert "a on the pod in ephemera" in said
    assert "Session ended" not in said and "has ended" not in said
