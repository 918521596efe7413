"""Control characters made visible (`visible`, `visible_line`): the sanitising half of
`tui.display_text`, without Rich, so the command line (`tui.cli_output`, `tui.k8s_names`) can use it
without loading Rich: `ephemera --version` and `--help` stay cheap (issue 15). Use it through
`tui.display_text`, which re-exports every name here; only modules on the command line's start-up
path import it directly.
"""

from __future__ import annotations

import re
from typing import Final

# Every Unicode format character (category Cf: bidi overrides, embeddings, isolates and marks,
# zero-width spaces and joiners, the soft hyphen, TAG characters, the prepended concatenation
# marks...), the line and paragraph separators (Zl, Zp) and the variation selectors (which change
# how the character before them is drawn): they change how the surrounding text reads or is laid
# out without being seen. Written out as ranges (scanning unicodedata at import takes 0.3 s, too
# long for `ephemera --version`); tests/unit/test_visible_text_ranges.py checks against the running
# Python's unicodedata that every Cf, Cc, Zl and Zp character is covered. Ranges, not single code
# points: a character class of ranges is searched about ten times faster.
FORMAT_RANGES: Final[tuple[tuple[int, int], ...]] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x0600, 0x0605),  # Arabic number signs (prepended concatenation marks)
    (0x061C, 0x061C),  # Arabic letter mark
    (0x06DD, 0x06DD),  # Arabic end of ayah
    (0x070F, 0x070F),  # Syriac abbreviation mark
    (0x0890, 0x0891),  # Arabic pound/piastre mark above
    (0x08E2, 0x08E2),  # Arabic disputed end of ayah
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # ZWSP ZWNJ ZWJ LRM RLM
    (0x2028, 0x202E),  # LS PS, LRE RLE PDF LRO RLO
    (0x2060, 0x206F),  # word joiner, invisible operators, LRI RLI FSI PDI, deprecated format characters
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # BOM / zero-width no-break space
    (0xFFF9, 0xFFFB),  # interlinear annotation anchor/separator/terminator
    (0x110BD, 0x110BD),  # Kaithi number sign
    (0x110CD, 0x110CD),  # Kaithi number sign above
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE007F),  # TAG characters (invisible, used to smuggle text)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
BIDI_AND_INVISIBLE: Final = frozenset(code for low, high in FORMAT_RANGES for code in range(low, high + 1))


def _escaped(code: int) -> str:
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"


_FORMAT_CLASS: Final = "".join(
    _escaped(low) if low == high else f"{_escaped(low)}-{_escaped(high)}" for low, high in FORMAT_RANGES
)
# C0 controls but tab and newline, DEL, C1 controls, the format characters above.
UNSAFE: Final = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")
# The same with tab and newline: for one-line places (table cells, titles, CLI columns).
UNSAFE_ONE_LINE: Final = re.compile("[\\x00-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")
# The same without C0 controls (which a terminal application writes itself: ESC, CR, LF): what
# must never be in the bytes written to the terminal at all (the tmux test's check).
UNSAFE_BEYOND_C0: Final = re.compile("[\\x7f-\\x9f" + _FORMAT_CLASS + "]")
# The only characters above that str.isprintable() accepts (category Mn): the fast paths check them.
_PRINTABLE_UNSAFE: Final = re.compile("[\\ufe00-\\ufe0f\\U000e0100-\\U000e01ef]")


def _printable_and_safe(text: str) -> bool:
    """The fast path: nothing to replace (isprintable() is False for every Cc, Cf, Zl and Zp
    character; only the variation selectors are printable)."""
    return text.isprintable() and (text.isascii() or _PRINTABLE_UNSAFE.search(text) is None)


def control_picture(match: re.Match[str]) -> str:
    """How one unsafe character (a match of UNSAFE) is shown: a control picture, ␡ or <U+XXXX>."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC is ␛, BEL is ␇, TAB ␉, LF ␊
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def visible(value: object) -> str:
    """`value` as text with every control character visible: C0 (but tab and newline) as Unicode
    control pictures (ESC -> ␛), DEL as ␡, C1 and bidi/invisible format characters as <U+202E>.
    Markup characters are kept as they are: show the result with `safe_text` / `markup=False`."""
    text = value if isinstance(value, str) else str(value)
    if _printable_and_safe(text):  # the usual case, several times faster than the regex
        return text
    return UNSAFE.sub(control_picture, text)


def visible_line(value: object) -> str:
    """`visible` for one-line places: tab and newline made visible too (␉, ␊)."""
    text = value if isinstance(value, str) else str(value)
    if _printable_and_safe(text):  # the fast path of `visible` (table cells: every row of every pod)
        return text
    return UNSAFE_ONE_LINE.sub(control_picture, text)


def is_safe_line(text: str) -> bool:
    """True when `text` holds no character `visible_line` would replace."""
    return _printable_and_safe(text) or UNSAFE_ONE_LINE.search(text) is None


def without_unsafe(text: str) -> str:
    """`text` without the characters `visible` would replace (tab and newline kept): for what goes
    on the clipboard, which has no way to show them (a DEL or a U+200B pasted into a shell or a
    file does harm unseen)."""
    return text if _printable_and_safe(text) else UNSAFE.sub("", text)


def unsafe_characters(text: str) -> list[str]:
    """The characters of `text` that `visible` would replace, as it shows them (␛, <U+202E>),
    each once, in order of appearance."""
    return list(dict.fromkeys(control_picture(match) for match in UNSAFE.finditer(text)))


def strip_unsafe(text: str) -> str:
    """`text` without the characters `visible_line` would replace (all of them zero-width on a
    terminal: removing them keeps the layout; the soft hyphen and the others Rich counts one cell
    wide become a space). For the last guard before the terminal only."""
    return UNSAFE_ONE_LINE.sub(_stripped, text)


# The ones Rich counts one cell wide (the soft hyphen, the prepended concatenation marks): a space
# keeps the layout Rich computed.
_ONE_CELL: Final = frozenset(chr(code) for code in (0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891,
                                                    0x08E2, 0x110BD, 0x110CD))


def _stripped(match: re.Match[str]) -> str:
    return " " if match.group() in _ONE_CELL else ""
