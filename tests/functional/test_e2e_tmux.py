"""End to end, as a user: the installed `ephemera --demo` in a real terminal (tmux), keys only.

Pick the `slim` pod (`/slim`), open the debug form (`d`), choose the targeted mode on `app`,
create (Ctrl+S), see the shell prompt in the pane, run `ps` and see the app's Python process,
leave the pane (Ctrl+]), see the ephemeral container Running in the inspector, quit (`q`).
A private tmux server (`-L`), a 120x40 window, `TERM=screen-256color` without `COLORTERM` and
with `SSH_CONNECTION` set (256 colours, as over SSH), Ephemera's own files under tmp_path; every
wait polls with a deadline.
"""

from __future__ import annotations

import os
import re
import shlex
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.tmux import EPHEMERA, TMUX, Terminal, user_command

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the end-to-end test drives the app in tmux"),
    pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})"),
]


@pytest.fixture()
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(f"ephemera-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}", "e2e")
    command = user_command(tmp_path, f"{shlex.quote(str(EPHEMERA))} --demo",
                           SSH_CONNECTION="192.0.2.10 52000 192.0.2.20 22")
    term.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", term.session, command)
    term.tmux("set-option", "-t", term.session, "remain-on-exit", "off", check=False)
    try:
        yield term
    finally:
        term.tmux("kill-server", check=False)


