"""The sanitiser's character set (tui.visible_text) against the running Python's unicodedata: every
control (Cc), format (Cf), line and paragraph separator (Zl, Zp) character and every variation
selector is made visible, shown as a control picture or <U+XXXX>; ordinary text is kept."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from tui.visible_text import (
    UNSAFE,
    UNSAFE_BEYOND_C0,
    is_safe_line,
    strip_unsafe,
    visible,
    visible_line,
    without_unsafe,
)

VARIATION_SELECTORS = [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]


def test_every_control_format_separator_and_variation_selector_is_covered() -> None:
    missed = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
              if (unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp") or code in VARIATION_SELECTORS)
              and chr(code) not in "\t\n" and not UNSAFE.match(chr(code))]
    assert missed == []


@pytest.mark.parametrize("character", ["\u0600", "\u06dd", "\u070f", "\u08e2", "\U000110bd", "\U00013430",
                                       "\U0001bca0", "\U0001d173", "\U000e0001", "\ufe0f", "\ufe00",
                                       "\U000e0100", "\U000e01ef", "\u2065"])
def test_format_characters_outside_the_old_list_are_shown(character: str) -> None:
    shown = f"<U+{ord(character):04X}>"
    assert visible(f"a{character}b") == f"a{shown}b"
    assert visible_line(f"a{character}b") == f"a{shown}b"
    assert not is_safe_line(f"a{character}b")
    assert without_unsafe(f"a{character}b") == "ab"
    assert UNSAFE_BEYOND_C0.search(character)
    assert strip_unsafe(f"a{character}b") in ("ab", "a b")


@pytest.mark.parametrize("text", ["nginx-7d9c8b6f5-abcde", "pod-ü-日本語 ok", "a\u00a0b", "é (e\u0301)", "🙂", ""])
def test_ordinary_text_is_kept(text: str) -> None:
    assert visible(text) == text and visible_line(text) == text and is_safe_line(text)


def test_the_terminal_check_leaves_c0_to_the_app() -> None:
    assert UNSAFE_BEYOND_C0.search("\x1b[1m\r\n") is None
    assert UNSAFE_BEYOND_C0.search("\x9b") and UNSAFE_BEYOND_C0.search("\x7f")
