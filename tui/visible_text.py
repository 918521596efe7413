"""Control characters made visible (`visible`, `visible_line`): the sanitising half of
`tui.display_text`, without Rich, so the command line (`tui.cli_output`, `tui.k8s_names`) can use it
without loading Rich: `ephemera --version` and `--help` stay cheap (issue 15). Use it through
`tui.display_text`, which re-exports every name here; only modules on the command line's start-up
path import it directly.
"""

from __future__ import annotations

import re
from typing import Final

# Bidirectional formatting characters (overrides, embeddings, isolates, marks) and other invisible
# format characters that change how the surrounding text reads or is laid out.
BIDI_AND_INVISIBLE: Final = frozenset(
    [
        *(0x00AD, 0x061C, 0x180E, 0x2028, 0x2029, 0xFEFF),  # soft hyphen, ALM, MVS, LS, PS, BOM
        *range(0x200B, 0x2010),  # ZWSP ZWNJ ZWJ LRM RLM
        *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
        *range(0x2060, 0x2065),  # word joiner, invisible function application/times/separator/plus
        *range(0x2066, 0x206A),  # LRI RLI FSI PDI
        *range(0x206A, 0x2070),  # deprecated format characters (inhibit/activate swapping, shaping, digits)
        *range(0xFFF9, 0xFFFC),  # interlinear annotation anchor/separator/terminator
        *range(0xE0000, 0xE0080),  # TAG characters (invisible, used to smuggle text)
    ]
)

# C0 controls but tab and newline, DEL, C1 controls, the bidi/invisible characters above.
_FORMAT_CLASS: Final = "".join(
    f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}" for code in sorted(BIDI_AND_INVISIBLE)
)
UNSAFE: Final = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")
# The same with tab and newline: for one-line places (table cells, titles, CLI columns).
UNSAFE_ONE_LINE: Final = re.compile("[\\x00-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")


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
    if text.isprintable():  # the usual case, six times faster than the regex (every character
        return text         # UNSAFE matches is a Cc, Cf, Zl or Zp one: none is printable)
    return UNSAFE.sub(control_picture, text)


def visible_line(value: object) -> str:
    """`visible` for one-line places: tab and newline made visible too (␉, ␊)."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the fast path of `visible` (table cells: every row of every pod)
        return text
    return UNSAFE_ONE_LINE.sub(control_picture, text)


def is_safe_line(text: str) -> bool:
    """True when `text` holds no character `visible_line` would replace."""
    return UNSAFE_ONE_LINE.search(text) is None


def without_unsafe(text: str) -> str:
    """`text` without the characters `visible` would replace (tab and newline kept): for what goes
    on the clipboard, which has no way to show them (a DEL or a U+200B pasted into a shell or a
    file does harm unseen)."""
    return text if text.isprintable() else UNSAFE.sub("", text)


def unsafe_characters(text: str) -> list[str]:
    """The characters of `text` that `visible` would replace, as it shows them (␛, <U+202E>),
    each once, in order of appearance."""
    return list(dict.fromkeys(control_picture(match) for match in UNSAFE.finditer(text)))


def strip_unsafe(text: str) -> str:
    """`text` without the characters `visible_line` would replace (all of them zero-width on a
    terminal: removing them keeps the layout; the soft hyphen, one cell wide for Rich and most
    terminals, becomes a space). For the last guard before the terminal only."""
    return UNSAFE_ONE_LINE.sub(_stripped, text)


def _stripped(match: re.Match[str]) -> str:
    return " " if match.group() == "\u00ad" else ""
