"""What `ephemera debug` says on the command line (issue 12 item 10): -q is as quiet as kubectl's,
the attach hint names the key that attaches, -A is not offered for one pod, the pre-flight reads
in columns (no "name: v1.32.4: ..." double colon) and leaves out the PID-sharing node check in
shared-network mode, and long lines wrap to the terminal's width."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest

from helpers.pty_terminal import Terminal
from tui.cli import main
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
WEB = "web-5d9c7b8f4-m4k8p"
CHECK_LINE = re.compile(r"^  (ok  |info|WARN|FAIL)  ")


def debug(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), "debug", *words])


def test_quiet_prints_nothing_as_kubectls_quiet(demo_cluster: DemoCluster, kubectl: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """kubectl debug -q suppresses its informational messages ("Targeting container", "Defaulting
    debug container name", the waiting reasons): with --attach=false it prints nothing at all."""
    oracle = subprocess.run(
        [kubectl, "--kubeconfig", str(demo_cluster.kubeconfig_path), "--cache-dir", str(tmp_path / "cache"),
         "debug", SLIM, "--image=busybox", "--profile=general", "--target=app", "-q", "--attach=false"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert oracle.returncode == 0 and (oracle.stdout, oracle.stderr) == ("", "")
    assert debug(demo_cluster, SLIM, "--image=busybox", "--profile=general", "--target=app", "-q",
                 "--attach=false") == 0
    assert capsys.readouterr() == ("", "")
    # without -q both say what they did
    assert debug(demo_cluster, SLIM, "--image=busybox", "--target=app", "--no-attach") == 0
    out, err = capsys.readouterr()
    assert "is running in pod" in out and 'Targeting container "app"' in err


def test_quiet_still_reports_a_warning(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    """-q leaves out what went well, not what the user must know: a warning stays, on stderr."""
    assert debug(demo_cluster, "payments-api-7c9d8f6b5-x2kqp", "--image=busybox", "--target=api", "-q",
                 "--no-attach") == 0  # its only container is in a crash loop
    out, err = capsys.readouterr()
    assert out == ""
    assert re.search(r"^  WARN  target +container 'api' is waiting, not running", err, re.M), err
    assert "ok  " not in err and "is running in pod" not in err


def test_no_attach_hint_names_the_key_that_attaches(demo_cluster: DemoCluster, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, WEB, "-it", "--image=busybox", "--copy-to=web-hint", "-c", "dbg", "--no-attach") == 0
    out = capsys.readouterr().out
    assert "or in ephemera: select pod default/web-hint and press a (attach; pick dbg if asked)" in out
    assert "Enter" not in out
    config = tmp_path / "keys.toml"  # the user's [keys] remap the hint follows
    config.write_text('[keys]\nattach = "f2"\n')
    assert debug(demo_cluster, SLIM, "-c", "dbg2", "--no-attach", "--config", str(config)) == 0
    assert f"select pod default/{SLIM} and press F2 (attach" in capsys.readouterr().out


def test_debug_offers_no_all_namespaces(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["debug", "--help"])
    help_text = capsys.readouterr().out
    assert "-n NS, --namespace NS" in help_text and "--all-namespaces" not in help_text
    with pytest.raises(SystemExit) as refused:
        main(["debug", SLIM, "-A"])
    assert refused.value.code == 2 and "unrecognized arguments: -A" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # commands over many pods keep it
        main(["cleanup", "--help"])
    assert "-A, --all-namespaces" in capsys.readouterr().out


def test_preflight_in_columns_and_no_pid_check_for_shared_network(demo_cluster: DemoCluster,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "-c", "net", "--no-attach") == 0
    out = capsys.readouterr().out
    checks = [line for line in out.splitlines() if CHECK_LINE.match(line)]
    assert re.search(r"^  ok    server version +v1\.32\.\d+: ephemeral containers are generally available", out, re.M)
    assert not [line for line in checks if re.match(r"^  \S+ +[\w ]+: \S+: ", line)], checks  # no "name: x: y"
    assert "PID namespaces" not in out and not any(line[8:].startswith("node ") for line in checks)
    assert debug(demo_cluster, SLIM, "--target=app", "-c", "tgt", "--no-attach") == 0
    assert re.search(r"^  ok    node +demo-node-1 runs linux: PID namespaces can be shared$",
                     capsys.readouterr().out, re.M)


def test_policy_audit_and_preflight_wrap_to_the_terminal(demo_cluster: DemoCluster,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "64")
    kubeconfig = str(demo_cluster.kubeconfig_path)
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "--policy-audit")
    assert term.wait(20) == 0
    lines = term.output.decode().replace("\r", "").splitlines()
    assert lines and max(len(line) for line in lines) <= 64, lines
    table = "\n".join(lines[lines.index(next(line for line in lines if line.startswith("VARIANT"))):])
    assert "privileged: true" in table
    long_row = next(i for i, line in enumerate(lines) if line.startswith("host namespaces"))
    detail_column = lines[long_row].index("copy with")
    assert lines[long_row + 1].startswith(" " * detail_column) and lines[long_row + 1].strip()
    assert " ".join(table.split()).count("copy with hostPID, hostNetwork, hostIPC (pod fields: no ephemeral "
                                         "container can have them)") == 1
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "-c", "wrapped", "--no-attach")
    assert term.wait(20) == 0
    lines = term.output.decode().replace("\r", "").splitlines()
    first = lines.index(next(line for line in lines if line.startswith("pre-flight for")))
    preflight = list(itertools.takewhile(lambda line: line.startswith("  "), lines[first + 1:]))
    assert len(preflight) >= 8 and max(len(line) for line in [lines[first], *preflight]) <= 64, preflight
    assert any(not CHECK_LINE.match(line) for line in preflight)  # a check went on over a second line
