"""The one place where text from a cluster, a file or the user becomes display text.

Any pod author is a potential attacker of the person running Ephemera: an image name, a waiting
reason, a termination message or a label may hold terminal escape sequences (OSC 52 rewrites the
clipboard, OSC 0 renames the window, CSI 2 J clears the screen), 8-bit C1 controls, DEL, or
bidirectional overrides that make text read differently from what it is. It may also hold Rich /
Textual markup (`[/]` crashes a markup parser, `[link=...]` makes a real hyperlink).

So every such string goes through `visible()` (a plain string with every control character made
visible) and is shown as a `rich.text.Text` (`safe_text()`), never parsed as markup. No Textual here:
the CLI uses the same functions for what it prints on the user's terminal.
"""

from __future__ import annotations

import re
from typing import Final

from rich.text import Text

# Bidirectional formatting characters (overrides, embeddings, isolates, marks) and other invisible
# format characters that change how the surrounding text reads or is laid out.
BIDI_AND_INVISIBLE: Final = frozenset(
    [
        *(0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF),
        *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
        *range(0x2066, 0x206A),  # LRI RLI FSI PDI
    ]
)

# C0 controls but tab and newline, DEL, C1 controls, the bidi/invisible characters above.
_FORMAT_CLASS: Final = "".join(f"\\u{code:04x}" for code in sorted(BIDI_AND_INVISIBLE))
UNSAFE: Final = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")
# The same with tab and newline: for one-line places (table cells, titles, CLI columns).
UNSAFE_ONE_LINE: Final = re.compile("[\\x00-\\x1f\\x7f-\\x9f" + _FORMAT_CLASS + "]")


def _picture(match: re.Match[str]) -> str:
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
    return UNSAFE.sub(_picture, text)


def visible_line(value: object) -> str:
    """`visible` for one-line places: tab and newline made visible too (␉, ␊)."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the fast path of `visible` (table cells: every row of every pod)
        return text
    return UNSAFE_ONE_LINE.sub(_picture, text)


def safe_text(value: object, style: str = "") -> Text:
    """A Rich Text of `visible(value)`: never parsed as markup, never a control sequence."""
    return Text(visible(value), style=style)


def is_safe_line(text: str) -> bool:
    """True when `text` holds no character `visible_line` would replace."""
    return UNSAFE_ONE_LINE.search(text) is None


def strip_unsafe(text: str) -> str:
    """`text` without the characters `visible_line` would replace (all of them zero-width on a
    terminal: removing them keeps the layout). For the last guard before the terminal only."""
    return UNSAFE_ONE_LINE.sub("", text)


def sanitize_text(text: Text, *, one_line: bool = False) -> Text:
    """`text` (a Text assembled elsewhere from pieces) with every control character made visible
    (`one_line`: tab and newline too); the styles of the other characters are kept. Returns `text`
    itself when nothing is unsafe."""
    matches = list((UNSAFE_ONE_LINE if one_line else UNSAFE).finditer(text.plain))
    if not matches:
        return text
    cleaned = text.copy()
    for match in reversed(matches):
        start = match.start()
        head, tail = cleaned[:start], cleaned[start + 1:]
        head.append(_picture(match), style=cleaned[start:start + 1].style or None)
        head.append_text(tail)
        cleaned = head
    return cleaned


def counted(count: int, noun: str, plural: str = "") -> str:
    """`1 pod`, `2 pods`, `0 pods` (`plural`: when not `noun` + "s", e.g. "copies")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
