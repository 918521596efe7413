"""Textual key events to the bytes a terminal (xterm) sends for them.

Textual 8 enables the kitty keyboard protocol, so ctrl/alt combinations often arrive with no
`character`: everything here is derived from the key *name* (`ctrl+a`, `alt+shift+x`,
`ctrl+right_square_bracket`, `shift+f5`) and only falls back to the character for plain keys.
"""

from __future__ import annotations

import unicodedata

from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS

__all__ = ["LEAVE_HINT", "LEAVE_KEY", "key_name_character", "key_to_bytes", "paste_to_bytes"]

#: The one chord the terminal does not pass on: it leaves the pane (telnet's escape character).
LEAVE_KEY = "ctrl+right_square_bracket"
LEAVE_HINT = "Ctrl+] leave pane"

ESC = "\x1b"
CSI = "\x1b["
SS3 = "\x1bO"

_MODIFIERS = {"shift", "alt", "ctrl", "meta", "super", "hyper"}

# Keys sent as CSI 1 ; mod X when modified; unmodified as SS3 X ("always": F1-F4) or, for the cursor
# keys, Home and End, as SS3 X in application cursor mode (DECCKM) and CSI X otherwise.
_FINAL_BYTE_KEYS = {
    "up": ("A", False),
    "down": ("B", False),
    "right": ("C", False),
    "left": ("D", False),
    "home": ("H", False),
    "end": ("F", False),
    "f1": ("P", True),
    "f2": ("Q", True),
    "f3": ("R", True),
    "f4": ("S", True),
}
# Keys sent as CSI n ~ (CSI n ; mod ~ when modified).
_TILDE_KEYS = {
    "insert": 2,
    "delete": 3,
    "pageup": 5,
    "pagedown": 6,
    "f5": 15,
    "f6": 17,
    "f7": 18,
    "f8": 19,
    "f9": 20,
    "f10": 21,
    "f11": 23,
    "f12": 24,
}
_F13_TO_F24 = {f"f{n}": f"f{n - 12}" for n in range(13, 25)}
# Ctrl+symbol bytes that are not `ord(c) & 0x1f` of an obvious letter.
_CTRL_SYMBOLS = {
    "@": 0x00,
    " ": 0x00,
    "2": 0x00,
    "[": 0x1B,
    "3": 0x1B,
    "\\": 0x1C,
    "4": 0x1C,
    "]": 0x1D,
    "5": 0x1D,
    "^": 0x1E,
    "6": 0x1E,
    "_": 0x1F,
    "-": 0x1F,
    "7": 0x1F,
    "/": 0x1F,
    "?": 0x7F,
    "8": 0x7F,
}
_NAMED_CHARACTERS = {"space": " ", "tab": "\t", "enter": "\r", "escape": ESC, "backspace": "\x7f"}


def key_name_character(name: str) -> str | None:
    """The character of a (modifier-free) key name: `a` -> "a", `right_square_bracket` -> "]"."""
    if len(name) == 1:
        return name
    if name in _NAMED_CHARACTERS:
        return _NAMED_CHARACTERS[name]
    original = REPLACED_KEYS.get(name, name)
    unicode_name = KEY_TO_UNICODE_NAME.get(original, original.replace("_", " ").upper())
    try:
        return unicodedata.lookup(unicode_name)
    except KeyError:
        return None


def _split(key: str) -> tuple[frozenset[str], str]:
    tokens = key.split("+")
    # "plus" is the name of "+", so a trailing empty token never happens; be safe anyway.
    base = tokens[-1] if tokens[-1] else "+"
    mods = frozenset(token for token in tokens[:-1] if token in _MODIFIERS)
    return mods, base


def _modifier_param(mods: frozenset[str]) -> int:
    value = 1
    if "shift" in mods:
        value += 1
    if "alt" in mods or "meta" in mods:
        value += 2
    if "ctrl" in mods:
        value += 4
    return value


def key_to_bytes(key: str, character: str | None, *, application_cursor: bool = False) -> bytes | None:
    """The bytes to send to the program for one key event, or None for keys with no encoding."""
    mods, base = _split(key)
    if "super" in mods or "hyper" in mods:
        return None  # a terminal sends nothing for Super (Cmd, the Windows key) combinations
    if base in _F13_TO_F24:  # xterm: F13-F24 are Shift+F1-F12
        base = _F13_TO_F24[base]
        mods = mods | {"shift"}
    param = _modifier_param(mods)
    alt = "alt" in mods or "meta" in mods

    if base in _FINAL_BYTE_KEYS:
        final, always_ss3 = _FINAL_BYTE_KEYS[base]
        if param > 1:
            return f"{CSI}1;{param}{final}".encode()
        return f"{SS3 if always_ss3 or application_cursor else CSI}{final}".encode()
    if base in _TILDE_KEYS:
        number = _TILDE_KEYS[base]
        if param > 1:
            return f"{CSI}{number};{param}~".encode()
        return f"{CSI}{number}~".encode()

    prefix = ESC if alt else ""
    if base == "tab":
        if "shift" in mods:
            return f"{prefix}{CSI}Z".encode()
        return f"{prefix}\t".encode()
    if base == "enter":
        return f"{prefix}\r".encode()
    if base == "backspace":
        return (prefix + ("\x08" if "ctrl" in mods else "\x7f")).encode()
    if base == "escape":
        return f"{prefix}{ESC}".encode()

    if "ctrl" in mods:
        char = key_name_character(base)
        if char is None:
            return None
        code = _ctrl_code(char)
        if code is None:
            return None
        return prefix.encode() + bytes([code])

    if character and character.isprintable() and not alt:
        return character.encode()
    char = key_name_character(base)
    if char is None:
        if character and character.isprintable():
            return (prefix + character).encode()
        return None
    if "shift" in mods and len(char) == 1:
        char = char.upper()
    return (prefix + char).encode()


def _ctrl_code(char: str) -> int | None:
    if char in _CTRL_SYMBOLS:
        return _CTRL_SYMBOLS[char]
    lower = char.lower()
    if len(lower) == 1 and "a" <= lower <= "z":
        return ord(lower) & 0x1F
    return None


def paste_to_bytes(text: str, *, bracketed: bool) -> bytes:
    """A paste as the program gets it: newlines as Enter, wrapped only if it asked (mode 2004)."""
    body = text.replace("\r\n", "\r").replace("\n", "\r")
    if bracketed:
        # A paste must not be able to end the bracket early.
        body = body.replace("\x1b[201~", "")
        return f"\x1b[200~{body}\x1b[201~".encode()
    return body.encode()
