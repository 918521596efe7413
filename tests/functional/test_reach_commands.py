"""What stays in the cluster is said with commands that reach it: with `--kubeconfig FILE` (and no
$KUBECONFIG, no ~/.kube/config) every `kubectl` command Ephemera prints names that kubeconfig and
the context, or it would answer `context "..." does not exist` or talk to another cluster. The
printed command is then run with the real kubectl when it is installed."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.demo.cluster import DemoCluster

EPHEMERA = Path(sys.executable).with_name("ephemera")
POD = "web-5d9c7b8f4-m4k8p"


@pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})")
def test_the_printed_attach_command_names_the_kubeconfig(demo_cluster: DemoCluster, tmp_path: Path) -> None:
    kubeconfig = demo_cluster.kubeconfig_path
    assert kubeconfig is not None
    env = {key: value for key, value in os.environ.items() if key != "KUBECONFIG"}
    env["HOME"] = str(tmp_path / "home")  # no ~/.kube/config to fall back on
    result = subprocess.run(
        [str(EPHEMERA), "debug", "--kubeconfig", str(kubeconfig), "-n", "default", POD,
         "--no-attach", "--yes", "--profile", "general"],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("kubectl ")]
    assert commands, result.stdout
    for command in commands:
        assert str(kubeconfig) in command, f"{command!r} does not name the kubeconfig {kubeconfig}"
    if shutil.which("kubectl"):
        # the printed attach command's flags, as a user would paste them (`get` instead of attaching)
        flags = _global_flags(shlex.split(commands[0]))
        check = subprocess.run(["kubectl", "get", "pod", POD, *flags], capture_output=True, text=True, timeout=60,
                               env=env)
        assert check.returncode == 0, check.stderr


def _global_flags(words: list[str]) -> list[str]:
    """The namespace, context and kubeconfig flags of a printed kubectl command."""
    flags = []
    for index, word in enumerate(words):
        if word in ("-n", "--context", "--kubeconfig"):
            flags += [word, words[index + 1]]
    return flags
