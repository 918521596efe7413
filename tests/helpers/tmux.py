"""The installed `ephemera` in a private tmux server: send keys at a typing pace, read the screen,
wait (with a deadline) for what a user would see."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from helpers import WAIT_SECONDS

TMUX = shutil.which("tmux")
EPHEMERA = Path(sys.executable).with_name("ephemera")
KEY_INTERVAL = 0.15  # seconds between keys of one gesture (a fast typist)


def user_command(home: Path, command: str, **extra: str) -> str:
    """`command` run as a user would in a fresh login on `home`: an empty environment but tmux's
    TERM (256 colours, no COLORTERM: a terminal over SSH), PATH, LANG, and private XDG directories
    under `home` (so nothing touches this machine's settings); `extra` adds variables."""
    env = {
        "TERM": "screen-256color",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        **extra,
    }
    return "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + command


class Terminal:
    """One tmux session on a private server."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              timeout=30)

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Press `keys` one after the other at a typing pace: keys that move the focus (`/`, Tab)
        take effect before the next key arrives, as they do for a person typing."""
        for index, key in enumerate(keys):
            if index:
                time.sleep(KEY_INTERVAL)
            self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), key)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session, check=False).returncode == 0

    def wait(self, condition: Callable[[str], object], what: str, timeout: float = WAIT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(f"ephemera exited while waiting for {what}; last screen:\n{screen}")
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; screen:\n{screen}")

    def wait_text(self, needle: str, timeout: float = WAIT_SECONDS) -> str:
        return self.wait(lambda screen: needle in screen, repr(needle), timeout)