def test_debug_the_slim_pod_in_targeted_mode_with_keys_only(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_text("slim-79487d6484-h4rss", timeout=30)
    terminal.wait_text("● live")
    # pick the slim pod with the filter
    terminal.type("/")
    terminal.wait_text("filter: text, /regex/")  # the filter field has the focus (a user sees it open)
    terminal.type("slim")
    terminal.keys("Enter")
    terminal.wait(lambda s: 'filter "slim"' in s and "NAME" in s and "web-5d9c7b8f4" not in s, "only slim listed")
    # the debug form, its pre-flight, then the targeted mode (the mode list is before target and image)
    terminal.type("d")
    terminal.wait_text("Debug default/slim-79487d6484-h4rss")
    terminal.wait_text("pre-flight: all clear")
    # The form opens in the mode list (the focus marker on the chosen row), in targeted mode for a
    # running pod, and says so at its top; Enter there moves on to the next field, creating nothing.
    terminal.wait(lambda s: "▶ (•) Targeted PID namespace" in s, "the targeted mode chosen, the focus on it")
    terminal.wait_text("Ctrl+S creates: Targeted PID namespace on app")
    terminal.keys("Enter")
    screen = terminal.wait(lambda s: "▶ target" in s and "--target=app" in s, "the focus on the target list")
    name = re.search(r"-c (debugger-[a-z0-9]{5})", screen)
    assert name is not None, screen
    debugger = name.group(1)
    terminal.wait(lambda s: "pre-flight: all clear" in s, "the pre-flight of the targeted mode")
    terminal.keys("C-s")
    # the pane attaches to the new debugger: a shell prompt, then ps shows the app's process
    terminal.wait(lambda s: f"{debugger} ● live" in s, "the attach pane live")
    terminal.wait(lambda s: re.search(r"^/ # ?$", s, re.MULTILINE), "the shell prompt")
    terminal.type("ps")
    terminal.keys("Enter")
    screen = terminal.wait_text("python -m http.server 8080")
    assert re.search(r"^\s+1 root\s+\S+\s+python -m http.server 8080", screen, re.MULTILINE), screen  # PID 1
    # leave the pane, back to the table, into the inspector (at its end: the ephemeral containers)
    terminal.keys("C-]")
    terminal.wait(lambda s: "x close" in s and "Ctrl+] leave pane" not in s, "the tab bar (its key hints)")
    terminal.keys("Escape")
    terminal.wait(lambda s: "x close" not in s, "back in the browser")
    terminal.keys("Enter")  # the inspector
    terminal.wait_text("inspector: j/k scroll")  # it has the focus
    # kept in view since the form created it (issue 12 item 7; WORKLOAD and EVENTS come below it)
    terminal.wait(lambda s: re.search(rf"{debugger}\s+busybox\s+→ target app\s*\n\s+Running", s),
                  f"{debugger} Running in the inspector")
    # quit
    # Esc, then q once it is handled: an Esc and a q read together are Alt+q (a terminal's
    # escape prefix), which a busy machine makes likely
    terminal.keys("Escape")
    terminal.wait(lambda s: "inspector (Enter/Tab)" in s, "the focus back in the table")
    terminal.keys("q")
    deadline = time.monotonic() + 20
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not terminal.alive(), f"ephemera did not quit on q; screen:\n{terminal.screen()}"
    # a demo session wrote the demo audit log, not the user's
    assert (tmp_path / "state" / "ephemera" / "audit-demo.jsonl").exists()
    assert not (tmp_path / "state" / "ephemera" / "audit.jsonl").exists()


@pytest.mark.timeout(360)  # three debuggers created by keys, then a walk down the inspector: long under load
def test_each_mode_chosen_by_keys_from_a_fresh_form_is_the_one_created(terminal: Terminal) -> None:
    """Issue 12: `d ↓ Enter` once made a targeted debugger. From a fresh form each time: ↑ (shared
    network), nothing (targeted, the default of a running pod), ↓ (copy and share); the row marked
    `(•)` and the top line name the mode; ctrl+s creates exactly that."""
    terminal.wait_text("slim-79487d6484-h4rss", timeout=30)
    terminal.wait_text("● live")
    terminal.type("/")
    terminal.wait_text("filter: text, /regex/")
    terminal.type("slim")
    terminal.keys("Enter")
    terminal.wait(lambda s: 'filter "slim"' in s and "web-5d9c7b8f4" not in s, "only slim listed")
    created: dict[str, str] = {}
    modes = ("Shared network", "Targeted PID namespace", "Copy and share")
    for key, title in zip(("Up", "", "Down"), modes, strict=True):
        terminal.type("d")
        terminal.wait_text("Debug default/slim-79487d6484-h4rss")
        terminal.wait(lambda s: "▶ (•) Targeted PID namespace" in s and "pre-flight: all clear" in s,
                      "a fresh form: targeted, the focus on it, pre-flight done")
        if key:
            terminal.keys(key)
        # the preview re-lays out after the mode changes (copy mode's command is a line longer):
        # wait for the debugger's name in it too
        screen = terminal.wait(lambda s, t=title: f"▶ (•) {t}" in s and f"Ctrl+S creates: {t}" in s  # type: ignore[misc]
                               and "pre-flight: all clear" in s
                               and re.search(r"-c (debugger-[a-z0-9]{5})", s) is not None,
                               f"{title} shown as chosen, with its kubectl equivalent")
        assert screen.count("(•)") == 1, screen
        name = re.search(r"-c (debugger-[a-z0-9]{5})", screen)
        assert name is not None, screen
        debugger = created[title] = name.group(1)
        terminal.keys("C-s")
        terminal.wait(lambda s, n=debugger: f"{n} ● live" in s, f"the {title} debugger attached")  # type: ignore[misc]
        terminal.keys("C-]")
        terminal.wait(lambda s: "x close" in s and "Ctrl+] leave pane" not in s, "the tab bar")
        terminal.keys("Escape")
        terminal.wait(lambda s: "x close" not in s, "back in the browser")
    # the copy is selected now, a pod of its own; slim holds the two ephemeral containers
    terminal.wait(lambda s: re.search(r"slim-79487d6484-h4rss-debug-[a-z0-9]{5}", s), "the copy in the table")
    terminal.keys("k")
    terminal.keys("Enter")
    terminal.wait_text("inspector: j/k scroll")
    shared, targeted = created["Shared network"], created["Targeted PID namespace"]

    def both(s: str) -> object:
        return re.search(rf"{targeted}\s+busybox\s+→ target app", s) and re.search(rf"{shared}\s+busybox\s+no target", s)

    def inspector_top(s: str) -> str:  # the inspector's first line, below its border
        lines = s.split("\n")
        border = next((i for i, line in enumerate(lines) if "inspector: j/k scroll" in line), len(lines) - 1)
        return lines[border + 1].strip() if border + 1 < len(lines) else ""

    # Each key waits for the inspector's own first line to move (not any change: AGE ticks, events
    # arrive): ] brings the next section's heading to the top, up to EPHEMERAL CONTAINERS...
    for _section in range(4):
        screen = terminal.screen()
        if inspector_top(screen).startswith("EPHEMERAL CONTAINERS") or both(screen):
            break
        top = inspector_top(screen)
        terminal.keys("]")
        terminal.wait(lambda s, before=top: inspector_top(s) != before,  # type: ignore[misc]
                      "the inspector at its next section")
    for _line in range(20):  # ...then a line at a time (each seen) until both entries are in view
        screen = terminal.screen()
        if both(screen):
            break
        top = inspector_top(screen)
        terminal.keys("j")
        terminal.wait(lambda s, before=top: inspector_top(s) != before,  # type: ignore[misc]
                      "the inspector a line further")
    screen = terminal.wait(both, "both debuggers in slim's inspector")
    assert "EPHEMERAL CONTAINERS (2)" in screen, screen  # the copy's debugger is in the copy
    assert re.search(rf"slim-79487d6484-h4rss-debug-[a-z0-9]{{5}}/{created['Copy and share']} ● live", screen), screen
