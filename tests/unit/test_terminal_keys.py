"""Keys and pastes become the bytes a real terminal (xterm) sends."""

from __future__ import annotations

import pytest

from widgets.terminal.keys import LEAVE_KEY, key_to_bytes, paste_to_bytes


@pytest.mark.parametrize(
    ("key", "character", "expected"),
    [
        ("a", "a", b"a"),
        ("A", "A", b"A"),
        ("shift+a", "A", b"A"),
        ("space", " ", b" "),
        ("exclamation_mark", "!", b"!"),
        ("é", "é", "é".encode()),
        ("enter", "\r", b"\r"),
        ("backspace", "\x7f", b"\x7f"),
        ("tab", "\t", b"\t"),
        ("shift+tab", None, b"\x1b[Z"),
        ("escape", "\x1b", b"\x1b"),
        ("home", None, b"\x1b[H"),
        ("end", None, b"\x1b[F"),
        ("pageup", None, b"\x1b[5~"),
        ("pagedown", None, b"\x1b[6~"),
        ("insert", None, b"\x1b[2~"),
        ("delete", None, b"\x1b[3~"),
        ("f1", None, b"\x1bOP"),
        ("f4", None, b"\x1bOS"),
        ("f5", None, b"\x1b[15~"),
        ("f6", None, b"\x1b[17~"),
        ("f12", None, b"\x1b[24~"),
        ("ctrl+up", None, b"\x1b[1;5A"),
        ("ctrl+left", None, b"\x1b[1;5D"),
        ("shift+right", None, b"\x1b[1;2C"),
        ("alt+x", None, b"\x1bx"),
        ("alt+shift+x", None, b"\x1bX"),
        ("alt+enter", None, b"\x1b\r"),
        ("ctrl+backslash", None, b"\x1c"),
        ("ctrl+space", None, b"\x00"),
        ("ctrl+at", None, b"\x00"),
        ("ctrl+underscore", None, b"\x1f"),
    ],
)
def test_key_bytes(key: str, character: str | None, expected: bytes) -> None:
    assert key_to_bytes(key, character) == expected


@pytest.mark.parametrize("letter", "abcdefghijklmnopqrstuvwxyz")
def test_ctrl_letters_from_the_key_name_with_no_character(letter: str) -> None:
    """Kitty keyboard protocol: ctrl keys arrive as `ctrl+c` with `character` None."""
    assert key_to_bytes(f"ctrl+{letter}", None) == bytes([ord(letter) & 0x1F])


def test_ctrl_letters_from_a_legacy_terminal_with_character() -> None:
    assert key_to_bytes("ctrl+c", "\x03") == b"\x03"
    assert key_to_bytes("ctrl+d", "\x04") == b"\x04"


def test_ctrl_shift_letter_and_ctrl_alt_letter() -> None:
    assert key_to_bytes("ctrl+shift+c", None) == b"\x03"
    assert key_to_bytes("alt+ctrl+c", None) == b"\x1b\x03"


@pytest.mark.parametrize(("key", "final"), [("up", "A"), ("down", "B"), ("right", "C"), ("left", "D")])
def test_arrows_in_normal_and_application_cursor_mode(key: str, final: str) -> None:
    assert key_to_bytes(key, None, application_cursor=False) == f"\x1b[{final}".encode()
    assert key_to_bytes(key, None, application_cursor=True) == f"\x1bO{final}".encode()
    # Modified arrows are the same in both modes.
    assert key_to_bytes(f"ctrl+{key}", None, application_cursor=True) == f"\x1b[1;5{final}".encode()


def test_leave_chord_is_ctrl_right_bracket() -> None:
    assert LEAVE_KEY == "ctrl+right_square_bracket"
    assert key_to_bytes(LEAVE_KEY, None) == b"\x1d"


def test_paste_without_bracketed_paste_is_typed_as_is() -> None:
    assert paste_to_bytes("ls -l\nwhoami", bracketed=False) == b"ls -l\rwhoami"


def test_paste_with_bracketed_paste_is_wrapped() -> None:
    assert paste_to_bytes("echo hi\n", bracketed=True) == b"\x1b[200~echo hi\r\x1b[201~"


def test_paste_cannot_close_the_bracket_early() -> None:
    data = paste_to_bytes("a\x1b[201~rm -rf /\n", bracketed=True)
    assert data.count(b"\x1b[201~") == 1
    assert data.endswith(b"\x1b[201~")


def test_f13_to_f24_are_shifted_f1_to_f12_and_super_sends_nothing() -> None:
    assert key_to_bytes("f13", None) == b"\x1b[1;2P"
    assert key_to_bytes("f17", None) == b"\x1b[15;2~"
    assert key_to_bytes("ctrl+f13", None) == b"\x1b[1;6P"
    assert key_to_bytes("super+a", "a") is None
    assert key_to_bytes("super+c", None) is None
