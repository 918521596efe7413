"""Copy text to the user's clipboard: OSC 52 always, pyperclip too when not over SSH.

OSC 52 (Textual's `App.copy_to_clipboard`) reaches the terminal the user looks at, through SSH
and tmux (`set-clipboard on`). pyperclip writes the clipboard of the machine Ephemera runs on:
right on a workstation, wrong (or failing) on a bastion host, so it is skipped in an SSH session
and its errors are ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Protocol

import pyperclip  # type: ignore[import-untyped]

from tui.visible_text import without_unsafe

__all__ = ["copy_text", "over_ssh"]


class _CopiesToClipboard(Protocol):
    def copy_to_clipboard(self, text: str) -> None: ...


def over_ssh(environ: Mapping[str, str] | None = None) -> bool:
    """True when this process runs in an SSH session (its local clipboard is not the user's)."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def _pyperclip_copy(text: str) -> bool:
    try:
        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - no clipboard mechanism (headless, no xclip): OSC 52 is enough
        return False
    return True


def copy_text(app: _CopiesToClipboard | Any, text: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Copy `text` with OSC 52, and to the local clipboard when not over SSH. True when the local
    clipboard got it too (False: only terminals that honour OSC 52 have it). Control and invisible
    characters (DEL, U+200B, U+202E, ESC...) are left out: a clipboard cannot show them."""
    text = without_unsafe(text)
    app.copy_to_clipboard(text)
    return not over_ssh(environ) and _pyperclip_copy(text)
