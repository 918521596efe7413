"""`ephemera --demo` changes none of the user's settings (issue 12 item 11): a theme picked with
Ctrl+T and the image of a debugger created in the demo are remembered for the demo only; the
user's config.toml keeps its bytes. The installed `ephemera` in a private tmux server, keys only."""

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
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: this test drives the app in tmux"),
    pytest.mark.skipif(not EPHEMERA.exists(), reason=f"the ephemera console script is not installed ({EPHEMERA})"),
]

USER_CONFIG = '# my settings\ntheme = "nord"          # my theme\nrecent_images = ["alpine"]\n'


@pytest.fixture()
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    config = tmp_path / "config" / "ephemera" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(USER_CONFIG)
    term = Terminal(f"ephemera-demo-settings-{os.getpid()}-{uuid.uuid4().hex[:8]}", "demo")
    command = user_command(tmp_path, f"{shlex.quote(str(EPHEMERA))} --demo")
    term.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", term.session, command)
    try:
        yield term
    finally:
        term.tmux("kill-server", check=False)


def test_the_demo_leaves_the_users_config_file_alone(terminal: Terminal, tmp_path: Path) -> None:
    config = tmp_path / "config" / "ephemera" / "config.toml"
    terminal.wait_text("slim-79487d6484-h4rss", timeout=30)
    terminal.wait_text("● live")
    # a theme picked in the demo
    terminal.keys("C-t")
    terminal.wait_text("dracula")
    terminal.type("dracula")
    terminal.keys("Enter")
    terminal.wait(lambda s: "dracula" not in s, "the theme picker closed")
    # a debugger created in the demo (its image is remembered once it runs)
    terminal.type("/")
    terminal.wait_text("filter: text, /regex/")
    terminal.type("slim")
    terminal.keys("Enter")
    terminal.wait(lambda s: "web-5d9c7b8f4" not in s, "only slim listed")
    terminal.type("d")
    terminal.wait_text("Debug default/slim-79487d6484-h4rss")
    terminal.wait_text("pre-flight: all clear")
    terminal.keys("C-s")
    terminal.wait(lambda s: "● live" in s and "debugger-" in s, "the attach pane live")
    terminal.wait(lambda s: re.search(r"^/ # ?$", s, re.MULTILINE), "the shell prompt")
    terminal.keys("C-]")
    terminal.wait_text("x close")
    terminal.keys("Escape")  # then q once it is handled: read together they are Alt+q
    terminal.wait(lambda s: "x close" not in s, "back in the browser")
    terminal.keys("q")
    deadline = time.monotonic() + 20
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not terminal.alive(), f"ephemera did not quit on q; screen:\n{terminal.screen()}"
    assert config.read_text() == USER_CONFIG
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]
