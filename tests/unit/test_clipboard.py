"""tui.clipboard: OSC 52 always; the local clipboard only when not in an SSH session."""

from __future__ import annotations

from tui.clipboard import copy_text, over_ssh


class _Terminal:
    """Stands in for the terminal side of `App.copy_to_clipboard` (the OSC 52 escape)."""

    def __init__(self) -> None:
        self.copied: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


def test_over_ssh_from_the_environment() -> None:
    assert over_ssh({"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"})
    assert over_ssh({"SSH_TTY": "/dev/pts/3"})
    assert not over_ssh({"HOME": "/root"})


def test_over_ssh_only_osc52() -> None:
    terminal = _Terminal()
    assert copy_text(terminal, "PID USER", environ={"SSH_CLIENT": "10.0.0.1 50000 22"}) is False
    assert terminal.copied == ["PID USER"]


def test_local_clipboard_errors_are_ignored() -> None:
    terminal = _Terminal()
    result = copy_text(terminal, "hello", environ={})  # no X display here: pyperclip fails quietly
    assert terminal.copied == ["hello"]
    assert isinstance(result, bool)


def test_control_and_invisible_characters_never_reach_the_clipboard() -> None:
    """DEL, U+200B, U+202E, ESC, CR, a TAG character: left out; tab and newline kept."""
    terminal = _Terminal()
    copy_text(terminal, "a\x7fb\u200bc\u202ed\x1b]52;c;eA==\x07e\r\n\tf\U000e0041g", environ={"SSH_TTY": "x"})
    assert terminal.copied == ["abcd]52;c;eA==e\n\tfg"]
