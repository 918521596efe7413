"""The hostile pod in a real terminal: the installed `ephemera` in tmux with `set-clipboard on`
(OSC 52 from an application reaches tmux's paste buffers and the outer terminal's clipboard) and
window renaming allowed. The pod's fields hold OSC 52, OSC 0, OSC 8, CSI 2J, 8-bit CSI, DCS, APC,
RIS, CR, BS, DEL, bidi overrides and invisible characters. Every byte the app writes to its terminal
is recorded (tmux pipe-pane -O) while it shows the pod in its table and inspector, the help, the
YAML view, the logs picker, the audit log view and a waiting shell pane on the pod: the recording
holds no escape sequence but Textual's own CSI ones (and OSC 22, the pointer shape), no C1, no DEL,
no bidi or invisible character; tmux has no paste buffer, the pane and window titles are untouched,
and the text is on screen visibly."""

from __future__ import annotations

import os
import re
import shlex
import uuid
from pathlib import Path

import pytest

from helpers.hostile_pods import HOSTILE_POD, add_hostile_pod
from helpers.tmux import EPHEMERA, TMUX, Terminal, user_command
from tui.demo.cluster import DemoCluster
from tui.visible_text import UNSAFE_BEYOND_C0

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: this test runs the app in a real terminal"),
    pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})"),
]

# An escape sequence: CSI (ESC [ parameters intermediates final), OSC (ESC ] ... BEL or ST), DCS /
# APC / PM / SOS (ESC P, _, ^, X ... ST), or any other ESC and the character after it.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P_^X][^\x1b]*\x1b\\|\x1b.?",
                     re.DOTALL)
# What Textual itself writes: SGR, cursor positions and moves, private modes (alternate screen,
# mouse, bracketed paste, synchronized output) and their DECRQM queries, the kitty keyboard flags.
_OWN_CSI = re.compile(r"\x1b\[(?:[0-9;:]*[mHABCDfG]|\?[0-9;]*(?:[hl]|\$p)|[<>=]?[0-9;]*u)")
# C1 controls, DEL, every format character, LS/PS and variation selectors (8-bit CSI is U+009B):
# the sanitiser's own definition, but C0 (the app's drawing is ESC, CR, LF)
_FORBIDDEN = UNSAFE_BEYOND_C0


def unexpected_escapes(raw: str, *, copied: bool = False) -> list[str]:
    """Every escape sequence in `raw` that is not the app's own drawing (`_OWN_CSI`, OSC 22: the
    pointer shape, OSC 52 only when the test copied). Anything else (a CSI 2 J, OSC 0/8/52, DCS, APC,
    RIS...) is listed."""
    found = []
    for match in _ESCAPE.finditer(raw):
        sequence = match.group()
        if _OWN_CSI.fullmatch(sequence):
            continue
        if sequence.startswith("\x1b]22;") or (copied and sequence.startswith("\x1b]52;")):
            continue
        found.append(repr(sequence[:40]))
    return found


def test_a_hostile_pod_cannot_reach_the_terminal(demo_cluster: DemoCluster, tmp_path: Path) -> None:
    assert TMUX is not None
    add_hostile_pod(demo_cluster)
    recording = tmp_path / "written.bin"
    term = Terminal(f"ephemera-hostile-{os.getpid()}-{uuid.uuid4().hex[:8]}", "h")
    # the app starts once the recording runs (Enter), so every byte it writes is recorded
    app = f"{shlex.quote(str(EPHEMERA))} --kubeconfig {shlex.quote(str(demo_cluster.kubeconfig_path))}"
    command = user_command(tmp_path, "sh -c " + shlex.quote(f"read _; exec {app}"))
    term.tmux("-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50", "-s", "h", "-n", "ephemera-window",
              command)
    try:
        term.tmux("set-option", "-g", "set-clipboard", "on")
        term.tmux("set-option", "-g", "allow-rename", "on")
        term.tmux("set-option", "-g", "allow-passthrough", "off")
        term.tmux("pipe-pane", "-O", "-t", "h", f"cat > {shlex.quote(str(recording))}")
        title_before = term.tmux("display", "-p", "-t", "h", "#{pane_title}").stdout.strip()
        term.keys("Enter")

        term.wait(lambda s: HOSTILE_POD in s and "● live" in s, "the hostile pod's row")
        # the first row is inspected at once: its messages, capabilities, volumes are on screen
        inspected = "│ default/aaa-hostile"
        screen = term.wait(lambda s: inspected in s and "problem" in s, "the inspector on the hostile pod")
        assert "␛]52;c;" in screen and "<U+202E>evil" in screen and "[/][link=https://evil.exa" in screen
        assert "␛[8m␛[H" in screen  # a bare CSI (conceal, home) shown, not obeyed
        term.keys("j")  # repaint the rows (the cursor moves) and the inspector
        term.wait(lambda s: inspected not in s, "the next pod inspected")
        term.keys("k")
        term.wait(lambda s: inspected in s, "the hostile pod inspected again")

        # more views of the pod, each left the way it came
        term.keys("?")
        term.wait_text("Keys: pod browser")
        term.keys("Escape")
        term.wait(lambda s: "Keys: pod browser" not in s and inspected in s, "the help closed")
        term.keys("v")
        term.wait(lambda s: "read-only" in s and "YAML" in s, "the YAML view")
        term.keys("Escape")
        term.wait(lambda s: inspected in s and "read-only" not in s, "the YAML view closed")
        term.keys("l")
        term.wait_text("type to filter")
        term.keys("Escape")
        term.wait(lambda s: "type to filter" not in s and inspected in s, "the logs picker closed")
        term.keys("L")
        term.wait_text("Audit log: every change")
        term.keys("Escape")
        term.wait(lambda s: "Audit log: every change" not in s and inspected in s, "the audit log closed")
        term.keys("s")
        term.wait(lambda s: "type to filter" in s or " 1 aaa-hostile/" in s, "the shell picker or the pane's tab")
        if "type to filter" in term.screen():
            term.keys("Enter")
        term.wait(lambda s: "waiting: CrashLoopBackOff␛]52;c;" in s, "the waiting pane's tab label")
        term.keys("C-]")
        term.wait(lambda s: "x close" in s, "the tab bar")
        term.keys("x")
        term.wait(lambda s: "waiting: CrashLoopBackOff" not in s, "the pane closed")

        assert term.tmux("list-buffers").stdout == "", "an OSC 52 from the pod reached the clipboard"
        assert term.tmux("display", "-p", "-t", "h", "#{pane_title}").stdout.strip() == title_before
        assert term.tmux("display", "-p", "-t", "h", "#{window_name}").stdout.strip() == "ephemera-window"
        term.tmux("pipe-pane", "-t", "h")  # the recording ends (and its file is complete)
        raw = recording.read_bytes().decode("utf-8", errors="replace")
        assert "CrashLoopBackOff␛]52;c;" in raw  # the recording has the app's drawing of the pod
        assert unexpected_escapes(raw) == []
        # the check itself finds each of the pod's escapes, were they written
        assert len(unexpected_escapes("\x1b[2J\x1b]52;c;eA==\x07\x1b]0;t\x07\x1bP$qm\x1b\\\x1b_Ga\x1b\\\x1bc")) == 6
        forbidden = [repr(raw[max(0, m.start() - 30):m.end() + 10]) for m in _FORBIDDEN.finditer(raw)]
        assert forbidden == []
        term.keys("q")
    finally:
        term.tmux("kill-server", check=False)
