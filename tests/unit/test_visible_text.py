"""The sanitiser's character set: every invisible or reordering format character is made visible
(<U+XXXX>), and the final filter's strip keeps the layout."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tui.display_text import is_safe_line, strip_unsafe, visible, visible_line

INVISIBLE = [
    0x00AD,  # soft hyphen
    0x061C, 0x180E,
    *range(0x200B, 0x2010),  # ZWSP ZWNJ ZWJ LRM RLM
    0x2028, 0x2029,
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x2070),  # isolates, deprecated format characters
    0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB,
    0xE0000, 0xE0001, 0xE0020, 0xE0041, 0xE007F,  # TAG characters
]


@pytest.mark.parametrize("code", INVISIBLE, ids=lambda code: f"U+{code:04X}")
def test_invisible_and_format_characters_are_made_visible(code: int) -> None:
    text = f"a{chr(code)}b"
    assert visible(text) == f"a<U+{code:04X}>b"
    assert visible_line(text) == f"a<U+{code:04X}>b"
    assert not is_safe_line(text)
    assert chr(code) not in strip_unsafe(text)


def test_the_guard_keeps_a_soft_hyphen_cell() -> None:
    """Rich counts U+00AD as one cell: the final filter turns it into a space, not nothing."""
    assert strip_unsafe("a\u00adb") == "a b"
    assert cell_len(strip_unsafe("a\u00adb")) == cell_len("a\u00adb")


def test_tag_characters_spelling_text_are_all_shown() -> None:
    smuggled = "".join(chr(0xE0000 + ord(c)) for c in "rm -rf")
    assert visible("ok" + smuggled) == "ok" + "".join(f"<U+{0xE0000 + ord(c):05X}>" for c in "rm -rf")


def test_ordinary_text_is_kept() -> None:
    for text in ("nginx:1.27", "naïve café", "日本語", "emoji 🙂", "a\tb"):
        assert visible(text) == text
