"""`ephemera debug` against the real demo cluster: root on the node asks first (from any flag or
--custom), and bounded, validated input: nothing is sent for a bad file, number or name."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.demo_http import Raw
from helpers.pty_terminal import Terminal
from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.debug_runner import fetch_pod

SLIM = "slim-79487d6484-h4rss"
MIB = 1024 * 1024


def debug(cluster: DemoCluster, *words: str, kubeconfig: Path | None = None) -> int:
    return main(["--kubeconfig", str(kubeconfig or cluster.kubeconfig_path), "debug", *words])


def ephemeral(cluster: DemoCluster, pod: str = SLIM) -> dict[str, dict[str, Any]]:
    obj = fetch_pod(KubeConfig.load(str(cluster.kubeconfig_path)).connect(), "default", pod)
    return {c["name"]: c for c in obj["spec"].get("ephemeralContainers") or []}


def arm_tripwire(cluster: DemoCluster) -> None:
    """The next request to the cluster, whoever sends it, gets a 503."""
    cluster.faults.fail_requests(status=503, count=1)


def nothing_was_sent(cluster: DemoCluster) -> bool:
    """True when the tripwire is still armed: no request reached the cluster since."""
    return Raw(cluster).request("GET", "/version").status == 503


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


# --------------------------------------------------------------------------- root on the node asks


def test_custom_file_adding_sys_module_is_refused_without_a_terminal(
        demo_cluster: DemoCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    custom = write(tmp_path / "mod.yaml", "securityContext:\n  capabilities:\n    add: [cap_sys_module]\n")
    before = ephemeral(demo_cluster)
    assert debug(demo_cluster, SLIM, "--image", "busybox", "--custom", custom, "--no-attach", "-c", "mod") == 1
    err = capsys.readouterr().err
    assert ("refused: the debug container adds capability SYS_MODULE: loads kernel modules, code in the "
            "node's kernel. Nothing was created; pass --yes") in err
    assert ephemeral(demo_cluster) == before
    assert debug(demo_cluster, SLIM, "--image", "busybox", "--custom", custom, "--no-attach", "-c", "mod",
                 "--yes") == 0
    assert ephemeral(demo_cluster)["mod"]["securityContext"]["capabilities"]["add"] == ["cap_sys_module"]


@pytest.mark.parametrize("flags, words", [
    (["--cap-add", "SYS_ADMIN"], "adds capability SYS_ADMIN: root on the node (mount, namespaces, cgroups)"),
    (["--cap-add", "all"], "adds capability ALL: every capability, root on the node"),
    (["--cap-add", "CAP_DAC_READ_SEARCH"], "adds capability DAC_READ_SEARCH: reads any file on the node's"),
])
def test_root_equivalent_capabilities_need_yes(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str],
                                               flags: list[str], words: str) -> None:
    before = ephemeral(demo_cluster)
    assert debug(demo_cluster, SLIM, "--no-attach", *flags) == 1
    assert f"refused: the debug container {words}" in capsys.readouterr().err
    assert ephemeral(demo_cluster) == before


def test_profile_defaults_create_without_asking(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "--no-attach", "--profile=netadmin", "-c", "net") == 0
    assert debug(demo_cluster, SLIM, "--no-attach", "--profile=general", "--target=app", "-c", "gen") == 0
    assert "refused" not in capsys.readouterr().err
    created = ephemeral(demo_cluster)
    assert created["net"]["securityContext"]["capabilities"]["add"] == ["NET_ADMIN", "NET_RAW"]
    assert created["gen"]["securityContext"]["capabilities"]["add"] == ["SYS_PTRACE"]


def test_the_question_on_a_terminal(demo_cluster: DemoCluster) -> None:
    kubeconfig = str(demo_cluster.kubeconfig_path)
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "--cap-add", "SYS_ADMIN", "-c", "asked", "--no-attach")
    term.read_until(lambda out: b"Continue? [y/N]" in out)
    assert b"This needs your confirmation:" in term.output
    assert b"  - the debug container adds capability SYS_ADMIN: root on the node" in term.output
    term.type("\r")  # Enter alone: no
    assert term.wait(15) == 1
    assert b"cancelled" in term.output and "asked" not in ephemeral(demo_cluster)
    term = Terminal("--kubeconfig", kubeconfig, "debug", SLIM, "--cap-add", "SYS_ADMIN", "-c", "asked", "--no-attach")
    term.read_until(lambda out: b"Continue? [y/N]" in out)
    term.type("y\r")
    assert term.wait(15) == 0
    assert "SYS_ADMIN" in ephemeral(demo_cluster)["asked"]["securityContext"]["capabilities"]["add"]


# --------------------------------------------------------------------------- the --custom file


def _run_cli(*args: str, stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    """In a process of its own, with a deadline: a read that never ends fails the test, not the suite."""
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=60,
                          stdin=stdin)


def test_custom_device_and_fifo_are_refused_at_once(demo_cluster: DemoCluster, tmp_path: Path) -> None:
    fifo = tmp_path / "spec.fifo"
    os.mkfifo(fifo)
    for path, kind in (("/dev/zero", "a character device"), (str(fifo), "a FIFO (named pipe)")):
        arm_tripwire(demo_cluster)
        result = _run_cli("--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, "--custom", path,
                          "--no-attach")
        assert result.returncode == 2
        assert result.stderr.strip() == (f"ephemera debug: --custom file {path} is {kind}, not a regular file: "
                                          "name a file")
        assert nothing_was_sent(demo_cluster)


def test_custom_file_over_one_mib_is_refused_and_one_mib_is_read(
        shared_cluster: DemoCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = write(tmp_path / "big.json", "{}" + " " * (MIB - 1))
    assert debug(shared_cluster, SLIM, "--custom", big, "--dry-run") == 2
    assert f"--custom file {big} is larger than 1 MiB: refused" in capsys.readouterr().err
    exact = write(tmp_path / "exact.json", '{"workingDir": "/tmp"}'.ljust(MIB))
    assert debug(shared_cluster, SLIM, "--custom", exact, "--dry-run") == 0
    (request,) = json.loads(capsys.readouterr().out)
    assert request["body"]["spec"]["ephemeralContainers"][-1]["workingDir"] == "/tmp"


def test_custom_from_stdin_is_bounded_too(shared_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"#" * (MIB + 10)))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert debug(shared_cluster, SLIM, "--custom", "-", "--dry-run") == 2
    assert "--custom file standard input is larger than 1 MiB: refused" in capsys.readouterr().err


def test_custom_yaml_alias_bomb_is_refused(shared_cluster: DemoCluster, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    bomb = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")  # 9**9 x's once expanded
    assert debug(shared_cluster, SLIM, "--custom", bomb, "--dry-run") == 2
    assert "YAML aliases (*NAME at line 2, column 8) are not accepted" in capsys.readouterr().err


# --------------------------------------------------------------------------- numbers and names


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "0", "1e9", "soon"])
def test_a_timeout_that_cannot_be_is_refused_before_anything_is_created(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str], value: str) -> None:
    before = ephemeral(demo_cluster)
    arm_tripwire(demo_cluster)
    with pytest.raises(SystemExit) as stop:
        debug(demo_cluster, SLIM, f"--timeout={value}", "--no-attach")
    assert stop.value.code == 2
    assert (f"argument --timeout: '{value}' is not a number of seconds greater than 0 and at most 86400"
            in capsys.readouterr().err)
    assert nothing_was_sent(demo_cluster)
    assert ephemeral(demo_cluster) == before


@pytest.mark.parametrize("flag", ["--run-as-user", "--run-as-group"])
@pytest.mark.parametrize("value", ["-5", "2147483648", "1.5"])
def test_user_and_group_ids_outside_the_apis_range_are_refused(
        shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str], flag: str, value: str) -> None:
    with pytest.raises(SystemExit) as stop:
        debug(shared_cluster, SLIM, f"{flag}={value}", "--dry-run")
    assert stop.value.code == 2
    what = "user" if flag == "--run-as-user" else "group"
    assert f"argument {flag}: '{value}' is not a {what} id: a whole number from 0 to 2147483647" in (
        capsys.readouterr().err)


def test_namespace_flag_must_be_a_namespace_name(demo_cluster: DemoCluster,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    arm_tripwire(demo_cluster)
    for value in ("..", "Kube_System", "a/b", "x" * 64):
        with pytest.raises(SystemExit) as stop:
            debug(demo_cluster, SLIM, "-n", value, "--dry-run")
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert "argument -n/--namespace:" in err and "is not a valid namespace name: a lowercase RFC 1123 label" in err
    with pytest.raises(SystemExit):
        main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "cleanup", "-n", "../x", "--dry-run"])
    assert nothing_was_sent(demo_cluster)


@pytest.mark.parametrize("words, what", [
    ([".."], "pod"),
    (["pod/../../nodes/x"], "pod"),
    (["pod/Slim"], "pod"),
    (["pod/"], "pod"),
    ([SLIM, "-c", "Bad_Name"], "debug container"),
    ([SLIM, "--target", "app\x1b]0;x\x07"], "target container"),
    ([SLIM, "--copy-to", "Copy"], "copy"),
])
def test_names_that_cannot_be_kubernetes_names_are_refused_before_any_request(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str], words: list[str], what: str) -> None:
    arm_tripwire(demo_cluster)
    assert debug(demo_cluster, *words, "--no-attach") == 2
    err = capsys.readouterr().err
    assert f"{what}" in err and "is not a valid" in err and "RFC 1123" in err
    assert "\x1b" not in err  # the user's text is shown, its escapes made visible
    assert nothing_was_sent(demo_cluster)


def test_a_context_namespace_that_cannot_be_is_refused(demo_cluster: DemoCluster, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(demo_cluster.kubeconfig_path.read_text())
    config["contexts"][0]["context"]["namespace"] = "Not/A/Namespace"
    kubeconfig = tmp_path / "bad-namespace"
    kubeconfig.write_text(yaml.safe_dump(config))
    arm_tripwire(demo_cluster)
    assert debug(demo_cluster, SLIM, "--dry-run", kubeconfig=kubeconfig) == 2
    assert "namespace: 'Not/A/Namespace' is not a valid namespace name" in capsys.readouterr().err
    assert nothing_was_sent(demo_cluster)


def test_demo_cluster_pod_count_is_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["demo-cluster", "--pods", "100000000"])
    assert stop.value.code == 2
    assert "argument --pods: '100000000' is not a number of pods: a whole number from 0 to 100000" in (
        capsys.readouterr().err)


def test_custom_keys_that_are_no_container_field_are_dropped_and_named(
        shared_cluster: DemoCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """~/.docker/config.json passed by mistake: kubectl decodes a v1.Container and drops `auths`;
    so does Ephemera, and it says so (--dry-run shows what would be sent)."""
    config = write(tmp_path / "config.json", json.dumps(
        {"auths": {"registry.example": {"auth": "dXNlcjpzM2NyM3Q="}}, "workingDir": "/tmp"}))
    assert debug(shared_cluster, SLIM, "--image", "busybox", "--custom", config, "--dry-run") == 0
    captured = capsys.readouterr()
    (request,) = json.loads(captured.out)
    container = request["body"]["spec"]["ephemeralContainers"][-1]
    assert container["workingDir"] == "/tmp" and "auths" not in container
    assert "dXNlcjpzM2NyM3Q=" not in captured.out + captured.err
    assert "custom spec: ignored 'auths': not a field of a container" in captured.err
