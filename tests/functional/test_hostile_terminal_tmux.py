"""The hostile pod in a real terminal: the installed `ephemera` in tmux with `set-clipboard on`
(OSC 52 from an application reaches tmux's paste buffers and the outer terminal's clipboard) and
window renaming allowed. The pod's fields hold OSC 52, OSC 0, CSI 2J, 8-bit CSI, DEL and bidi
overrides; after the app has shown the pod in its table and inspector (and repainted them), tmux has
no paste buffer, the pane and window titles are untouched, and the text is on screen visibly."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.hostile_pods import HOSTILE_POD, add_hostile_pod
from helpers.tmux import EPHEMERA, TMUX, user_command
from tui.demo.cluster import DemoCluster

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: this test runs the app in a real terminal"),
    pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})"),
]


def test_a_hostile_pod_cannot_reach_the_terminal(demo_cluster: DemoCluster, tmp_path: Path) -> None:
    assert TMUX is not None
    add_hostile_pod(demo_cluster)
    socket = f"ephemera-hostile-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> str:
        return subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, timeout=30).stdout

    command = user_command(
        tmp_path, f"{shlex.quote(str(EPHEMERA))} --kubeconfig {shlex.quote(str(demo_cluster.kubeconfig_path))}")
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50", "-s", "h", "-n", "ephemera-window",
         command)
    try:
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("set-option", "-g", "allow-rename", "on")
        tmux("set-option", "-g", "allow-passthrough", "off")
        title_before = tmux("display", "-p", "-t", "h", "#{pane_title}").strip()

        def wait(condition: Callable[[str], object], what: str, timeout: float = 30.0) -> str:
            deadline = time.monotonic() + timeout
            screen = ""
            while time.monotonic() < deadline:
                screen = tmux("capture-pane", "-p", "-t", "h")
                if condition(screen):
                    return screen
                time.sleep(0.05)
            raise AssertionError(f"timed out waiting for {what}; screen:\n{screen}")

        wait(lambda s: HOSTILE_POD in s and "● live" in s, "the hostile pod's row")
        # the first row is inspected at once: its messages, capabilities, volumes are on screen
        inspected = "│ default/aaa-hostile"
        screen = wait(lambda s: inspected in s and "last termination" in s, "the inspector on the hostile pod")
        assert "␛]52;c;" in screen and "<U+202E>evil" in screen and "[/][link=https://evil.exa" in screen
        tmux("send-keys", "-t", "h", "j")  # repaint the rows (the cursor moves) and the inspector
        wait(lambda s: inspected not in s, "the next pod inspected")
        tmux("send-keys", "-t", "h", "k")
        wait(lambda s: inspected in s, "the hostile pod inspected again")
        assert tmux("list-buffers") == "", "an OSC 52 from the pod reached the clipboard"
        assert tmux("display", "-p", "-t", "h", "#{pane_title}").strip() == title_before
        assert tmux("display", "-p", "-t", "h", "#{window_name}").strip() == "ephemera-window"
        tmux("send-keys", "-t", "h", "q")
    finally:
        tmux("kill-server")
