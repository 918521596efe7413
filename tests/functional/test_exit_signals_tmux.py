"""SIGTERM and SIGHUP leave the terminal as it was and say what stays in the cluster, as `q` does.

A real `ephemera --kubeconfig <demo cluster>` in a tmux pane, started by a small shell script that
saves `stty -a` first, records the process id (`echo $$; exec ephemera`), and after ephemera has
ended prints its exit code and saves `stty -a` again. The test waits for the pods on screen, sends
the signal to the ephemera process only (the pane's shell keeps the tty, as the terminal would
after `kill -HUP`), then checks the pane's modes through tmux's format variables (alternate
screen, mouse tracking, cursor, keypad, line wrap), bracketed paste and the kitty keyboard flags
(no format variable: read from the bytes the pane was sent, copied by `pipe-pane`), and that the
termios settings are the ones from before. Every wait polls the screen with a deadline.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.attach import add_debug_container_to
from helpers.tmux import EPHEMERA, TMUX, Terminal, user_command
from tui.demo.cluster import DemoCluster

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: these tests run ephemera in tmux"),
    pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})"),
]

SLIM = "slim-79487d6484-h4rss"
DONE = "STTY-SAVED"
# tmux's view of the pane's terminal modes, and what they are on a shell's normal screen
PANE_MODES = {
    "alternate_on": "0",  # the normal screen, not Textual's alternate one
    "mouse_any_flag": "0",
    "mouse_all_flag": "0",
    "mouse_button_flag": "0",
    "mouse_standard_flag": "0",
    "mouse_sgr_flag": "0",
    "mouse_utf8_flag": "0",
    "cursor_flag": "1",  # the cursor shown
    "keypad_cursor_flag": "0",
    "keypad_flag": "0",
    "wrap_flag": "1",
    "origin_flag": "0",
    "insert_flag": "0",
    "pane_in_mode": "0",
}


class Pane(Terminal):
    def screen(self) -> str:
        """The pane's text with wrapped lines joined (a long `kubectl attach` command is one line)."""
        return self.tmux("capture-pane", "-p", "-J", "-t", self.session).stdout

    def modes(self) -> dict[str, str]:
        template = "|".join(f"#{{{name}}}" for name in PANE_MODES)
        values = self.tmux("display-message", "-p", "-t", self.session, template).stdout.strip().split("|")
        return dict(zip(PANE_MODES, values, strict=False))


@pytest.fixture()
def pane(tmp_path: Path, demo_cluster: DemoCluster) -> Iterator[Pane]:
    term = Pane(f"ephemera-signals-{os.getpid()}-{uuid.uuid4().hex[:8]}", "signals")
    ephemera = shlex.join([str(EPHEMERA), "--kubeconfig", str(demo_cluster.kubeconfig_path)])  # type: ignore[attr-defined]
    script = (
        f"cd {shlex.quote(str(tmp_path))}; stty -a > stty-before.txt; "
        # ephemera starts once tmux copies what the pane writes (pipe-pane) into written.bin
        "while [ ! -e piped ]; do sleep 0.05; done; "
        f"sh -c {shlex.quote('echo $$ > ephemera.pid; exec ' + ephemera)}; "
        f'echo "ephemera exited with $?"; stty -a > stty-after.txt; echo {DONE}; exec sleep 600'
    )
    command = user_command(tmp_path, "sh -c " + shlex.quote(script))
    term.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", term.session, command)
    term.tmux("pipe-pane", "-o", "-t", term.session, f"cat >> {shlex.quote(str(tmp_path / 'written.bin'))}")
    (tmp_path / "piped").touch()
    try:
        yield term
    finally:
        term.tmux("kill-server", check=False)


def _pid(tmp_path: Path) -> int:
    return int((tmp_path / "ephemera.pid").read_text().strip())


def _stty_words(path: Path) -> list[str]:
    return re.split(r"[\s;]+", path.read_text().strip())


def _assert_terminal_restored(pane: Pane, tmp_path: Path) -> None:
    assert pane.modes() == PANE_MODES
    # modes tmux has no format variable for, read from the bytes the pane was sent
    written = tmp_path / "written.bin"
    pane.wait(lambda _screen: DONE.encode() in written.read_bytes(), "the pane's output copied")
    data = written.read_bytes()
    assert b"\x1b[?2004h" in data  # bracketed paste was on in the TUI...
    assert data.rindex(b"\x1b[?2004l") > data.rindex(b"\x1b[?2004h")  # ...and off after it
    tui = data.rindex(b"\x1b[?1049h")
    assert data.find(b"\x1b[<u", tui) > tui  # the kitty keyboard flags popped after the TUI
    after = _stty_words(tmp_path / "stty-after.txt")
    assert "icanon" in after and "echo" in after and "isig" in after, after  # cooked mode again
    assert after == _stty_words(tmp_path / "stty-before.txt")  # every termios setting as before


def _start(pane: Pane) -> None:
    pane.wait_text(SLIM, timeout=30)
    pane.wait_text("● live")  # the pod watch is connected
    assert pane.modes()["alternate_on"] == "1" and pane.modes()["mouse_any_flag"] == "1"  # the TUI's modes


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_restores_the_terminal(pane: Pane, tmp_path: Path, signum: signal.Signals, code: int) -> None:
    _start(pane)
    os.kill(_pid(tmp_path), signum)
    screen = pane.wait_text(DONE, timeout=30)
    assert f"ephemera exited with {code}" in screen
    assert "Traceback" not in screen
    assert "still running in the cluster" not in screen  # no session was open: nothing to report
    _assert_terminal_restored(pane, tmp_path)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_with_a_live_session_prints_what_keeps_running(pane: Pane, tmp_path: Path,
                                                                demo_cluster: DemoCluster,
                                                                signum: signal.Signals, code: int) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM)  # type: ignore[attr-defined]
    _start(pane)
    pane.type("/")
    pane.wait_text("filter: text, /regex/")
    pane.type("slim")
    pane.keys("Enter")
    pane.wait(lambda s: 'filter "slim"' in s and "web-5d9c7b8f4" not in s, "only slim listed")
    pane.type("a")  # attach to its debug container
    pane.wait(lambda s: "debugger ● live" in s, "the attach pane live")
    pane.wait(lambda s: re.search(r"^/ # *$", s, re.MULTILINE), "the debugger's shell prompt")
    os.kill(_pid(tmp_path), signum)
    screen = pane.wait_text(DONE, timeout=30)
    assert f"ephemera exited with {code}" in screen
    assert "ephemera: still running in the cluster (ephemeral containers cannot be removed):" in screen
    assert (f"default/{SLIM}/debugger  re-attach: kubectl attach -it -n default {SLIM} -c debugger --context "
            "ephemera-demo --kubeconfig") in screen.replace("\n", "")
    assert "Traceback" not in screen
    _assert_terminal_restored(pane, tmp_path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
